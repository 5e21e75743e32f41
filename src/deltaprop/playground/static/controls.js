// The page's controls: menus, sliders, data sets, the network's buttons, language and numbering, sharing.  Each
// control asks the server for a change (page.configure / page.action); what it shows comes back in the next state.
import { drawThumbnail } from "./draw.js";
import { loadLanguage, t } from "./i18n.js";
import { optionLabel, showError } from "./messages.js";
import { HIDEABLE, isNumeric, link, writeHash } from "./page_link.js";
import { problemOf, sliderText } from "./view.js";

const $ = (id) => document.getElementById(id);
const CHOICES = {
  learning_rate: [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3, 10],
  batch_size: [1, 2, 5, 10, 20, 30, 50, 100],
  l2: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  l1: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
};
const SPEEDS = [1, 2, 5, 10, 30, 100, 300, 0];

// The menus' options in the current language (called again when the language changes).
export function fillMenus(app) {
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

// Wires every control once, at start.  ``page`` holds the page's actions (app.js).
export function buildControls(app, page) {
  fillMenus(app);
  buildSettings(page);
  buildData(app, page);
  buildRun(app, page);
  buildPageSettings(app, page);
}

function buildSettings({ configure }) {
  for (const id of Object.keys(CHOICES).concat(["optimizer", "loss"])) {
    $(id).addEventListener("change", () => configure({ [id]: isNumeric(id) ? Number($(id).value) : $(id).value }));
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
  $("discretize").addEventListener("change", () => configure({ discretize: $("discretize").checked }));
}

function buildData(app, page) {
  const o = app.options, { configure } = page;
  for (const name of o.datasets) {
    const button = document.createElement("button");
    button.dataset.dataset = name;
    const canvas = document.createElement("canvas");
    canvas.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.dataset.t = `dataset_${name}`;
    button.append(canvas, label);
    drawThumbnail(canvas, name);
    button.addEventListener("click", () => (name === "upload" ? $("csv").click() : chooseDataset(app, configure, name)));
    $("datasets").appendChild(button);
  }
  $("csv").addEventListener("change", () => upload(app, page));
  document.querySelectorAll("#problem button").forEach((button) =>
    button.addEventListener("click", () => chooseProblem(app, configure, button.dataset.problem)));
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
  $("show-test").addEventListener("change", page.render);
}

function buildRun(app, { action, configure, explainStep, render }) {
  $("play").addEventListener("click", () => action(app.state.playing ? "pause" : "play"));
  $("step").addEventListener("click", () => action("step"));
  $("epoch-btn").addEventListener("click", () => action("epoch"));
  $("reset").addEventListener("click", () => action("reset"));
  $("mazur").addEventListener("click", () => configure({ preset: "mazur" }));
  $("no-preset").addEventListener("click", () => configure({ preset: "none" }));
  $("add-layer").addEventListener("click", () => changeLayers(app, configure, 1));
  $("remove-layer").addEventListener("click", () => changeLayers(app, configure, -1));
  $("log-scale").addEventListener("change", render);
  $("explain-step").addEventListener("click", () => explainStep(0));
}

function buildPageSettings(app, page) {
  $("lang").value = app.page.lang;
  $("lang").addEventListener("change", async () => {
    app.page.lang = await loadLanguage($("lang").value);
    page.applyLanguage();
    writeHash(app);
    if (app.stepper.data) page.explainStep(app.stepper.index);
  });
  $("numbering").value = app.page.numbering;
  $("numbering").addEventListener("change", () => {
    app.page.numbering = $("numbering").value;
    writeHash(app);
    app.diagram.key = null;
    page.render();
    if (app.inspecting) page.refreshInspector(true);
    if (app.stepper.data) page.explainStep(app.stepper.index);
  });
  $("share").addEventListener("click", () => copy($("share"), link(app), "share"));
  $("classroom").addEventListener("click", () => openClassroom(app));
}

async function copy(button, text, key) {
  try { await navigator.clipboard.writeText(text); button.textContent = t("link_copied"); }
  catch { button.textContent = t("copy_address"); }
  setTimeout(() => { button.textContent = t(key); }, 2000);
}

// A link that opens the page with chosen controls hidden (for a class).
function openClassroom(app) {
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
    $("classroom-url").value = link(app, { ...app.page, hide: chosen });
  };
  box.querySelectorAll("input[type=checkbox]").forEach((input) => input.addEventListener("change", update));
  $("classroom-copy").addEventListener("click", () => copy($("classroom-copy"), $("classroom-url").value, "copy_link"));
  update();
}

// Switching family takes the family's first data set and its cost.
function chooseProblem(app, configure, problem) {
  if (app.state.task !== "mazur" && problemOf(app.options, app.state) === problem) return;
  chooseDataset(app, configure, app.options.problems[problem].datasets[0]);
}

function chooseDataset(app, configure, name) {
  const changes = { dataset: name, preset: "none" }, problems = app.options.problems;
  const problem = Object.keys(problems).find((p) => problems[p].datasets.includes(name));
  const family = problems[problem];
  if (family && (problem !== problemOf(app.options, app.state) || !family.losses.includes(app.config.loss))) {
    changes.loss = family.loss;
  }
  configure(changes);
}

function changeLayers(app, configure, delta) {
  const hidden = [...app.config.hidden], activations = [...app.config.activations];
  if (delta > 0) { hidden.push(2); activations.push(activations[activations.length - 1] || "tanh"); }
  else { hidden.pop(); activations.pop(); }
  configure({ hidden, activations, preset: "none" });
}

async function upload(app, { accept }) {
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
