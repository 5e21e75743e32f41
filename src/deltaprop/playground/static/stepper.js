// The explained step: the current mini-batch's step as stages (forward → cost → BP1 → BP2 → gradients → update),
// walked with Prev / Next / Auto-play.  Every number comes from the server (the engine, for that batch); the
// diagram shows them on the neurons and links, the panel lists them with the stage's typeset equation.  The button
// pressed keeps the focus when the stage changes.
import { t } from "./i18n.js";
import { fmt, short } from "./numbers.js";

const full = (v) => String(v);
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export class Stepper {
  constructor(panel, diagram, numbering) {
    this.panel = panel;
    this.diagram = diagram;
    this.numbering = numbering;
    this.data = null;
    this.index = 0;
    this.timer = 0;
  }

  open(data, index = 0) {
    this.data = data;
    this.index = Math.min(index, data.stages.length - 1);
    this.panel.hidden = false;
    this.show(true);
  }

  close() {
    this.stop();
    this.data = null;
    this.panel.hidden = true;
    this.diagram.annotate(null);
    if (this.onClose) this.onClose();          // the page redraws the current weights
  }

  go(delta) {
    if (!this.data) return;
    this.index = Math.max(0, Math.min(this.data.stages.length - 1, this.index + delta));
    this.show();
  }

  auto() {
    if (this.timer) return this.stop();
    this.timer = setInterval(() => {
      if (!this.data || this.index >= this.data.stages.length - 1) return this.stop();
      this.go(1);
    }, reducedMotion.matches ? 5000 : 2200);
    this.show();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.data) this.show();
  }

  show(focusTitle = false) {
    const d = this.data, stage = d.stages[this.index];
    const active = this.panel.contains(document.activeElement) ? document.activeElement.className.split(" ")[0] : null;
    this.diagram.annotate(stage);
    this.diagram.paintLinks(stage.stage === "update" ? stage.weights : d.before_weights);   // the update, seen
    const badge = stage.label ? `<span class="bp-badge" title="${stage.bp || ""}">${stage.label}</span>` : "";
    const last = this.index === d.stages.length - 1;
    this.panel.innerHTML = `
      <div class="stepper-head"><b>${t("stage_of", { k: this.index + 1, n: d.stages.length })}</b> ${badge}
        <h3 id="stepper-title" tabindex="-1" data-stage="${stage.stage}">${stage.title}</h3>
        <button class="close" aria-label="${t("close_step")}"><span aria-hidden="true">×</span></button></div>
      <p class="stepper-sample">${t("sample_of_batch", { k: d.sample + 1 })} · x = (${d.x.map((v) => short(v)).join("; ")}) ·
        y = (${d.y.map(short).join("; ")}) ${d.trained ? `<span class="muted">${t("already_trained")}</span>` : ""}</p>
      <p>${stage.text}</p>
      <p class="equation">${stage.equation}</p>
      ${stage.stage === "update" ? this.detail(stage.detail) : ""}
      ${this.table(stage)}
      <div class="stepper-buttons"><button class="prev" ${this.index ? "" : "disabled"}>${t("prev")}</button>
        <button class="auto" aria-pressed="${Boolean(this.timer)}">${t(this.timer ? "stop" : "auto")}</button>
        <button class="next" ${last ? "disabled" : ""}>${t("next")}</button></div>`;
    this.panel.querySelector(".prev").addEventListener("click", () => { this.stop(); this.go(-1); });
    this.panel.querySelector(".next").addEventListener("click", () => { this.stop(); this.go(1); });
    this.panel.querySelector(".auto").addEventListener("click", () => this.auto());
    this.panel.querySelector(".close").addEventListener("click", () => this.close());
    if (focusTitle) this.panel.querySelector("h3").focus();
    else if (active) {
      const again = this.panel.querySelector(`.${active}`);
      (again && !again.disabled ? again : this.panel.querySelector(active === "next" ? ".prev" : ".next:not([disabled])")
        || this.panel.querySelector("h3")).focus();
    }
  }

  // The optimiser's rule for w¹₁₁ with the engine's numbers (the first weight of the first layer).
  detail(x) {
    if (!x) return "";
    const n = (v) => (v < 0 ? `(${fmt(v, 6)})` : fmt(v, 6)), w = this.numbering() === "engine"
      ? "w<sup>1</sup><sub>11</sub>" : "w<sup>2</sup><sub>11</sub>";
    const terms = (x.l2_term ? ` + ${n(x.l2_term)}` : "") + (x.l1_term ? ` + ${n(x.l1_term)}` : "");
    const g = `g = ${fmt(x.grad, 6)}${terms ? `${terms} = ${fmt(x.g, 6)}` : ""}`;
    let rule = "";
    if (x.optimizer === "sgd") rule = `${w}⁺ = ${fmt(x.w, 6)} − ${fmt(x.eta)} × ${n(x.g)}`;
    if (x.optimizer === "momentum") rule = `v = ${fmt(x.velocity, 6)},&emsp;${w}⁺ = ${fmt(x.w, 6)} + ${n(x.velocity)}`;
    if (x.optimizer === "nesterov") {
      rule = `v = ${fmt(x.velocity, 6)},&emsp;${w}⁺ = ${fmt(x.w, 6)} + ${fmt(x.mu)} × ${n(x.velocity)} − ${fmt(x.eta)} × ${n(x.g)}`;
    }
    if (x.optimizer === "adam") {
      rule = `t = ${x.t},&emsp;m = ${fmt(x.m, 6)},&emsp;v = ${fmt(x.v, 6)},&emsp;m̂ = ${fmt(x.m_hat, 6)},&emsp;v̂ = ${fmt(x.v_hat, 6)},&emsp;` +
        `${w}⁺ = ${fmt(x.w, 6)} − ${fmt(x.eta)} × ${n(x.m_hat)} / (√${fmt(x.v_hat, 6)} + ${fmt(x.epsilon)})`;
    }
    return `<p class="equation update-detail" data-after="${x.after}" data-engine="${x.engine}">${t("for_example", { w })}
      ${g};&emsp;${rule} = <b class="detail-after">${fmt(x.after, 6)}</b></p>`;
  }

  // The stage's numbers; each cell keeps the full-precision value in data-value (the tests read it).
  table(stage) {
    const cell = (v, key) => `<td data-key="${key}" data-value="${full(v)}">${short(v)}</td>`;
    const caption = (text) => `<caption>${text}</caption>`;
    if (stage.stage === "forward") {
      const rows = stage.z.map((z, j) => `<tr><th scope="row">${t("neuron")} ${j + 1}</th>${cell(z, `z${j}`)}${cell(stage.a[j], `a${j}`)}</tr>`);
      return `<table class="numbers">${caption(t("layer_n", { n: stage.shown_layer }))}<tr><th scope="col">${t("neuron")}</th><th scope="col">z</th><th scope="col">a</th></tr>${rows.join("")}</table>`;
    }
    if (stage.stage === "cost") {
      return `<table class="numbers"><tr><th scope="row">C (${t("sample")})</th>${cell(stage.sample_cost, "sample_cost")}</tr>
        <tr><th scope="row">C (${t("mean")})</th>${cell(stage.batch_cost, "batch_cost")}</tr></table>`;
    }
    if (stage.stage === "bp1" || stage.stage === "bp2") {
      const rows = stage.delta.map((v, j) => `<tr><th scope="row">${t("neuron")} ${j + 1}</th>${cell(v, `delta${j}`)}</tr>`);
      return `<table class="numbers">${caption(t("layer_n", { n: stage.shown_layer }))}<tr><th scope="col">${t("neuron")}</th><th scope="col">δ</th></tr>${rows.join("")}</table>`;
    }
    const matrices = stage.stage === "gradients" ? stage.grad_weights : stage.weights;
    const sym = stage.stage === "gradients" ? "∂C/∂W" : "W⁺", offset = this.numbering() === "engine" ? 1 : 2;
    return matrices.map((m, l) => `<table class="numbers matrix" data-layer="${l + 1}">${caption(`${sym} (${t("layer_n", { n: l + offset })})`)}
      <tr><th scope="col">j \\ k</th>${m[0].map((_, k) => `<th scope="col">${k + 1}</th>`).join("")}</tr>
      ${m.map((row, j) => `<tr><th scope="row">${j + 1}</th>${row.map((v, k) => cell(v, `w${l + 1}_${j}_${k}`)).join("")}</tr>`).join("")}</table>`).join("");
  }
}
