// What the page says about the run, in the learner's language: notices, hints, errors, diagnostics, menu labels.
import { LAYER_COLOURS, drawGradientNorms } from "./draw.js";
import { t } from "./i18n.js";
import { fmt } from "./numbers.js";

const $ = (id) => document.getElementById(id);

// A layer as the learner reads it: Nielsen's numbering (input = layer 1) unless the page is set to the engine's.
export const layerNumber = (l, numbering) => (numbering === "engine" ? l : l + 1);

// A menu value → its label (loss, optimiser and activation names are words; numbers use the decimal mark).
export function optionLabel(id, value) {
  if (id === "loss") return t(`loss_${value}`);
  if (id === "optimizer") return t(`optimizer_${value}`);
  if (id === "activation") return t(`act_${value}`);
  return typeof value === "number" ? fmt(value) : String(value);
}

// A changed setting's value in the learner's words: costs, optimisers, data sets and activations by name.
function valueText(key, v) {
  if (key === "loss" || key === "optimizer") return optionLabel(key, v);
  if (key === "dataset") return t(`dataset_${v}`);
  if (key === "preset") return t(v === "mazur" ? "mazur_preset" : "preset_none");
  if (key === "activations") return String(v).split(",").map((a) => optionLabel("activation", a)).join(t("list_sep"));
  return typeof v === "number" ? fmt(v) : String(v);
}

function changeText(key, old, now) {
  const show = (v) => valueText(key, v);
  return old === undefined ? t(`field_${key}`) : t("change", { field: t(`field_${key}`), old: show(old), new: show(now) });
}

export function noticeText(notice) {
  const changes = notice.changes.map(([key, old, now]) => (notice.kind === "restarted" && key === "upload"
    ? t("field_upload") : changeText(key, old, now))).join(t("list_sep"));
  return t(`notice_${notice.kind}`, { changes });
}

export function markerText(marker) {
  const changes = marker[2] || [];
  return changes.map(([key, , now]) => `${t(`field_${key}`)} ${valueText(key, now)}`).join(t("list_sep"));
}

export function hintText(hint, numbering) {
  return t(`hint_${hint.kind}`, { ...hint, layer: hint.layer === undefined ? "" : layerNumber(hint.layer, numbering) });
}

// An error: a server reply with a code the page words, a page message {key, params}, or a diverged state.
// The page's one error line (role="alert"): an error from the server or the page, in the learner's words; "" clears it.
export function showError(error) {
  $("error").hidden = !error;
  $("error").textContent = error ? errorText(error) : "";
}

export function errorText(error) {
  if (typeof error === "string") return error;
  if (error.state) {
    const code = error.state.error_code;
    return code ? serverErrorText(code.code, code.params) : error.state.error;
  }
  if (error.key === "csv_refused") return t("csv_refused", { reason: errorText(error.error) });
  if (error.key === "link_refused") return t("link_refused") + (error.error ? t("sentence_sep") + errorText(error.error) : "");
  if (error.key) return t(error.key, error.params || {});
  const payload = error.payload;
  if (payload && payload.code) return serverErrorText(payload.code, payload.params || {});
  return t("refused", { reason: error.message });
}

// A server error {code, params} (every one has a code: playground/responses.py) in the learner's words; a setting's
// name is the page's word for it (field_<name>), except an unknown one, which is shown as the learner sent it.
export function serverErrorText(code, params) {
  const shown = { ...params };
  if (params.field !== undefined && code !== "unknown_field") shown.field = t(`field_${params.field}`);
  if (Array.isArray(params.fields)) shown.fields = params.fields.map((f) => t(`field_${f}`)).join(t("list_sep"));
  return t(`error_${code}`, shown);
}

// The diagnostics panel: gradient norms per layer, unit counts, warnings with the lesson each links to.
export function renderDiagnostics(s, numbering, showLesson) {
  const diag = s.diagnostics;
  drawGradientNorms($("grad-norms"), diag.history);
  const layers = s.network.sizes.length - 1;
  $("diag-legend").innerHTML = Array.from({ length: layers }, (_, l) =>
    `<span><i style="background:${LAYER_COLOURS[l % LAYER_COLOURS.length]}"></i>${t("layer_n", { n: layerNumber(l + 1, numbering) })}</span>`).join("");
  const now = diag.now;
  const sum = (xs) => (xs || []).reduce((a, b) => a + (b || 0), 0);
  $("diag-counts").textContent = now ? t("diag_counts", { dead: sum(now[2]), saturated: sum(now[1]) }) : "";
  $("diag-counts").dataset.dead = now ? sum(now[2]) : 0;
  $("diag-counts").dataset.saturated = now ? sum(now[1]) : 0;
  const box = $("diag-warnings");
  box.innerHTML = "";
  for (const warning of diag.warnings) {
    const div = document.createElement("div");
    div.className = "warning";
    div.dataset.kind = warning.kind;
    div.textContent = t(`warn_${warning.kind}`, { ...warning, layer: layerNumber(warning.layer, numbering) }) + " ";
    const button = document.createElement("button");
    button.className = "link-button";
    button.textContent = t("open_lesson");
    button.addEventListener("click", () => showLesson(warning.lesson));   // shows the lesson; the run goes on
    div.appendChild(button);
    box.appendChild(div);
  }
}
