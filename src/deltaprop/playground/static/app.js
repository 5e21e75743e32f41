// The playground page: configuration (kept in the URL), controls, and drawing the server's state.
import { drawCurve, drawHeatmap, drawThumbnail } from "./draw.js";
import { Stepper } from "./stepper.js";
import { Diagram } from "./diagram.js";
import { paramsTable } from "./inspect.js";
import { makeInspector } from "./inspector.js";
import { LANGS, apply, lang, loadLanguage, t } from "./i18n.js";
import { useNames } from "./names.js";
import { fixed, fmt, percent } from "./numbers.js";
import { Lessons } from "./lessons.js";
import { renderDiagnostics, noticeText, hintText, errorText, markerText, optionLabel } from "./messages.js";

const $ = (id) => document.getElementById(id);
const CHOICES = {
  learning_rate: [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3, 10],
  batch_size: [1, 2, 5, 10, 20, 30, 50, 100],
  l2: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  l1: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
};
const SPEEDS = [1, 2, 5, 10, 30, 100, 300, 0];
const NUMERIC = ["samples", "noise", "train_fraction", "learning_rate", "batch_size", "l2", "l1", "seed", "classes",
  "data_seed", "speed"];
// Page settings kept in the link beside the configuration: language, layer numbering, hidden controls.
const PAGE = { lang: "en", numbering: "nielsen", hide: [] };
export const HIDEABLE = ["language", "speed", "learning_rate", "optimizer", "loss", "batch_size", "l2", "l1", "seed",
  "data", "lessons", "discretize", "diagnostics", "exports"];
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const app = { options: null, config: null, session: null, state: null, data: null, source: null,
  inspecting: null, inspectTimer: 0, page: { ...PAGE }, lastAnnounce: 0, renderTimer: 0, lastRender: 0 };
window.playground = app;          // for the curious (and the tests): the latest state is app.state
const { inspect, closeInspector, refreshInspector, previewNeuron } =
  makeInspector(app, { api: (...a) => api(...a), action: (...a) => action(...a), render: () => render(),
    showError: (e) => showError(e) });

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

export function showError(error) {
  $("error").hidden = !error;
  $("error").textContent = error ? errorText(error) : "";
}

// ----------------------------------------------------------------- URL <-> config
function readHash() {
  const out = {}, page = { ...PAGE };
  for (const [key, value] of new URLSearchParams(location.hash.slice(1))) {
    if (key === "lang" && LANGS.includes(value)) page.lang = value;
    else if (key === "numbering" && ["nielsen", "engine"].includes(value)) page.numbering = value;
    else if (key === "hide") page.hide = value.split(",").filter((v) => HIDEABLE.includes(v));
    else if (!(key in app.options.defaults)) continue;
    else if (key === "hidden") out.hidden = value === "" ? [] : value.split(",").map(Number);
    else if (key === "activations") out.activations = value === "" ? [] : value.split(",");
    else if (key === "features") out.features = value === "" ? [] : value.split(",");
    else if (key === "discretize") out.discretize = value === "true";
    else out[key] = NUMERIC.includes(key) ? Number(value) : value;
  }
  return { config: out, page };
}

export function link(page = app.page) {
  const c = app.config, params = new URLSearchParams();
  for (const key of Object.keys(app.options.defaults)) {
    const value = c[key];
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  params.set("lang", page.lang);
  params.set("numbering", page.numbering);
  if (page.hide.length) params.set("hide", page.hide.join(","));
  return `${location.origin}${location.pathname}#${params.toString()}`;
}

function writeHash() { history.replaceState(null, "", link().slice(location.origin.length)); }

// ----------------------------------------------------------------- sessions
async function start() {
  app.options = await api("/api/options");
  useNames(app.options);
  const { config, page } = readHash();
  app.page = page;
  await loadLanguage(page.lang);
  buildControls();
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

export async function configure(changes) {
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
  writeHash();
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

// ----------------------------------------------------------------- controls
function fillMenus() {
  const o = app.options;
  for (const [id, values] of Object.entries({ ...CHOICES, optimizer: o.optimizers, loss: o.losses })) {
    const select = $(id), keep = select.value;
    select.length = 0;
    for (const value of values) select.add(new Option(optionLabel(id, value), String(value)));
    if (keep) select.value = keep;
  }
  const speed = $("speed"), keep = speed.value;
  speed.length = 0;
  for (const v of SPEEDS) speed.add(new Option(v ? t("steps_per_second", { n: v }) : t("as_fast"), String(v)));
  speed.value = keep || "0";
}

function buildControls() {
  const o = app.options;
  fillMenus();
  for (const id of Object.keys(CHOICES).concat(["optimizer", "loss"])) {
    $(id).addEventListener("change", () => configure({ [id]: NUMERIC.includes(id) ? Number($(id).value) : $(id).value }));
  }
  $("seed").addEventListener("change", () => {
    const seed = Number($("seed").value);
    if (Number.isInteger(seed) && seed >= 0) configure({ seed });
  });
  $("speed").addEventListener("change", () => configure({ speed: Number($("speed").value) }));
  for (const id of ["train_fraction", "noise", "samples"]) {
    $(id).addEventListener("input", () => { $(`${id}-out`).textContent = sliderText(id, $(id).value); });
    $(id).addEventListener("change", () => configure({ [id]: Number($(id).value) }));
  }
  for (const name of o.datasets) {
    const button = document.createElement("button");
    button.dataset.dataset = name;
    const canvas = document.createElement("canvas");
    canvas.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.dataset.t = `dataset_${name}`;
    button.append(canvas, label);
    drawThumbnail(canvas, name);
    button.addEventListener("click", () => (name === "upload" ? $("csv").click() : chooseDataset(name)));
    $("datasets").appendChild(button);
  }
  $("csv").addEventListener("change", upload);
  document.querySelectorAll("#problem button").forEach((button) =>
    button.addEventListener("click", () => chooseProblem(button.dataset.problem)));
  $("play").addEventListener("click", () => action(app.state.playing ? "pause" : "play"));
  $("step").addEventListener("click", () => action("step"));
  $("epoch-btn").addEventListener("click", () => action("epoch"));
  $("reset").addEventListener("click", () => action("reset"));
  $("mazur").addEventListener("click", () => configure({ preset: "mazur" }));
  $("no-preset").addEventListener("click", () => configure({ preset: "none" }));
  $("lang").value = app.page.lang;
  $("lang").addEventListener("change", async () => {
    app.page.lang = await loadLanguage($("lang").value);
    applyLanguage();
    writeHash();
    if (app.stepper.data) explainStep(app.stepper.index);
  });
  $("numbering").value = app.page.numbering;
  $("numbering").addEventListener("change", () => {
    app.page.numbering = $("numbering").value;
    writeHash();
    app.diagram.key = null;
    render();
    if (app.inspecting) refreshInspector(true);
    if (app.stepper.data) explainStep(app.stepper.index);
  });
  $("add-layer").addEventListener("click", () => changeLayers(1));
  $("remove-layer").addEventListener("click", () => changeLayers(-1));
  $("show-test").addEventListener("change", render);
  $("log-scale").addEventListener("change", render);
  $("discretize").addEventListener("change", () => configure({ discretize: $("discretize").checked }));
  $("classes").addEventListener("change", () => configure({ classes: Number($("classes").value) }));
  $("regenerate").addEventListener("click", () =>
    configure({ data_seed: (app.config.data_seed + 1 + Math.floor(Math.random() * 1000)) % 2147483647 }));
  for (const name of o.features) {
    const button = document.createElement("button");
    button.dataset.feature = name;
    button.textContent = o.feature_labels[name];
    button.addEventListener("click", () => {
      const on = new Set(app.config.features);
      if (on.has(name)) on.delete(name); else on.add(name);
      if (on.size) configure({ features: o.features.filter((f) => on.has(f)) });
    });
    $("features").appendChild(button);
  }
  $("explain-step").addEventListener("click", () => explainStep(0));
  $("share").addEventListener("click", () => copy($("share"), link(), "share"));
  $("classroom").addEventListener("click", openClassroom);
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
  fillMenus();
  document.title = t("title");
  $("lang").value = lang();
  app.lessons.load(lang());
  if (app.diagram) app.diagram.key = null;
  if (app.state) render();
  if (app.inspecting) refreshInspector(true); else closeInspector();
}

async function copy(button, text, key) {
  try { await navigator.clipboard.writeText(text); button.textContent = t("link_copied"); }
  catch { button.textContent = t("copy_address"); }
  setTimeout(() => { button.textContent = t(key); }, 2000);
}

// A link that opens the page with chosen controls hidden (for a class).
function openClassroom() {
  const box = $("classroom-box");
  if (!box.hidden) { box.hidden = true; return; }
  box.hidden = false;
  const hide = new Set(app.page.hide);
  box.innerHTML = `<fieldset><legend>${t("classroom_hide")}</legend>${HIDEABLE.map((name) =>
    `<label class="check"><input type="checkbox" value="${name}" ${hide.has(name) ? "checked" : ""}> ${t(`hide_${name}`)}</label>`).join("")}
    </fieldset><label class="classroom-link"><span>${t("classroom_link")}</span><input type="text" readonly id="classroom-url"></label>
    <button id="classroom-copy" class="small-button">${t("copy_link")}</button>`;
  const update = () => {
    const chosen = [...box.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
    $("classroom-url").value = link({ ...app.page, hide: chosen });
  };
  box.querySelectorAll("input[type=checkbox]").forEach((input) => input.addEventListener("change", update));
  $("classroom-copy").addEventListener("click", () => copy($("classroom-copy"), $("classroom-url").value, "copy_link"));
  update();
}

export async function explainStep(index = 0) {
  try {
    const data = await api(`/api/sessions/${app.session}/explained-step?sample=0&lang=${lang()}&numbering=${app.page.numbering}`);
    if (app.state.playing) await action("pause");
    app.stepper.open(data, index);
  } catch (error) {
    showError(error);
  }
}

// The problem type (TF Playground's switch): the family of the data set (an upload's: its labels'). Switching
// family takes the family's first data set and its cost (options.problems: the server's rule, not restated here).
function problemOf(s) {
  const family = Object.keys(app.options.problems).find((p) => app.options.problems[p].datasets.includes(s.config.dataset));
  return family || (s.task === "regression" ? "regression" : "classification");     // an upload, a notebook's data
}

function chooseProblem(problem) {
  if (app.state.task !== "mazur" && problemOf(app.state) === problem) return;
  chooseDataset(app.options.problems[problem].datasets[0]);
}

function chooseDataset(name) {
  const changes = { dataset: name, preset: "none" };
  const problem = Object.keys(app.options.problems).find((p) => app.options.problems[p].datasets.includes(name));
  const family = app.options.problems[problem];
  if (family && (problem !== problemOf(app.state) || !family.losses.includes(app.config.loss))) changes.loss = family.loss;
  configure(changes);
}

function changeLayers(delta) {
  const hidden = [...app.config.hidden], activations = [...app.config.activations];
  if (delta > 0) { hidden.push(2); activations.push(activations[activations.length - 1] || "tanh"); }
  else { hidden.pop(); activations.pop(); }
  configure({ hidden, activations, preset: "none" });
}

async function upload() {
  const file = $("csv").files[0];
  if (!file) return;
  if (file.size > app.options.limits.upload_bytes) {
    showError({ key: "file_too_large", params: { kib: app.options.limits.upload_bytes / 1024 } });
    return;
  }
  try {
    showError("");
    const response = await fetch(`/api/sessions/${app.session}/upload`, { method: "POST",
      headers: { "Content-Type": "text/csv" }, body: await file.text() });
    const payload = await response.json();
    if (!response.ok) { const e = new Error(payload.error); e.payload = payload; throw e; }
    accept(payload);
  } catch (error) {
    showError({ key: "csv_refused", error });
  }
  $("csv").value = "";
}

function sliderText(id, value) {
  return id === "train_fraction" ? percent(value, 0) : id === "noise" ? fixed(value, 2) : String(value);
}

// ----------------------------------------------------------------- render
function render() {
  const s = app.state;
  if (!s) return;
  app.lastRender = performance.now();
  const c = s.config, mazur = s.task === "mazur";
  const loss = (v) => (v === null || v === undefined ? "–" : mazur ? fmt(v, 9) : fixed(v, 4));
  $("epoch").textContent = String(s.epoch).padStart(3, "0");
  $("steps").textContent = s.steps;
  $("batch-pos").textContent = `${s.batch_in_epoch + 1} / ${s.batches_per_epoch}`;
  $("play").firstElementChild.textContent = s.playing ? "❚❚" : "▶";
  $("play").setAttribute("aria-label", t(s.playing ? "pause" : "play"));
  $("play").classList.toggle("playing", s.playing);
  $("test-loss").textContent = loss(s.losses.test);
  $("train-loss").textContent = loss(s.losses.train);
  $("batch-loss").textContent = loss(s.losses.batch);
  $("acc-box").hidden = s.losses.test_accuracy === undefined;
  if (s.losses.test_accuracy !== undefined) $("test-acc").textContent = percent(s.losses.test_accuracy);
  if (s.error) showError({ state: s });
  for (const id of ["learning_rate", "batch_size", "l2", "l1", "optimizer", "loss"]) {
    const select = $(id), value = String(c[id]);
    if (![...select.options].some((o) => o.value === value)) select.add(new Option(optionLabel(id, c[id]), value));
    select.value = value;
    select.disabled = mazur;
  }
  if (document.activeElement !== $("seed")) $("seed").value = c.seed;   // never overwrite what is being typed
  $("speed").value = String(c.speed ?? 0);
  for (const id of ["train_fraction", "noise", "samples"]) {
    $(id).value = c[id];
    $(`${id}-out`).textContent = id === "samples" && c.dataset === "upload"
      ? t("uploaded_points", { n: s.n_points }) : sliderText(id, c[id]);
    $(id).disabled = mazur || (id !== "train_fraction" && c.dataset === "upload");
  }
  const problem = problemOf(s), family = app.options.problems[problem];
  document.querySelectorAll("#problem button").forEach((b) => {
    b.setAttribute("aria-pressed", String(!mazur && b.dataset.problem === problem));
    b.disabled = mazur;
  });
  document.querySelectorAll("#datasets button").forEach((b) => {
    const on = !mazur && b.dataset.dataset === c.dataset;
    b.classList.toggle("selected", on);
    b.setAttribute("aria-pressed", String(on));
    b.hidden = b.dataset.dataset !== "upload" && !family.datasets.includes(b.dataset.dataset);
  });
  [...$("loss").options].forEach((o) => { o.disabled = !family.losses.includes(o.value); });
  $("mazur").classList.toggle("active", mazur);
  $("no-preset").hidden = !mazur;
  const layers = c.hidden.length;
  $("network-title").textContent = t(layers === 1 ? "hidden_layer_one" : "hidden_layers", { n: layers });
  $("add-layer").disabled = mazur || layers >= app.options.limits.hidden_layers;
  $("remove-layer").disabled = mazur || layers === 0;
  $("net-summary").textContent = `[${s.network.sizes.join(", ")}] · ${optionLabel("loss", s.network.loss)}` +
    (mazur ? ` · η = ${fmt(0.5)} · ${t("biases_fixed")}` : "");
  app.diagram.render(s, app.options);
  if (app.stepper && app.stepper.data) app.stepper.show(false);   // keep the walked stage's numbers and weights
  drawHeatmap($("heatmap"), s, app.data, $("show-test").checked);
  $("preview-note").hidden = true;
  drawCurve($("curve"), s.history, s.markers.map((m) => [m[0], markerText(m)]), $("log-scale").checked);
  $("discretize").checked = !!c.discretize;
  $("classes-box").hidden = mazur || c.dataset !== "blobs";
  $("classes").value = String(c.classes);
  $("regenerate").disabled = mazur || c.dataset === "upload";
  document.querySelectorAll("#features button").forEach((b) => {
    const on = c.features.includes(b.dataset.feature);
    b.classList.toggle("selected", on);
    b.setAttribute("aria-pressed", String(on));
    b.disabled = mazur;
  });
  renderDiagnostics(s, app.page.numbering, (id) => app.lessons.show(id));
  $("notice").hidden = !s.notice;
  $("notice").textContent = s.notice ? noticeText(s.notice) : "";
  $("hint").hidden = !s.hint;
  $("hint").textContent = s.hint ? hintText(s.hint, app.page.numbering) : "";
  $("mazur-note").hidden = !mazur;
  $("params").innerHTML = paramsTable(s, app.page.numbering);
  $("export-model").href = `/api/sessions/${app.session}/export/model`;
  $("export-example").href = `/api/sessions/${app.session}/export/example?lang=${lang()}&numbering=${app.page.numbering}`;
  document.querySelectorAll("[data-hide]").forEach((el) => { el.hidden = app.page.hide.includes(el.dataset.hide); });
}

start().catch((error) => showError({ key: "could_not_start", message: error.message }));
