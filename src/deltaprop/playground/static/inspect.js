// The inspector: a neuron's z, a, δ for the current mini-batch with BP1–BP4 filled in; a link's weight.
import { t } from "./i18n.js";
import { layerNumber, optionLabel } from "./messages.js";
import { mazurWeight, unitName, weightName } from "./names.js";
import { fmt, local, precise as num } from "./numbers.js";

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const p = (v) => `(${num(v)})`;

export function neuronPanel(state, r, { numbering }) {
  const l = r.layer, j = r.neuron, s = r.sample, L = state.network.sizes.length - 1, ln = layerNumber(l, numbering);
  const sup = `<sup>${ln}</sup><sub>${j + 1}</sub>`, x = `<sub>x</sub>`, prev = `<sup>${ln - 1}</sup>`;
  const f = r.forward, trained = state.batch.trained;
  const rows = r.z.map((z, i) => `<tr data-sample="${i}" class="${i === s ? "chosen" : ""}"><td><button class="row-button"
    aria-pressed="${i === s}" aria-label="${esc(t("follow_point", { n: r.indices[i] }))}">${r.indices[i]}</button></td>` +
    `<td class="z">${num(z)}</td><td class="a">${num(r.a[i])}</td><td class="delta">${num(r.delta[i])}</td></tr>`).join("");
  const terms = f.weights.map((w, k) => `${p(w)}${p(f.inputs[k])}`).join(" + ");
  const act = optionLabel("activation", r.activation);
  let html = `<button class="close" aria-label="${esc(t("close_inspector"))}"><span aria-hidden="true">×</span></button>
    <h3 tabindex="-1">${esc(unitName(state, l, j, numbering))} · ${esc(t("layer_n", { n: ln }))} ${esc(t(l === L ? "output_paren" : "hidden_paren"))} · ${esc(act)}</h3>
    <p class="note">${esc(t(trained ? "batch_note_trained" : "batch_note_next", { n: r.batch_size }))}
    ${esc(t("numbers_from_engine"))}</p>
    ${r.z.length > 7 ? `<p class="note rows-hint">${esc(t("rows_hint", { shown: r.z.length, n: r.batch_size }))}</p>` : ""}
    <div class="scroll" tabindex="0" role="region" aria-label="${esc(t("samples_table"))}"><table class="samples">
    <tr><th scope="col">${esc(t("point"))}</th><th scope="col">z${sup}</th><th scope="col">a${sup} = σ(z)</th><th scope="col">δ${sup}</th></tr>${rows}</table></div>
    <div class="eq"><span class="tag">z</span>z${sup} = Σ<sub>k</sub> w${sup.replace("</sub>", "k</sub>")} a${prev}<sub>k</sub> + b${sup}
      = ${terms} + ${p(f.bias)} = <b class="eq-z">${num(f.z)}</b></div>
    <div class="eq"><span class="tag">a</span>a${sup} = ${esc(act)}(${num(f.z)}) = <b class="eq-a">${num(f.a)}</b>
      ${r.derivative !== null ? `, σ′(z${sup}) = <b class="eq-sigma">${num(r.derivative)}</b>` : ""}</div>${badge(r, sup)}`;
  if (r.bp1) {
    const b = r.bp1;
    const body = b.a_minus_y
      ? `a${sup} − y<sub>${j + 1}</sub> = ${p(b.a)} − ${p(b.y)}`
      : b.elementwise
        ? `∂C/∂a${sup} · σ′(z${sup}) = ${p(b.grad_a)} × ${p(r.derivative)}`
        : `Σ<sub>i</sub> ∂C/∂a<sub>i</sub> · ∂a<sub>i</sub>/∂z${sup} (${esc(t("softmax_jacobian"))})`;
    const why = b.a_minus_y ? ` <span class="note">(${esc(t("fused_note", { loss: optionLabel("loss", b.loss), act }))})</span>`
      : b.loss === "quadratic" ? ` <span class="note">(${esc(t("quadratic_note"))}: ∂C/∂a = a − y = ${num(b.a)} − ${num(b.y)})</span>` : "";
    html += `<div class="eq"><span class="tag">BP1</span>δ${sup} = ${body} = <b class="eq-delta">${num(b.delta)}</b>${why}</div>`;
  } else {
    const b = r.bp2, next = layerNumber(l + 1, numbering);
    const terms2 = b.weights.map((w, k) => `${p(w)}${p(b.deltas[k])}`).join(" + ");
    html += `<div class="eq"><span class="tag">BP2</span>δ${sup} = (Σ<sub>k</sub> w<sup>${next}</sup><sub>k${j + 1}</sub> δ<sup>${next}</sup><sub>k</sub>) · σ′(z${sup})
      = (${terms2}) × ${p(r.derivative)} = ${p(b.sum)} × ${p(r.derivative)} = <b class="eq-delta">${num(b.delta)}</b></div>`;
  }
  const n = r.batch_size;
  html += `<div class="eq"><span class="tag">BP3</span>∂C/∂b${sup} = ${n > 1 ? `(1/${n}) Σ${x} δ${sup}${x}` : `δ${sup}`}
    = <b class="eq-bp3">${num(r.bp3.gradient)}</b>${r.bp3.trainable ? "" : ` <span class="note">(${esc(t("biases_fixed_note"))})</span>`}</div>`;
  const before = state.batch.weights[l - 1][j], now = state.network.weights[l - 1][j];
  // each incoming weight's name opens that link's panel: the same as tapping the link, with a 24 px target
  const bp4rows = r.bp4.gradients.map((g, k) => `<tr><th scope="row"><button class="row-button open-link" data-from="${k}"
    aria-label="${esc(t("open_weight", { name: weightName(state, l, j, k, numbering).replace(/<[^>]+>/g, "") }))}">${weightName(state, l, j, k, numbering)}</button></th><td>${num(r.bp4.inputs_sample[k])}</td>
    <td class="grad">${num(g)}</td><td>${num(before[k])}</td><td class="after">${trained ? num(now[k]) : "–"}</td></tr>`).join("");
  html += `<div class="eq"><span class="tag">BP4</span>∂C/∂w${sup.replace("</sub>", "k</sub>")} = ${n > 1 ? `(1/${n}) Σ${x} ` : ""}a${prev}<sub>k</sub> δ${sup}
    ${n === 1 ? `<span class="note">(${esc(t("one_sample"))}: k = 1: ${p(r.bp4.inputs_sample[0])} × ${p(r.bp4.delta_sample)})</span>` : ""}</div>
    <div class="scroll-x" tabindex="0" role="region" aria-label="${esc(t("bp4_table"))}"><table class="bp4"><tr><th scope="col">${esc(t("weight"))}</th>
    <th scope="col">a${prev}<sub>k</sub> (${esc(t("this_sample"))})</th><th scope="col">∂C/∂w (${esc(t("batch_word"))})</th>
    <th scope="col">${esc(t("w_before"))}</th><th scope="col">${esc(t("w_after"))}</th></tr>${bp4rows}</table></div>
    <p class="note">${esc(updateNote(state))}</p>
    <div class="edit"><label for="bias-input">${esc(t("set_bias_label"))} b${sup} =</label>
    <input id="bias-input" type="text" inputmode="decimal" class="bias-input" value="${local(String(state.network.biases[l - 1][j]))}">
    <button class="set-bias">${esc(t("set"))}</button></div>`;
  return html + demonBlock(r, sup);
}

function updateNote(state) {
  const c = state.config, eta = fmt(c.learning_rate);
  const extra = [c.l2 ? "L2" : "", c.l1 ? "L1" : ""].filter(Boolean).join(" + ");
  if (c.optimizer === "sgd" && !extra) return t("update_sgd", { eta });
  return t("update_by", { optimizer: optionLabel("optimizer", c.optimizer), extra: extra ? ` + ${extra}` : "" });
}

// "Saturated" / "inactive" badge: BP1 and BP2 multiply δ by σ′(z), so a tiny σ′ means slow learning. Whether a
// neuron is either is the library's one definition (deltaprop.core.diagnostics.UNIT_HEALTH), sent in the report.
function badge(r, sup) {
  if (r.derivative === null) return "";
  if (r.saturated) {
    return `<p class="badge saturated"><b>${esc(t("saturated_badge"))}</b>: σ′(z${sup}) = ${num(r.derivative)} &lt; ${num(r.saturated_below)}.
      ${esc(t(r.bp1 ? "saturated_output" : "saturated_hidden"))}</p>`;
  }
  if (r.inactive) {
    return `<p class="badge dead"><b>${esc(t("inactive_badge"))}</b>: z${sup} ≤ 0, σ′(z) = 0. ${esc(t("inactive_text"))}</p>`;
  }
  return "";
}

// Nielsen's demon (ch. 2): nudge z by Δz, the cost changes by about δ·Δz.
function demonBlock(r, sup) {
  return `<div class="demon"><h4>${esc(t("demon_title"))}</h4>
    <p class="note">${esc(t("demon_intro"))}</p>
    <label class="demon-label"><span>Δz (z${sup})</span> <input type="range" class="demon-slider" min="-100" max="100" step="1" value="0"
      aria-valuetext="Δz = 0"></label>
    <span class="demon-dz">Δz = 0</span>
    <table class="demon-table"><tr><th scope="row">${esc(t("cost_before"))}</th><td class="demon-before">–</td></tr>
      <tr><th scope="row">${esc(t("cost_after"))}</th><td class="demon-after">–</td></tr>
      <tr><th scope="row">${esc(t("delta_c_measured"))}</th><td class="demon-actual">–</td></tr>
      <tr><th scope="row">${esc(t("delta_c_predicted"))}</th><td class="demon-predicted">–</td></tr></table>
    <p class="demon-advice note" aria-live="polite"></p></div>`;
}

// The slider's position s ∈ [−100, 100] → Δz, fine near 0 (cubic), up to ±2.
export const sliderToDz = (s) => Math.sign(s) * 2 * Math.abs(s / 100) ** 3;
export const dzToSlider = (dz) => Math.round(Math.sign(dz) * 100 * Math.cbrt(Math.abs(dz) / 2));

export function demonText(panel, n) {
  const set = (cls, v) => { panel.querySelector(cls).textContent = num(v); };
  set(".demon-before", n.cost_before);
  set(".demon-after", n.cost_after);
  set(".demon-actual", n.actual);
  set(".demon-predicted", n.predicted);
  panel.querySelector(".demon-dz").textContent = `Δz = ${fmt(n.dz, 3)}`;
  panel.querySelector(".demon-slider").dataset.gap = String(n.relative_gap);
  const far = Math.abs(n.actual - n.predicted) > 0.2 * Math.max(Math.abs(n.actual), Math.abs(n.predicted));
  panel.querySelector(".demon-advice").textContent = Math.abs(n.delta) < 1e-6 ? t("demon_zero")
    : `${t("demon_push", { delta: num(n.delta), direction: t(n.delta > 0 ? "push_down" : "push_up") })} ${t(far ? "demon_far" : "demon_near")}`;
}

export function linkPanel(state, r, { numbering }) {
  const name = r.from < 0 ? `b<sup>${layerNumber(r.layer, numbering)}</sup><sub>${r.to + 1}</sub>`
    : weightName(state, r.layer, r.to, r.from, numbering);
  const slow = r.a_in_mean < 0.05 ? `<b class="slow">${esc(t("slow_input"))}</b>` : "";
  return `<button class="close" aria-label="${esc(t("close_inspector"))}"><span aria-hidden="true">×</span></button>
    <h3 tabindex="-1">${esc(t("weight"))} ${name}: ${esc(unitName(state, r.layer - 1, r.from, numbering))} → ${esc(unitName(state, r.layer, r.to, numbering))}</h3>
    <table><tr><th scope="row">${esc(t("value_now"))}</th><td class="w-now">${num(r.value)}</td></tr>
    <tr><th scope="row">${esc(t("value_batch"))}</th><td>${num(r.value_before)}</td></tr>
    <tr><th scope="row">${esc(t("grad_batch"))}</th><td class="w-grad">${num(r.gradient)}</td></tr></table>
    ${r.from >= 0 ? `<p class="note bp4-factors">BP4: ∂C/∂w = a<sub>in</sub> · δ<sub>out</sub> (${esc(t("batch_mean"))});
      |a<sub>in</sub>| ≈ ${num(r.a_in_mean)}, δ<sub>out</sub> ≈ ${num(r.delta_out_mean)}. ${slow}</p>` : ""}
    <div class="edit"><label for="weight-input">${esc(t("set_weight_label"))} ${name} =</label>
    <input id="weight-input" type="text" inputmode="decimal" class="weight-input" value="${local(String(r.value))}">
    <button class="set-weight">${esc(t("set"))}</button></div>
    <p class="note">${esc(t("edit_note"))}</p>`;
}

// A small table of every weight, for tiny networks (e.g. Mazur's w1…w8).
export function paramsTable(state, numbering = "nielsen") {
  const net = state.network;
  const count = net.weights.reduce((sum, w) => sum + w.length * w[0].length, 0);
  if (count > 16) return "";
  let rows = "";
  net.weights.forEach((W, li) => W.forEach((row, to) => row.forEach((w, from) => {
    const g = state.batch.grad_weights[li][to][from];
    rows += `<tr><th scope="row">${weightName(state, li + 1, to, from, numbering)}</th><td class="param" data-name="${mazurWeight(state, li + 1, to, from)}">${num(w)}</td><td>${num(g)}</td></tr>`;
  })));
  return `<table><tr><th scope="col">${esc(t("weight"))}</th><th scope="col">${esc(t("value"))}</th><th scope="col">∂C/∂w (${esc(t("current_batch"))})</th></tr>${rows}</table>`;
}
