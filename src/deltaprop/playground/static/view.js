// Drawing the server's state: every number, control value, picture and message on the page follows app.state.
import { drawCurve, drawHeatmap } from "./draw.js";
import { paramsTable } from "./inspect.js";
import { lang, t } from "./i18n.js";
import { fixed, fmt, percent } from "./numbers.js";
import { renderDiagnostics, noticeText, hintText, markerText, optionLabel, showError } from "./messages.js";

const $ = (id) => document.getElementById(id);

// The problem type (TF Playground's switch): the family of the data set (an upload's: its labels'). The families,
// their data sets and their costs are the server's rule (options.problems), not restated here.
export function problemOf(options, s) {
  const family = Object.keys(options.problems).find((p) => options.problems[p].datasets.includes(s.config.dataset));
  return family || (s.task === "regression" ? "regression" : "classification");     // an upload, a notebook's data
}

export function sliderText(id, value) {
  return id === "train_fraction" ? percent(value, 0) : id === "noise" ? fixed(value, 2) : String(value);
}

export function render(app) {
  const s = app.state;
  if (!s) return;
  app.lastRender = performance.now();
  renderCounters(s);
  if (s.error) showError({ state: s });
  renderSettings(app, s);
  renderData(app, s);
  renderNetwork(app, s);
  renderMessages(app, s);
  document.querySelectorAll("[data-hide]").forEach((el) => { el.hidden = app.page.hide.includes(el.dataset.hide); });
}

// Epoch, steps, the play button and the losses (Mazur's example: 9 significant digits, as his post prints them).
function renderCounters(s) {
  const mazur = s.task === "mazur";
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
}

function renderSettings(app, s) {
  const c = s.config, mazur = s.task === "mazur";
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
  $("discretize").checked = !!c.discretize;
}

// The problem switch, the data sets of its family, the costs it allows, classes and input features.
function renderData(app, s) {
  const c = s.config, mazur = s.task === "mazur";
  const problem = problemOf(app.options, s), family = app.options.problems[problem];
  const press = (b, on) => { b.classList.toggle("selected", on); b.setAttribute("aria-pressed", String(on)); };
  document.querySelectorAll("#problem button").forEach((b) => {
    b.setAttribute("aria-pressed", String(!mazur && b.dataset.problem === problem));
    b.disabled = mazur;
  });
  document.querySelectorAll("#datasets button").forEach((b) => {
    press(b, !mazur && b.dataset.dataset === c.dataset);
    b.hidden = b.dataset.dataset !== "upload" && !family.datasets.includes(b.dataset.dataset);
  });
  [...$("loss").options].forEach((o) => { o.disabled = !family.losses.includes(o.value); });
  $("classes-box").hidden = mazur || c.dataset !== "blobs";
  $("classes").value = String(c.classes);
  $("regenerate").disabled = mazur || c.dataset === "upload";
  document.querySelectorAll("#features button").forEach((b) => {
    press(b, c.features.includes(b.dataset.feature));
    b.disabled = mazur;
  });
  drawHeatmap($("heatmap"), s, app.data, $("show-test").checked);
  $("preview-note").hidden = true;
}

function renderNetwork(app, s) {
  const c = s.config, mazur = s.task === "mazur", layers = c.hidden.length;
  $("mazur").classList.toggle("active", mazur);
  $("no-preset").hidden = !mazur;
  $("network-title").textContent = t(layers === 1 ? "hidden_layer_one" : "hidden_layers", { n: layers });
  $("add-layer").disabled = mazur || layers >= app.options.limits.hidden_layers;
  $("remove-layer").disabled = mazur || layers === 0;
  $("net-summary").textContent = `[${s.network.sizes.join(", ")}] · ${optionLabel("loss", s.network.loss)}` +
    (mazur ? ` · η = ${fmt(0.5)} · ${t("biases_fixed")}` : "");
  app.diagram.render(s, app.options);
  if (app.stepper && app.stepper.data) app.stepper.show(false);   // keep the walked stage's numbers and weights
  drawCurve($("curve"), s.history, s.markers.map((m) => [m[0], markerText(m)]), $("log-scale").checked);
  $("params").innerHTML = paramsTable(s, app.page.numbering);
  $("export-model").href = `/api/sessions/${app.session}/export/model`;
  $("export-example").href = `/api/sessions/${app.session}/export/example?lang=${lang()}&numbering=${app.page.numbering}`;
}

function renderMessages(app, s) {
  renderDiagnostics(s, app.page.numbering, (id) => app.lessons.show(id));
  $("notice").hidden = !s.notice;
  $("notice").textContent = s.notice ? noticeText(s.notice) : "";
  $("hint").hidden = !s.hint;
  $("hint").textContent = s.hint ? hintText(s.hint, app.page.numbering) : "";
  $("mazur-note").hidden = s.task !== "mazur";
}
