// The inspector: a neuron's z, a, δ for the current mini-batch with BP1–BP4 filled in; a link's weight.

export const num = (v) => (v === null || v === undefined ? "–" : Number(v).toPrecision(9));
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const p = (v) => `(${num(v)})`;

// Weight names: Mazur's w1…w8 in the preset, w^l_jk otherwise.
export function weightName(state, l, to, from) {
  if (state.task === "mazur") return `w${(l - 1) * 4 + to * 2 + from + 1}`;
  return `w<sup>${l}</sup><sub>${to + 1}${from + 1}</sub>`;
}
function unitName(state, l, j) {
  const L = state.network.sizes.length - 1;
  if (state.task === "mazur") return ["i", "h", "o"][l] + (j + 1);
  return l === L ? `output ${j + 1}` : l === 0 ? `x${j + 1}` : `hidden ${l}.${j + 1}`;
}

export function neuronPanel(state, r) {
  const l = r.layer, j = r.neuron, s = r.sample, L = state.network.sizes.length - 1;
  const sup = `<sup>${l}</sup><sub>${j + 1}</sub>`, x = `<sub>x</sub>`;
  const f = r.forward, trained = state.batch.trained;
  const rows = r.z.map((z, i) => `<tr data-sample="${i}" class="${i === s ? "chosen" : ""}"><td>${r.indices[i]}</td>` +
    `<td class="z">${num(z)}</td><td class="a">${num(r.a[i])}</td><td class="delta">${num(r.delta[i])}</td></tr>`).join("");
  const terms = f.weights.map((w, k) => `${p(w)}${p(f.inputs[k])}`).join(" + ");
  let html = `<button class="close" title="Close">×</button>
    <h3>${esc(unitName(state, l, j))} · layer ${l}${l === L ? " (output)" : " (hidden)"} · ${esc(r.activation)}</h3>
    <p class="note">Mini-batch of ${r.batch_size} training point${r.batch_size > 1 ? "s" : ""}, with the weights
    ${trained ? "the network had when it took its step on it (before the update)" : "it has now (the next batch; not trained yet)"}.
    Numbers from the engine's <code>Network.forward</code> / <code>backward</code>. Click a row to follow that sample.</p>
    ${r.z.length > 7 ? `<p class="note rows-hint">${r.z.length} of the batch's ${r.batch_size} points below: scroll the table to see them all.</p>` : ""}
    <div class="scroll"><table class="samples"><tr><th>point</th><th>z${sup}</th><th>a${sup} = σ(z)</th><th>δ${sup}</th></tr>${rows}</table></div>
    <div class="eq"><span class="tag">z</span>z${sup} = Σ<sub>k</sub> w${sup.replace("</sub>", "k</sub>")} a<sup>${l - 1}</sup><sub>k</sub> + b${sup}
      = ${terms} + ${p(f.bias)} = <b class="eq-z">${num(f.z)}</b></div>
    <div class="eq"><span class="tag">a</span>a${sup} = ${esc(r.activation)}(${num(f.z)}) = <b class="eq-a">${num(f.a)}</b>
      ${r.derivative !== null ? `, σ′(z${sup}) = <b>${num(r.derivative)}</b>` : ""}</div>${badge(r, sup)}`;
  if (r.bp1) {
    const b = r.bp1;
    const body = b.fused
      ? `a${sup} − y<sub>${j + 1}</sub> = ${p(b.a)} − ${p(b.y)}`
      : b.elementwise
        ? `∂C/∂a${sup} · σ′(z${sup}) = ${p(b.grad_a)} × ${p(r.derivative)}`
        : `Σ<sub>i</sub> ∂C/∂a<sub>i</sub> · ∂a<sub>i</sub>/∂z${sup} (softmax Jacobian)`;
    const why = b.fused ? ` <span class="note">(${esc(b.loss)} with ${esc(r.activation)}: ∇<sub>a</sub>C ⊙ σ′(z) simplifies to a − y)</span>`
      : b.loss === "quadratic" ? ` <span class="note">(quadratic cost: ∂C/∂a = a − y = ${num(b.a)} − ${num(b.y)})</span>` : "";
    html += `<div class="eq"><span class="tag">BP1</span>δ${sup} = ${body} = <b class="eq-delta">${num(b.delta)}</b>${why}</div>`;
  } else {
    const b = r.bp2;
    const terms2 = b.weights.map((w, k) => `${p(w)}${p(b.deltas[k])}`).join(" + ");
    html += `<div class="eq"><span class="tag">BP2</span>δ${sup} = (Σ<sub>k</sub> w<sup>${l + 1}</sup><sub>k${j + 1}</sub> δ<sup>${l + 1}</sup><sub>k</sub>) · σ′(z${sup})
      = (${terms2}) × ${p(r.derivative)} = ${p(b.sum)} × ${p(r.derivative)} = <b class="eq-delta">${num(b.delta)}</b></div>`;
  }
  const n = r.batch_size;
  html += `<div class="eq"><span class="tag">BP3</span>∂C/∂b${sup} = ${n > 1 ? `(1/${n}) Σ${x} δ${sup}${x}` : `δ${sup}`}
    = <b class="eq-bp3">${num(r.bp3.gradient)}</b>${r.bp3.trainable ? "" : ` <span class="note">(biases are fixed here: not updated)</span>`}</div>`;
  const eta = state.config.learning_rate;
  const sgd = state.config.optimizer === "sgd" && state.config.l2 === 0;
  const before = state.batch.weights[l - 1][j], now = state.network.weights[l - 1][j];
  const bp4rows = r.bp4.gradients.map((g, k) => `<tr><td>${weightName(state, l, j, k)}</td><td>${num(r.bp4.inputs_sample[k])}</td>
    <td class="grad">${num(g)}</td><td>${num(before[k])}</td><td class="after">${trained ? num(now[k]) : "–"}</td></tr>`).join("");
  html += `<div class="eq"><span class="tag">BP4</span>∂C/∂w${sup.replace("</sub>", "k</sub>")} = ${n > 1 ? `(1/${n}) Σ${x} ` : ""}a<sup>${l - 1}</sup><sub>k</sub> δ${sup}
    ${n === 1 ? `<span class="note">(one sample: e.g. k = 1: ${p(r.bp4.inputs_sample[0])} × ${p(r.bp4.delta_sample)})</span>` : ""}</div>
    <table class="bp4"><tr><th>weight</th><th>a<sup>${l - 1}</sup><sub>k</sub> (this sample)</th><th>∂C/∂w (batch)</th><th>w before</th>
    <th>w after step</th></tr>${bp4rows}</table>
    <p class="note">${sgd ? `Update (SGD): w ← w − η ∂C/∂w with η = ${eta}.` : `Update by ${esc(state.config.optimizer)}${state.config.l2 ? " with L2" : ""}.`}</p>
    <div class="edit"><span>bias b${sup} =</span> <input type="number" step="any" class="bias-input" value="${state.network.biases[l - 1][j]}">
    <button class="set-bias">Set</button></div>`;
  return html + demonBlock(r, sup);
}

// "Saturated" / "inactive" badge: BP1 and BP2 multiply δ by σ′(z), so a tiny σ′ means slow learning. Whether a
// neuron is either is the library's one definition (deltaprop.core.diagnostics.UNIT_HEALTH), sent in the report.
function badge(r, sup) {
  if (r.derivative === null) return "";
  if (r.saturated) {
    return `<p class="badge saturated">Saturated: σ′(z${sup}) = ${num(r.derivative)} &lt; ${num(r.saturated_below)}. BP1 and BP2 multiply
      δ by σ′(z), so δ is tiny and this neuron's weights learn slowly (Nielsen ch. 2 and 3).</p>`;
  }
  if (r.inactive) {
    return `<p class="badge dead">Inactive: z${sup} ≤ 0 for this sample, σ′(z) = 0, so δ = 0 and no gradient reaches
      its incoming weights from it (a unit inactive for every sample is a "dead ReLU").</p>`;
  }
  return "";
}

// Nielsen's demon (ch. 2): nudge z by Δz, the cost changes by about δ·Δz.
function demonBlock(r, sup) {
  return `<div class="demon"><h4>Be the demon</h4>
    <p class="note">Nielsen's thought experiment: a demon adds Δz to z${sup} for every point of this batch and the rest of
    the forward pass runs again. The cost should change by about δ·Δz (δ averaged over the batch), because
    δ = ∂C/∂z.</p>
    <label>Δz <input type="range" class="demon-slider" min="-100" max="100" step="1" value="0"></label>
    <span class="demon-dz">Δz = 0</span>
    <table class="demon-table"><tr><th>cost C before</th><td class="demon-before">–</td></tr>
      <tr><th>cost C after the nudge</th><td class="demon-after">–</td></tr>
      <tr><th>ΔC measured</th><td class="demon-actual">–</td></tr>
      <tr><th>δ·Δz predicted</th><td class="demon-predicted">–</td></tr></table>
    <p class="demon-advice note"></p></div>`;
}

// The slider's position s ∈ [−100, 100] → Δz, fine near 0 (cubic), up to ±2.
export const sliderToDz = (s) => Math.sign(s) * 2 * Math.abs(s / 100) ** 3;

export function demonText(panel, n) {
  const set = (cls, v) => { panel.querySelector(cls).textContent = num(v); };
  set(".demon-before", n.cost_before);
  set(".demon-after", n.cost_after);
  set(".demon-actual", n.actual);
  set(".demon-predicted", n.predicted);
  panel.querySelector(".demon-dz").textContent = `Δz = ${Number(n.dz).toPrecision(3)}`;
  const push = n.delta > 0 ? "down (Δz < 0)" : "up (Δz > 0)";
  panel.querySelector(".demon-advice").textContent = Math.abs(n.delta) < 1e-6
    ? "δ ≈ 0: no nudge of this z changes the cost much; this neuron is near optimal for this batch (or saturated)."
    : `δ = ${num(n.delta)}: to lower C, push z against the sign of δ, i.e. ${push}. ` +
      (Math.abs(n.actual - n.predicted) > 0.2 * Math.max(Math.abs(n.actual), Math.abs(n.predicted))
        ? "At this large Δz the curvature of C matters and δ·Δz is off: move the slider closer to 0 and watch them agree."
        : "ΔC and δ·Δz agree for small Δz; their gap grows like Δz².");
}

export function linkPanel(state, r) {
  const name = r.from < 0 ? `b<sup>${r.layer}</sup><sub>${r.to + 1}</sub>` : weightName(state, r.layer, r.to, r.from);
  return `<button class="close" title="Close">×</button>
    <h3>Weight ${name}: ${esc(unitName(state, r.layer - 1, r.from))} → ${esc(unitName(state, r.layer, r.to))}</h3>
    <table><tr><th>value now</th><td class="w-now">${num(r.value)}</td></tr>
    <tr><th>value for the current batch</th><td>${num(r.value_before)}</td></tr>
    <tr><th>∂C/∂w on that batch (BP4)</th><td class="w-grad">${num(r.gradient)}</td></tr></table>
    ${r.from >= 0 ? `<p class="note bp4-factors">BP4: ∂C/∂w = a<sub>in</sub> · δ<sub>out</sub> (averaged over the batch);
      here |a<sub>in</sub>| ≈ ${num(r.a_in_mean)} and δ<sub>out</sub> ≈ ${num(r.delta_out_mean)}.
      ${r.a_in_mean < 0.05 ? "<b class='slow'>The input this weight carries is small, so the weight learns slowly.</b>" : ""}</p>` : ""}
    <div class="edit"><span>set ${name} =</span> <input type="number" step="any" class="weight-input" value="${r.value}">
    <button class="set-weight">Set</button></div>
    <p class="note">Editing a weight redraws every picture; the next Step trains from the edited value.</p>`;
}

// A small table of every weight, for tiny networks (e.g. Mazur's w1…w8).
export function paramsTable(state) {
  const net = state.network;
  const count = net.weights.reduce((t, w) => t + w.length * w[0].length, 0);
  if (count > 16) return "";
  let rows = "";
  net.weights.forEach((W, li) => W.forEach((row, to) => row.forEach((w, from) => {
    const g = state.batch.grad_weights[li][to][from];
    rows += `<tr><td>${weightName(state, li + 1, to, from)}</td><td class="param" data-name="${state.task === "mazur" ? `w${li * 4 + to * 2 + from + 1}` : ""}">${num(w)}</td><td>${num(g)}</td></tr>`;
  })));
  return `<table><tr><th>weight</th><th>value</th><th>∂C/∂w (current batch)</th></tr>${rows}</table>`;
}
