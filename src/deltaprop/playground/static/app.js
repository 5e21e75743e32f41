// The playground page: one session on the server (the real engine), its state streamed to the page, and the
// page's actions.  The link is kept in page_link.js, the controls are wired in controls.js, view.js draws a state.
import { Stepper } from "./stepper.js";
import { Diagram } from "./diagram.js";
import { makeInspector } from "./inspector.js";
import { apply, lang, loadLanguage, t } from "./i18n.js";
import { useNames } from "./names.js";
import { fixed, percent } from "./numbers.js";
import { Lessons } from "./lessons.js";
import { showError } from "./messages.js";
import { defaultPage, readHash, writeHash } from "./page_link.js";
import { buildControls, fillMenus } from "./controls.js";
import { render as draw } from "./view.js";

const $ = (id) => document.getElementById(id);
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const app = { options: null, config: null, session: null, state: null, data: null, source: null,
  inspecting: null, inspectTimer: 0, page: defaultPage(), lastAnnounce: 0, renderTimer: 0, lastRender: 0 };
window.playground = app;          // for the curious (and the tests): the latest state is app.state
const render = () => draw(app);
const { inspect, closeInspector, refreshInspector, previewNeuron } =
  makeInspector(app, { api: (...a) => api(...a), action: (...a) => action(...a), render, showError });

async function api(path, body, method = body === undefined ? "GET" : "POST") {
  const response = await fetch(path, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const payload = await response.json();
  if (!response.ok) {
    const error = new Error(payload.error || `HTTP ${response.status}`);
    error.payload = payload;
    throw error;
  }
  return payload;
}

// ----------------------------------------------------------------- sessions
async function start() {
  app.options = await api("/api/options");
  useNames(app.options);
  const { config, page } = readHash(app.options.defaults);
  app.page = page;
  await loadLanguage(page.lang);
  buildControls(app, { configure, action, accept, explainStep, render, applyLanguage, refreshInspector, api });
  buildViews();
  applyLanguage();
  closeInspector();
  let state;
  try {
    state = await api("/api/sessions", { ...config });
  } catch (error) {
    state = await api("/api/sessions", {});
    showError({ key: "link_refused", error });
  }
  app.session = state.session;
  accept(state);
  connect();
}

function connect() {
  if (app.source) app.source.close();
  app.source = new EventSource(`/api/sessions/${app.session}/events`);
  app.source.addEventListener("state", (event) => accept(JSON.parse(event.data)));
}

async function configure(changes) {
  const config = { ...app.config, ...changes };
  try {
    showError("");
    const state = await api(`/api/sessions/${app.session}/config`, config);
    if (state.steps === 0 && state.notice && state.notice.kind === "restarted") closeInspector();
    accept(state);
    return true;
  } catch (error) {
    showError(error);
    render();
    return false;
  }
}

async function action(name, body = {}) {
  try {
    showError("");
    accept(await api(`/api/sessions/${app.session}/${name}`, body));
    announce(name);
  } catch (error) {
    if (error.payload?.code !== "no_session") return showError(error);
    // The server was restarted or dropped this idle session: start a fresh one with the same configuration.
    const state = await api("/api/sessions", app.config).catch((e) => showError(e));
    if (!state) return;
    app.session = state.session;
    accept(state);
    connect();
    showError({ key: "expired" });
  }
}

// A state from a reply or the stream; older versions are ignored.
function accept(state) {
  if (state.data) app.data = state.data;
  if (app.state && state.version < app.state.version && state.session === app.state.session) return;
  app.state = state;
  app.config = state.config;
  writeHash(app);
  scheduleRender();
  if (app.inspecting) refreshInspector();
  if (state.playing) announce("playing");
}

// While playing with reduced motion asked for, the pictures change at most twice a second.
function scheduleRender() {
  const wait = reducedMotion.matches && app.state.playing ? 500 - (performance.now() - app.lastRender) : 0;
  if (wait <= 0) { clearTimeout(app.renderTimer); app.renderTimer = 0; render(); return; }
  if (!app.renderTimer) app.renderTimer = setTimeout(() => { app.renderTimer = 0; render(); }, wait);
}

// The polite live region: what a step, an epoch or a reset did, at most every 4 seconds while playing.
function announce(kind) {
  const s = app.state, now = performance.now();
  if (!s || (kind === "playing" && now - app.lastAnnounce < 4000)) return;
  app.lastAnnounce = now;
  const accuracy = s.losses.test_accuracy === undefined ? "" : t("status_accuracy", { accuracy: percent(s.losses.test_accuracy) });
  $("status").textContent = t("status", { epoch: s.epoch, steps: s.steps, loss: fixed(s.losses.train, 4) }) + accuracy;
}

// ----------------------------------------------------------------- the network, the explained step, lessons
function buildViews() {
  app.diagram = new Diagram($("diagram"), {
    neuron: (l, j, origin) => inspect({ kind: "neuron", l, j, sample: 0 }, origin),
    link: (l, to, from, origin) => inspect({ kind: "link", l, to, from }, origin),
    resize: (l, delta) => {
      const hidden = [...app.config.hidden];
      hidden[l - 1] += delta;
      configure({ hidden });
    },
    activation: (l, name) => {
      const activations = [...app.config.activations];
      activations[l - 1] = name;
      configure({ activations });
    },
    escape: () => closeInspector(true),
    preview: (l, j) => previewNeuron(l, j),
  }, () => app.page.numbering);
  app.stepper = new Stepper($("stepper"), app.diagram, () => app.page.numbering);
  app.stepper.onClose = () => { render(); $("explain-step").focus(); };
  app.lessons = new Lessons({ configure, getState: () => app.state, defaults: () => app.options.defaults,
    speed: () => app.config.speed, api });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (app.inspecting) { event.preventDefault(); closeInspector(true); }
    else if (app.stepper.data) { event.preventDefault(); app.stepper.close(); }
  });
  window.addEventListener("resize", render);
}

function applyLanguage() {
  apply();
  fillMenus(app);
  document.title = t("title");
  $("lang").value = lang();
  app.lessons.load(lang());
  if (app.diagram) app.diagram.key = null;
  if (app.state) render();
  if (app.inspecting) refreshInspector(true); else closeInspector();
}

async function explainStep(index = 0) {
  try {
    const data = await api(`/api/sessions/${app.session}/explained-step?sample=0&lang=${lang()}&numbering=${app.page.numbering}`);
    if (app.state.playing) await action("pause");
    app.stepper.open(data, index);
  } catch (error) {
    showError(error);
  }
}

start().catch((error) => showError({ key: "could_not_start", message: error.message }));
