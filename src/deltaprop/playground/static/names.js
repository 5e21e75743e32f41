// What the page calls neurons and weights: Mazur's names (i1 i2 / h1 h2 / o1 o2, w1…w8) in his preset — the
// server's one copy, sent with the options (playground/options.py) — and Nielsen's otherwise.
import { t } from "./i18n.js";
import { layerNumber } from "./messages.js";

let mazur = null;            // {units: [[i1, i2], [h1, h2], [o1, o2]], weights: [[[w1, w2], [w3, w4]], …]}

export function useNames(options) { mazur = options.mazur_names; }

// A neuron's short name on the diagram: Mazur's, the input feature, o1…/ŷ at the output, none for hidden ones.
export function nodeName(state, l, j) {
  const L = state.network.sizes.length - 1;
  if (state.task === "mazur") return mazur.units[l][j];
  if (l === 0) return state.inputs?.[j] || `x${j + 1}`;
  return l === L ? (state.network.sizes[L] === 1 ? "ŷ" : `o${j + 1}`) : "";
}

// A neuron in the inspector's words: Mazur's name, the input feature, or "hidden neuron j (layer l)".
export function unitName(state, l, j, numbering) {
  const L = state.network.sizes.length - 1;
  if (state.task === "mazur" || l === 0) return nodeName(state, l, j);
  return t(l === L ? "output_unit" : "hidden_unit", { j: j + 1, layer: layerNumber(l, numbering) });
}

// Mazur's w1…w8 in the preset (plain text), else "" (the page writes w^l_jk, see weightName).
export const mazurWeight = (state, l, to, from) => (state.task === "mazur" ? mazur.weights[l - 1][to][from] : "");

// A weight's name as HTML: Mazur's w1…w8 in the preset, w^l_jk otherwise (l as the page numbers layers).
export function weightName(state, l, to, from, numbering = "nielsen") {
  if (state.task === "mazur") return mazurWeight(state, l, to, from);
  return `w<sup>${layerNumber(l, numbering)}</sup><sub>${to + 1}${from + 1}</sub>`;
}
