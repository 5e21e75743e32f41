// The explained step: the current mini-batch's step as stages (forward → cost → BP1 → BP2 → gradients → update),
// walked with Prev / Next / Auto-play.  Every number comes from the server (the engine, for that batch); the
// diagram shows them on the neurons and links, the panel lists them with the stage's equation.
const WORDS = {
  en: { prev: "◀ Prev", next: "Next ▶", auto: "Auto-play", stop: "Stop", close: "Close", sample: "sample",
        of: "of the mini-batch", neuron: "neuron", layer: (n) => `layer ${n}`, stage: "stage", trained: "(already trained: the update shown is the one made)" },
  zh: { prev: "◀ 上一步", next: "下一步 ▶", auto: "自动播放", stop: "停止", close: "关闭", sample: "样本",
        of: "（小批量中）", neuron: "神经元", layer: (n) => `第 ${n} 层`, stage: "阶段", trained: "（已训练：显示的是实际做出的更新）" },
  ja: { prev: "◀ 前へ", next: "次へ ▶", auto: "自動再生", stop: "停止", close: "閉じる", sample: "サンプル",
        of: "（ミニバッチ内）", neuron: "ニューロン", layer: (n) => `第 ${n} 層`, stage: "段階", trained: "（学習済み：表示の更新は実際に行われたもの）" },
  fr: { prev: "◀ Préc.", next: "Suiv. ▶", auto: "Lecture auto", stop: "Arrêter", close: "Fermer", sample: "échantillon",
        of: "du mini-lot", neuron: "neurone", layer: (n) => `couche ${n}`, stage: "étape", trained: "(déjà entraîné : la mise à jour montrée est celle qui a été faite)" },
};

const full = (v) => String(v);
const short = (v) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)).replaceAll("-", "−");

export class Stepper {
  constructor(panel, diagram) {
    this.panel = panel;
    this.diagram = diagram;
    this.data = null;
    this.index = 0;
    this.timer = 0;
  }

  open(data, lang) {
    this.data = data;
    this.lang = WORDS[lang] ? lang : "en";
    this.index = 0;
    this.panel.hidden = false;
    this.panel.lang = this.lang;             // CJK text in the right glyph variant
    this.show();
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
    }, 2200);
    this.show();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.data) this.show();
  }

  show() {
    const w = WORDS[this.lang], d = this.data, stage = d.stages[this.index];
    this.diagram.annotate(stage);
    this.diagram.paintLinks(stage.stage === "update" ? stage.weights : d.before_weights);   // the update, seen
    const badge = stage.label ? `<span class="bp-badge" title="${stage.bp || ""}">${stage.label}</span>` : "";
    this.panel.innerHTML = `
      <div class="stepper-head"><b>${this.index + 1} / ${d.stages.length}</b> ${badge}
        <h3 data-stage="${stage.stage}">${stage.title}</h3><button class="mini close" title="${w.close}">×</button></div>
      <p class="stepper-sample">${w.sample} ${d.sample + 1} ${w.of} · x = (${d.x.map(short).join(", ")}) ·
        y = (${d.y.map(short).join(", ")}) ${d.trained ? `<span class="muted">${w.trained}</span>` : ""}</p>
      <p>${stage.text}</p>
      <p class="equation">${stage.equation}</p>
      ${this.table(stage)}
      <div class="stepper-buttons"><button class="prev" ${this.index ? "" : "disabled"}>${w.prev}</button>
        <button class="auto">${this.timer ? w.stop : w.auto}</button>
        <button class="next" ${this.index < d.stages.length - 1 ? "" : "disabled"}>${w.next}</button></div>`;
    this.panel.querySelector(".prev").addEventListener("click", () => { this.stop(); this.go(-1); });
    this.panel.querySelector(".next").addEventListener("click", () => { this.stop(); this.go(1); });
    this.panel.querySelector(".auto").addEventListener("click", () => this.auto());
    this.panel.querySelector(".close").addEventListener("click", () => this.close());
  }

  // The stage's numbers; each cell keeps the full-precision value in data-value (the tests read it).
  table(stage) {
    const w = WORDS[this.lang];
    const cell = (v, key) => `<td data-key="${key}" data-value="${full(v)}">${short(v)}</td>`;
    if (stage.stage === "forward") {
      const rows = stage.z.map((z, j) => `<tr><th>${w.neuron} ${j + 1}</th>${cell(z, `z${j}`)}${cell(stage.a[j], `a${j}`)}</tr>`);
      return `<table class="numbers"><tr><th></th><th>z</th><th>a</th></tr>${rows.join("")}</table>`;
    }
    if (stage.stage === "cost") {
      return `<table class="numbers"><tr><th>C (${w.sample})</th>${cell(stage.sample_cost, "sample_cost")}</tr>
        <tr><th>C (mean)</th>${cell(stage.batch_cost, "batch_cost")}</tr></table>`;
    }
    if (stage.stage === "bp1" || stage.stage === "bp2") {
      const rows = stage.delta.map((v, j) => `<tr><th>${w.neuron} ${j + 1}</th>${cell(v, `delta${j}`)}</tr>`);
      return `<table class="numbers"><tr><th></th><th>δ</th></tr>${rows.join("")}</table>`;
    }
    const matrices = stage.stage === "gradients" ? stage.grad_weights : stage.weights;
    const sym = stage.stage === "gradients" ? "∂C/∂W" : "W⁺";
    return matrices.map((m, l) => `<table class="numbers matrix" data-layer="${l + 1}"><caption>${sym}
      (${w.layer(l + 1)})</caption>${m.map((row, j) => `<tr>${row.map((v, k) => cell(v, `w${l + 1}_${j}_${k}`)).join("")}</tr>`).join("")}</table>`).join("");
  }
}
