// The inspector panel: a neuron's or a link's numbers (inspect.js writes them), editing a weight or a bias, the
// demon's slider, and the heatmap preview of a hovered neuron.  ``app`` is the page's state (app.js); the panel
// keeps its target in ``app.inspecting`` and gives the focus back to what opened it when it closes.
import { drawHeatmap } from "./draw.js";
import { demonText, linkPanel, neuronPanel, sliderToDz } from "./inspect.js";
import { t } from "./i18n.js";
import { fmt } from "./numbers.js";
import { layerNumber } from "./messages.js";

const $ = (id) => document.getElementById(id);

export function makeInspector(app, { api, action, render, showError }) {
  function inspect(target, origin) {
    app.inspecting = target;
    app.returnFocus = origin || document.activeElement;
    app.focusInspector = Boolean(origin);
    app.diagram.selected = target.kind === "neuron" ? { kind: "neuron", l: target.l, j: target.j } : { ...target };
    refreshInspector(true);
  }

  function closeInspector(returnFocus = false) {
    const back = app.returnFocus;
    app.inspecting = null;
    if (app.diagram) app.diagram.selected = null;
    $("inspector").innerHTML = `<p class="note">${t("inspector_placeholder")}</p>`;
    $("inspector").dataset.target = "";
    $("inspector").hidden = false;
    if (app.state) render();
    if (returnFocus && back && document.contains(back)) back.focus();
    else if (returnFocus && back && back.dataset) app.diagram.focusLike(back);
  }

  // True while the inspector holds a number being typed (focused, or changed and not yet submitted).
  function editing() {
    const panel = $("inspector"), active = document.activeElement;
    return (panel.contains(active) && active.tagName === "INPUT" && active.type !== "range")
      || Boolean(panel.querySelector("input[data-dirty]"));
  }

  async function refreshInspector(now = false) {
    const target = app.inspecting;
    if (!target) return;
    if (!now && editing()) return;                   // never wipe a weight the user is typing
    if (!now && app.state.playing) {                 // while playing: at most twice a second
      if (app.inspectTimer) return;
      app.inspectTimer = setTimeout(() => { app.inspectTimer = 0; refreshInspector(true); }, 500);
      return;
    }
    const version = app.state.version;
    try {
      const body = target.kind === "neuron" ? { layer: target.l, neuron: target.j, sample: target.sample }
        : { layer: target.l, to: target.to, from: target.from };
      const report = await api(`/api/sessions/${app.session}/${target.kind}`, body);
      if (app.inspecting !== target || (!now && editing())) return;
      const panel = $("inspector"), active = document.activeElement, keep = panel.contains(active) ? active.className : null;
      const naming = { numbering: app.page.numbering };
      panel.innerHTML = target.kind === "neuron" ? neuronPanel(app.state, report, naming) : linkPanel(app.state, report, naming);
      panel.dataset.version = version;
      panel.dataset.target = target.kind === "neuron" ? `neuron-${target.l}-${target.j}`
        : `link-${target.l}-${target.to}-${target.from}`;
      panel.hidden = false;
      wireInspector(panel, target);
      if (app.focusInspector) { app.focusInspector = false; panel.querySelector("h3").focus(); }
      else if (keep) panel.querySelector(`.${keep.split(" ")[0]}`)?.focus();
    } catch (error) {
      showError(error);
      closeInspector();
    }
  }

  function wireInspector(panel, target) {
    panel.querySelector(".close").addEventListener("click", () => closeInspector(true));
    panel.querySelectorAll("tr[data-sample] button").forEach((button) => button.addEventListener("click", () => {
      target.sample = Number(button.closest("tr").dataset.sample);
      refreshInspector(true);
    }));
    panel.querySelectorAll(".open-link").forEach((button) => button.addEventListener("click", () =>
      inspect({ kind: "link", l: target.l, to: target.j, from: Number(button.dataset.from) }, app.returnFocus)));
    panel.querySelectorAll("input").forEach((field) => field.addEventListener("input", () => {
      field.dataset.dirty = "1";
    }));
    const set = (selector, input, body) => {
      const button = panel.querySelector(selector);
      if (!button) return;
      const submit = () => {
        const field = panel.querySelector(input);
        delete field.dataset.dirty;                  // submitted: later states may refresh the panel again
        const value = Number(String(field.value).trim().replace(",", ".").replaceAll("−", "-"));
        if (field.value === "" || !Number.isFinite(value)) return showError({ key: "enter_number" });
        action("weight", { ...body, value });
      };
      button.addEventListener("click", submit);
      panel.querySelector(input).addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); submit(); }
      });
    };
    set(".set-weight", ".weight-input", { layer: target.l, to: target.to, from: target.from });
    set(".set-bias", ".bias-input", { layer: target.l, to: target.j, from: -1 });
    const slider = panel.querySelector(".demon-slider");
    if (slider) wireDemon(panel, slider, target);
  }

  // The demon's slider: each move asks the engine for the nudged cost and output picture.
  function wireDemon(panel, slider, target) {
    let pending = null, busy = false;
    const ask = async () => {
      if (busy) return;
      busy = true;
      while (pending !== null) {
        const dz = pending;
        pending = null;
        if (dz === 0) { render(); continue; }
        try {
          const n = await api(`/api/sessions/${app.session}/nudge`, { layer: target.l, neuron: target.j, dz });
          if (app.inspecting !== target) break;
          demonText(panel, n);
          slider.setAttribute("aria-valuetext", `Δz = ${fmt(dz, 3)}`);
          drawHeatmap($("heatmap"), { ...app.state, frames: { ...app.state.frames, output: n.output } }, app.data,
            $("show-test").checked);
        } catch (error) { showError(error); }
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

  // Hovering (or focusing) a neuron shows its own output in the big heatmap, as TensorFlow Playground does.
  function previewNeuron(l, j) {
    const note = $("preview-note");
    if (l === null || !app.state) { note.hidden = true; render(); return; }
    const frames = app.state.frames.neurons, frame = l === 0 ? frames.inputs[j] : frames.layers[l - 1][j];
    drawHeatmap($("heatmap"), app.state, app.data, $("show-test").checked, { frame, activation:
      l === 0 ? "linear" : app.state.network.activations[l - 1] });
    note.hidden = false;
    const L = app.state.network.sizes.length - 1, layer = layerNumber(l, app.page.numbering);
    const name = l === 0 ? app.state.inputs[j] : t(l === L ? "output_unit" : "hidden_unit", { j: j + 1 });
    note.textContent = t("preview", { name: `${name} (${t("layer_n", { n: layer })})` });
  }

  return { inspect, closeInspector, refreshInspector, previewNeuron };
}
