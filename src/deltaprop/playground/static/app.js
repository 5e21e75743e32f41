// The playground page: configuration (kept in the URL), controls, and drawing the server's state.
import { LAYER_COLOURS, drawCurve, drawGradientNorms, drawHeatmap, drawThumbnail } from "./draw.js";
import { Stepper } from "./stepper.js";
import { Diagram } from "./diagram.js";
import { demonText, linkPanel, neuronPanel, num, paramsTable, sliderToDz } from "./inspect.js";

const $ = (id) => document.getElementById(id);
const CHOICES = {
  learning_rate: [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3, 10],
  batch_size: [1, 2, 5, 10, 20, 30, 50, 100],
  l2: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  l1: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
};
const NUMERIC = ["samples", "noise", "train_fraction", "learning_rate", "batch_size", "l2", "l1", "seed", "classes",
  "data_seed", "speed"];
// The page's diagnostics, in the lessons' language: what a warning says, and the lesson it links to.
const DIAG = {
  en: { dead: (w) => `${w.count} of ${w.units} ReLU units in layer ${w.layer} are dead: z ≤ 0 for every point, so no gradient reaches their weights.`,
        saturated: (w) => `${w.count} of ${w.units} units in layer ${w.layer} are saturated: σ'(z) is tiny for almost every point, so they learn slowly.`,
        vanishing: () => "The first layer's gradient is over 1000 times smaller than the last layer's: it barely learns.",
        open: "Open the lesson", counts: (d, s) => `dead ReLU units: ${d} · saturated units: ${s}`, layer: "layer" },
  zh: { dead: (w) => `第 ${w.layer} 层的 ${w.units} 个 ReLU 单元中有 ${w.count} 个已“死亡”：对每个点 z ≤ 0，梯度到达不了它们的权重。`,
        saturated: (w) => `第 ${w.layer} 层的 ${w.units} 个单元中有 ${w.count} 个已饱和：几乎对每个点 σ'(z) 都非常小，所以学得很慢。`,
        vanishing: () => "第一层的梯度比最后一层小一千倍以上：它几乎学不动。",
        open: "打开课程", counts: (d, s) => `死亡 ReLU 单元：${d} · 饱和单元：${s}`, layer: "层" },
  ja: { dead: (w) => `第 ${w.layer} 層の ReLU ユニット ${w.units} 個のうち ${w.count} 個が死んでいます。どの点でも z ≤ 0 なので、勾配が重みに届きません。`,
        saturated: (w) => `第 ${w.layer} 層のユニット ${w.units} 個のうち ${w.count} 個が飽和しています。ほぼすべての点で σ'(z) がごく小さく、学習が遅くなります。`,
        vanishing: () => "最初の層の勾配が最後の層の 1000 分の 1 以下です。ほとんど学習できていません。",
        open: "レッスンを開く", counts: (d, s) => `死んだ ReLU ユニット：${d} · 飽和したユニット：${s}`, layer: "層" },
  fr: { dead: (w) => `${w.count} des ${w.units} unités ReLU de la couche ${w.layer} sont mortes : z ≤ 0 pour chaque point, aucun gradient n’atteint leurs poids.`,
        saturated: (w) => `${w.count} des ${w.units} unités de la couche ${w.layer} sont saturées : σ'(z) est minuscule pour presque chaque point, elles apprennent lentement.`,
        vanishing: () => "Le gradient de la première couche est plus de 1000 fois plus petit que celui de la dernière : elle n’apprend presque pas.",
        open: "Ouvrir la leçon", counts: (d, s) => `unités ReLU mortes : ${d} · unités saturées : ${s}`, layer: "couche" },
};

const app = { options: null, config: null, session: null, state: null, data: null, source: null,
  inspecting: null, inspectTimer: 0 };
window.playground = app;          // for the curious (and the tests): the latest state is app.state

async function api(path, body, method = body === undefined ? "GET" : "POST") {
  const response = await fetch(path, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const payload = await response.json();
  if (!response.ok) throw new Error(payload.error || `HTTP ${response.status}`);
  return payload;
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message || "";
}

// ----------------------------------------------------------------- URL <-> config
function configFromHash() {
  const out = {};
  for (const [key, value] of new URLSearchParams(location.hash.slice(1))) {
    if (!(key in app.options.defaults)) continue;
    if (key === "hidden") out.hidden = value === "" ? [] : value.split(",").map(Number);
    else if (key === "activations") out.activations = value === "" ? [] : value.split(",");
    else if (key === "features") out.features = value === "" ? [] : value.split(",");
    else if (key === "discretize") out.discretize = value === "true";
    else out[key] = NUMERIC.includes(key) ? Number(value) : value;
  }
  return out;
}

function writeHash() {
  const c = app.config, params = new URLSearchParams();
  for (const key of Object.keys(app.options.defaults)) {
    const value = c[key];
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  history.replaceState(null, "", `#${params.toString()}`);
}

// ----------------------------------------------------------------- sessions
async function start() {
  app.options = await api("/api/options");
  buildControls();
  closeInspector();
  let state;
  try {
    state = await api("/api/sessions", { ...configFromHash() });
  } catch (error) {
    showError(`The link's configuration was refused (${error.message}); using the defaults.`);
    state = await api("/api/sessions", {});
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

const LIVE = ["learning_rate", "optimizer", "batch_size", "l2", "l1", "speed", "discretize"];   // same weights, same history

async function configure(changes) {
  const config = { ...app.config, ...changes };
  const live = Object.keys(changes).every((key) => LIVE.includes(key));
  try {
    showError("");
    accept(await api(`/api/sessions/${app.session}/config`, config));
    if (!live) closeInspector();
  } catch (error) {
    showError(error.message);
    render();
  }
}

async function action(name, body = {}) {
  try {
    showError("");
    accept(await api(`/api/sessions/${app.session}/${name}`, body));
  } catch (error) {
    if (!error.message.startsWith("no such session")) return showError(error.message);
    // The server was restarted or dropped this idle session: start a fresh one with the same configuration.
    const state = await api("/api/sessions", app.config).catch((e) => showError(e.message));
    if (!state) return;
    app.session = state.session;
    accept(state);
    connect();
    showError("The session had expired; started a fresh one with the same configuration.");
  }
}

// A state from a reply or the stream; older versions are ignored.
function accept(state) {
  if (state.data) app.data = state.data;
  if (app.state && state.version < app.state.version && state.session === app.state.session) return;
  app.state = state;
  app.config = state.config;
  writeHash();
  render();
  if (app.inspecting) refreshInspector();
}

// ----------------------------------------------------------------- controls
function buildControls() {
  const o = app.options;
  for (const [id, values] of Object.entries({ ...CHOICES, optimizer: o.optimizers, loss: o.losses })) {
    const select = $(id);
    for (const v of values) select.add(new Option(String(v), String(v)));
    select.addEventListener("change", () => configure({ [id]: NUMERIC.includes(id) ? Number(select.value) : select.value }));
  }
  $("seed").addEventListener("change", () => configure({ seed: Number($("seed").value) }));
  $("speed").addEventListener("change", () => configure({ speed: Number($("speed").value) }));
  for (const id of ["train_fraction", "noise", "samples"]) {
    $(id).addEventListener("input", () => { $(`${id}-out`).textContent = sliderText(id, $(id).value); });
    $(id).addEventListener("change", () => configure({ [id]: Number($(id).value) }));
  }
  for (const name of o.datasets) {
    const button = document.createElement("button");
    button.dataset.dataset = name;
    button.title = name === "upload" ? "Upload a CSV below" : name;
    const canvas = document.createElement("canvas");
    button.append(canvas, name);
    drawThumbnail(canvas, name);
    button.addEventListener("click", () => (name === "upload" ? $("csv").click() : chooseDataset(name)));
    $("datasets").appendChild(button);
  }
  $("csv").addEventListener("change", upload);
  $("play").addEventListener("click", () => action(app.state.playing ? "pause" : "play"));
  $("step").addEventListener("click", () => action("step"));
  $("epoch-btn").addEventListener("click", () => action("epoch"));
  $("reset").addEventListener("click", () => action("reset"));
  $("mazur").addEventListener("click", () => configure({ preset: "mazur" }));
  $("lesson").addEventListener("change", () => startLesson($("lesson").value));
  $("lesson-lang").addEventListener("change", () => loadLessons($("lesson-lang").value));
  loadLessons("en");
  $("no-preset").addEventListener("click", () => configure({ preset: "none" }));
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
    button.title = `feed ${o.feature_labels[name]} into the network`;
    button.addEventListener("click", () => {
      const on = new Set(app.config.features);
      if (on.has(name)) on.delete(name); else on.add(name);
      if (on.size) configure({ features: o.features.filter((f) => on.has(f)) });
    });
    $("features").appendChild(button);
  }
  $("explain-step").addEventListener("click", explainStep);
  $("share").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); $("share").textContent = "Link copied"; }
    catch { $("share").textContent = "Copy the address bar"; }
    setTimeout(() => { $("share").textContent = "Copy shareable link"; }, 2000);
  });
  app.diagram = new Diagram($("diagram"), {
    neuron: (l, j) => inspect({ kind: "neuron", l, j, sample: 0 }),
    link: (l, to, from) => inspect({ kind: "link", l, to, from }),
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
  });
  app.stepper = new Stepper($("stepper"), app.diagram);
  app.stepper.onClose = render;
  window.addEventListener("resize", render);
}

async function explainStep() {
  try {
    const lang = $("lesson-lang").value;
    const data = await api(`/api/sessions/${app.session}/explained-step?sample=0&lang=${lang}`);
    if (app.state.playing) await action("pause");
    app.stepper.open(data, lang);
  } catch (error) {
    showError(error.message);
  }
}

function chooseDataset(name) {
  const changes = { dataset: name, preset: "none" };
  if (name === "regression") changes.loss = "quadratic";
  else if (app.config.dataset === "regression") changes.loss = "cross-entropy";
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
    showError(`That file is larger than ${app.options.limits.upload_bytes / 1024} KiB.`);
    return;
  }
  try {
    showError("");
    const response = await fetch(`/api/sessions/${app.session}/upload`, { method: "POST",
      headers: { "Content-Type": "text/csv" }, body: await file.text() });
    const payload = await response.json();
    if (!response.ok) throw new Error(payload.error);
    accept(payload);
  } catch (error) {
    showError(`CSV refused: ${error.message}`);
  }
  $("csv").value = "";
}

function sliderText(id, value) {
  return id === "train_fraction" ? `${Math.round(value * 100)}%` : id === "noise" ? Number(value).toFixed(2) : value;
}

// ----------------------------------------------------------------- inspector
function inspect(target) {
  app.inspecting = target;
  app.diagram.selected = target.kind === "neuron" ? { kind: "neuron", l: target.l, j: target.j } : { ...target };
  refreshInspector(true);
}

const PLACEHOLDER = `<p class="note">Click a neuron to see its z, a and δ for the current mini-batch and the
  equations BP1–BP4 with the numbers filled in; click a link to see (and edit) its weight and gradient.
  <b>Step</b> trains exactly one mini-batch.</p>`;

function closeInspector() {
  app.inspecting = null;
  if (app.diagram) app.diagram.selected = null;
  $("inspector").innerHTML = PLACEHOLDER;
  $("inspector").hidden = false;
}

// True while the inspector holds a number being typed (focused, or changed and not yet submitted).
function editing() {
  const panel = $("inspector"), active = document.activeElement;
  return (panel.contains(active) && active.tagName === "INPUT" && active.type !== "range")
    || Boolean(panel.querySelector("input[data-dirty]"));
}

async function refreshInspector(now = false) {
  const t = app.inspecting;
  if (!t) return;
  if (!now && editing()) return;                   // never wipe a weight the user is typing
  if (!now && app.state.playing) {                 // while playing: at most twice a second
    if (app.inspectTimer) return;
    app.inspectTimer = setTimeout(() => { app.inspectTimer = 0; refreshInspector(true); }, 500);
    return;
  }
  const version = app.state.version;
  try {
    const body = t.kind === "neuron" ? { layer: t.l, neuron: t.j, sample: t.sample }
      : { layer: t.l, to: t.to, from: t.from };
    const report = await api(`/api/sessions/${app.session}/${t.kind}`, body);
    if (app.inspecting !== t || (!now && editing())) return;
    const panel = $("inspector");
    panel.innerHTML = t.kind === "neuron" ? neuronPanel(app.state, report) : linkPanel(app.state, report);
    panel.dataset.version = version;
    panel.hidden = false;
    wireInspector(panel, t);
  } catch (error) {
    showError(error.message);
    closeInspector();
  }
}

function wireInspector(panel, t) {
  panel.querySelector(".close").addEventListener("click", () => { closeInspector(); render(); });
  panel.querySelectorAll("tr[data-sample]").forEach((row) => row.addEventListener("click", () => {
    t.sample = Number(row.dataset.sample);
    refreshInspector(true);
  }));
  panel.querySelectorAll("input").forEach((field) => field.addEventListener("input", () => {
    field.dataset.dirty = "1";
  }));
  const set = (selector, input, body) => panel.querySelector(selector)?.addEventListener("click", () => {
    const field = panel.querySelector(input);
    delete field.dataset.dirty;                    // submitted: later states may refresh the panel again
    field.blur();
    const value = Number(field.value);
    if (!Number.isFinite(value)) return showError("Enter a number.");
    action("weight", { ...body, value });
  });
  set(".set-weight", ".weight-input", { layer: t.l, to: t.to, from: t.from });
  set(".set-bias", ".bias-input", { layer: t.l, to: t.j, from: -1 });
  const slider = panel.querySelector(".demon-slider");
  if (slider) wireDemon(panel, slider, t);
}

// The demon's slider: each move asks the engine for the nudged cost and output picture.
function wireDemon(panel, slider, t) {
  let pending = null, busy = false;
  const ask = async () => {
    if (busy) return;
    busy = true;
    while (pending !== null) {
      const dz = pending;
      pending = null;
      if (dz === 0) { render(); continue; }
      try {
        const n = await api(`/api/sessions/${app.session}/nudge`, { layer: t.l, neuron: t.j, dz });
        if (app.inspecting !== t) break;
        demonText(panel, n);
        drawHeatmap($("heatmap"), { ...app.state, frames: { ...app.state.frames, output: n.output } }, app.data,
          $("show-test").checked);
      } catch (error) { showError(error.message); }
    }
    busy = false;
  };
  slider.addEventListener("input", () => {
    slider.dataset.dirty = "1";                    // keep streamed states from redrawing the panel while in use
    pending = sliderToDz(Number(slider.value));
    ask();
  });
  slider.addEventListener("change", () => { delete slider.dataset.dirty; });
}

// ----------------------------------------------------------------- lessons
async function loadLessons(lang) {
  const chosen = $("lesson").value;
  app.lessons = (await api(`/api/lessons?lang=${lang}`)).lessons;
  const select = $("lesson");
  select.length = 1;
  for (const lesson of app.lessons) select.add(new Option(lesson.title, lesson.id));
  select.value = chosen;
  if (chosen) showLesson(chosen);
}

function showLesson(id) {
  const lesson = app.lessons.find((item) => item.id === id);
  $("lesson-box").hidden = !lesson;
  if (!lesson) return;
  $("lesson-box").lang = $("lesson-lang").value;
  $("lesson-title").textContent = lesson.title;
  $("lesson-text").textContent = lesson.text;
  $("lesson-try").textContent = lesson.try;
}

async function startLesson(id) {
  showLesson(id);
  const lesson = app.lessons.find((item) => item.id === id);
  if (lesson) await configure({ ...app.options.defaults, ...lesson.config, speed: app.config.speed });
}

// ----------------------------------------------------------------- render
function render() {
  const s = app.state;
  if (!s) return;
  const c = s.config, mazur = s.task === "mazur";
  const fmt = (v) => (v === null || v === undefined ? "–" : mazur ? num(v) : Number(v).toFixed(4));
  $("epoch").textContent = String(s.epoch).padStart(3, "0");
  $("steps").textContent = s.steps;
  $("batch-pos").textContent = `${s.batch_in_epoch + 1} / ${s.batches_per_epoch}`;
  $("play").textContent = s.playing ? "❚❚" : "▶";
  $("play").classList.toggle("playing", s.playing);
  $("test-loss").textContent = fmt(s.losses.test);
  $("train-loss").textContent = fmt(s.losses.train);
  $("batch-loss").textContent = fmt(s.losses.batch);
  $("acc-box").hidden = s.losses.test_accuracy === undefined;
  if (s.losses.test_accuracy !== undefined) $("test-acc").textContent = `${(100 * s.losses.test_accuracy).toFixed(1)}%`;
  if (s.error) showError(s.error);
  for (const id of ["learning_rate", "batch_size", "l2", "l1", "optimizer", "loss"]) {
    const select = $(id), value = String(c[id]);
    if (![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
    select.value = value;
    select.disabled = mazur;
  }
  $("seed").value = c.seed;
  $("speed").value = String(c.speed ?? 0);
  for (const id of ["train_fraction", "noise", "samples"]) {
    $(id).value = c[id];
    $(`${id}-out`).textContent = id === "samples" && c.dataset === "upload"
      ? `${s.n_points} (uploaded)` : sliderText(id, c[id]);
    $(id).disabled = mazur || (id !== "train_fraction" && c.dataset === "upload");
  }
  document.querySelectorAll("#datasets button").forEach((b) =>
    b.classList.toggle("selected", !mazur && b.dataset.dataset === c.dataset));
  $("mazur").classList.toggle("active", mazur);
  $("no-preset").hidden = !mazur;
  const layers = c.hidden.length;
  $("n-layers").textContent = layers;
  $("n-layers").nextSibling.textContent = layers === 1 ? " hidden layer" : " hidden layers";
  $("add-layer").disabled = mazur || layers >= app.options.limits.hidden_layers;
  $("remove-layer").disabled = mazur || layers === 0;
  $("net-summary").textContent = `[${s.network.sizes.join(", ")}] · ${s.network.loss}` +
    (mazur ? " · η = 0.5 · biases fixed" : "");
  app.diagram.render(s, app.options);
  if (app.stepper && app.stepper.data) app.stepper.show();       // keep the walked stage's numbers and weights
  drawHeatmap($("heatmap"), s, app.data, $("show-test").checked);
  drawCurve($("curve"), s.history, s.markers, $("log-scale").checked);
  $("discretize").checked = !!c.discretize;
  $("classes-box").hidden = mazur || c.dataset !== "blobs";
  $("classes").value = String(c.classes);
  $("regenerate").disabled = mazur || c.dataset === "upload";
  document.querySelectorAll("#features button").forEach((b) => {
    b.classList.toggle("selected", c.features.includes(b.dataset.feature));
    b.disabled = mazur;
  });
  renderDiagnostics(s);
  const notice = [s.notice, s.hint].filter(Boolean).join(" ");
  $("notice").hidden = !notice;
  $("notice").textContent = notice;
  $("mazur-note").hidden = !mazur;
  $("params").innerHTML = paramsTable(s);
  $("export-model").href = `/api/sessions/${app.session}/export/model`;
  $("export-example").href = `/api/sessions/${app.session}/export/example`;
}

function renderDiagnostics(s) {
  const words = DIAG[$("lesson-lang").value] || DIAG.en, diag = s.diagnostics;
  drawGradientNorms($("grad-norms"), diag.history);
  const layers = s.network.sizes.length - 1;
  $("diag-legend").innerHTML = Array.from({ length: layers }, (_, l) =>
    `<span><i style="background:${LAYER_COLOURS[l % LAYER_COLOURS.length]}"></i>${words.layer} ${l + 1}</span>`).join("");
  const now = diag.now;
  const sum = (xs) => (xs || []).reduce((a, b) => a + (b || 0), 0);
  $("diag-counts").textContent = now ? words.counts(sum(now[2]), sum(now[1])) : "";
  $("diag-counts").dataset.dead = now ? sum(now[2]) : 0;
  $("diag-counts").dataset.saturated = now ? sum(now[1]) : 0;
  $("diag-warnings").lang = $("diag-counts").lang = $("lesson-lang").value;
  const box = $("diag-warnings");
  box.innerHTML = "";
  for (const warning of diag.warnings) {
    const div = document.createElement("div");
    div.className = "warning";
    div.dataset.kind = warning.kind;
    div.textContent = words[warning.kind](warning) + " ";
    const link = document.createElement("button");
    link.className = "link-button";
    link.textContent = words.open;
    link.addEventListener("click", () => { $("lesson").value = warning.lesson; startLesson(warning.lesson); });
    div.appendChild(link);
    box.appendChild(div);
  }
}

start().catch((error) => showError(`Could not start: ${error.message}`));
