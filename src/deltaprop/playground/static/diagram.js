// The network diagram: neurons as small heatmaps, links coloured by sign and sized by |w|.
// Keyboard: one roving tab stop (roving.js). Wider than its box, it scrolls inside it.
import { decode, diverging, paint, rgb, NEG, POS } from "./draw.js";
import { t } from "./i18n.js";
import { nodeName } from "./names.js";
import { fmt, short } from "./numbers.js";
import { layerNumber, optionLabel } from "./messages.js";
import { RovingFocus } from "./roving.js";

const NODE = 40, GAP = 48, TOP = 84, HEAD = 80, MIN_SPACING = 84, LEFT = 30, RIGHT = 64;
const SVGNS = "http://www.w3.org/2000/svg";

export class Diagram {
  constructor(root, handlers, numbering) {
    this.root = root;
    this.box = root.parentElement;
    this.handlers = handlers;   // {neuron, link, resize, activation, escape, preview}
    this.numbering = numbering;
    this.key = null;
    this.selected = null;
    this.focus = new RovingFocus(root, (l, j) => handlers.preview(l, j));
  }

  // How a screen reader (and the heatmap preview) names a neuron.
  label(state, l, j) {
    const L = state.network.sizes.length - 1, layer = layerNumber(l, this.numbering());
    if (l === 0) return t("input_name", { name: nodeName(state, 0, j), layer });
    const act = optionLabel("activation", state.network.activations[l - 1]);
    return t(l === L ? "output_neuron_name" : "hidden_neuron_name", { j: j + 1, layer, act,
      name: nodeName(state, l, j) });
  }

  render(state, options) {
    const sizes = state.network.sizes;
    const key = JSON.stringify([sizes, state.network.activations, state.task, this.box.clientWidth, state.inputs,
      this.numbering(), document.documentElement.lang]);
    if (key !== this.key) this.build(state, options);
    this.key = key;
    this.update(state);
  }

  columnX(l, n) {
    return LEFT + (l * (this.width - LEFT - RIGHT)) / Math.max(n - 1, 1);
  }

  build(state, options) {
    const sizes = state.network.sizes, n = sizes.length;
    const hadFocus = this.root.contains(document.activeElement);
    this.width = Math.max(this.box.clientWidth, LEFT + RIGHT + (n - 1) * MIN_SPACING);
    this.root.innerHTML = "";
    this.root.style.width = `${this.width}px`;
    this.root.style.height = `${TOP + Math.max(...sizes) * GAP + 8}px`;
    const svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", this.width);
    svg.setAttribute("height", this.root.clientHeight);
    svg.setAttribute("role", "presentation");
    this.root.appendChild(svg);
    this.focus.columns = [];
    this.buildLinks(svg, sizes);
    this.buildNodes(state, options);
    this.focus.rove(hadFocus);
  }

  // Each link twice: a wide transparent path to click or focus (.hit) under the visible one (.link).
  buildLinks(svg, sizes) {
    const n = sizes.length;
    this.links = [];
    for (let l = 1; l < n; l++) {
      const column = [];
      for (let to = 0; to < sizes[l]; to++) {
        for (let from = 0; from < sizes[l - 1]; from++) {
          const x1 = this.columnX(l - 1, n) + NODE, y1 = TOP + from * GAP + NODE / 2;
          const x2 = this.columnX(l, n), y2 = TOP + to * GAP + NODE / 2, mx = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
          const hit = document.createElementNS(SVGNS, "path");
          hit.setAttribute("d", d);
          hit.setAttribute("class", "hit");
          hit.setAttribute("role", "button");
          hit.setAttribute("tabindex", "-1");
          hit.dataset.layer = l; hit.dataset.to = to; hit.dataset.from = from;
          this.focus.bind(hit, { kind: "link", l, to, from }, (origin) => this.handlers.link(l, to, from, origin));
          const link = document.createElementNS(SVGNS, "path");
          link.setAttribute("d", d);
          link.setAttribute("class", "link");
          svg.appendChild(hit);
          svg.appendChild(link);
          this.links.push({ l, to, from, link, hit });
          column.push(hit);
        }
      }
      this.focus.columns.push(column, []);      // the links into layer l, then its neurons (filled below)
    }
  }

  buildNodes(state, options) {
    const sizes = state.network.sizes, n = sizes.length, L = n - 1;
    this.nodes = [];
    for (let l = 0; l <= L; l++) {
      const x = this.columnX(l, n);
      this.nodes.push([]);
      for (let j = 0; j < sizes[l]; j++) {
        const node = document.createElement("div");
        node.className = "node" + (l === L ? " output-node" : "") + (l === 0 ? " input-node" : "");
        node.style.left = `${x}px`;
        node.style.top = `${TOP + j * GAP}px`;
        node.dataset.layer = l; node.dataset.neuron = j;
        const canvas = document.createElement("canvas");
        canvas.setAttribute("aria-hidden", "true");
        const name = document.createElement("span");
        name.className = "name";
        name.setAttribute("aria-hidden", "true");
        name.textContent = nodeName(state, l, j);
        node.append(canvas, name);
        node.addEventListener("mouseenter", () => this.handlers.preview(l, j));
        node.addEventListener("mouseleave", () => this.handlers.preview(null));
        node.setAttribute("role", l > 0 ? "button" : "img");
        node.setAttribute("aria-label", this.label(state, l, j));
        if (l > 0) {
          node.setAttribute("tabindex", "-1");
          this.focus.bind(node, { kind: "neuron", l, j }, (origin) => this.handlers.neuron(l, j, origin));
          this.focus.columns[2 * l - 1].push(node);
        }
        this.root.appendChild(node);
        this.nodes[l].push(canvas);
      }
      this.root.appendChild(this.layerHead(state, l, x, options));
    }
  }

  // Focus the element that stands where `el` stood (the inspector gives focus back after a rebuild).
  focusLike(el) { this.focus.focusLike(el); }

  layerHead(state, l, x, options) {
    const sizes = state.network.sizes, L = sizes.length - 1, number = layerNumber(l, this.numbering());
    const head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = `${x + NODE / 2 - HEAD / 2}px`;
    head.style.top = "0px";
    const title = (text, detail) => {
      const b = document.createElement("b");
      b.textContent = text;
      const span = document.createElement("span");
      span.textContent = detail;
      head.append(b, span);
    };
    if (l === 0) { title(t("input_layer", { layer: number }), t("features_n", { n: sizes[0] })); return head; }
    const act = state.network.activations[l - 1];
    if (l === L) {
      title(t("output_layer", { layer: number }), `${optionLabel("activation", act)} · ${t("units_n", { n: sizes[l] })}`);
      return head;
    }
    const locked = state.task === "mazur";
    const pm = document.createElement("div");
    pm.className = "pm";
    for (const [text, delta] of [["+", 1], ["−", -1]]) {
      const b = document.createElement("button");
      b.className = `mini ${delta > 0 ? "add-neuron" : "remove-neuron"}`; b.textContent = text;
      b.dataset.layer = l;
      b.disabled = locked || (delta > 0 ? sizes[l] >= options.limits.neurons : sizes[l] <= 1);
      b.setAttribute("aria-label", t(delta > 0 ? "add_neuron" : "remove_neuron", { layer: number }));
      b.title = b.getAttribute("aria-label");
      b.addEventListener("click", () => this.handlers.resize(l, delta));
      pm.appendChild(b);
    }
    head.appendChild(pm);
    const label = document.createElement("span");
    label.textContent = t("neurons_n", { n: sizes[l] });
    head.appendChild(label);
    const select = document.createElement("select");
    select.disabled = locked;
    select.dataset.layer = l;
    select.setAttribute("aria-label", t("activation_of", { layer: number }));
    for (const name of options.activations) select.add(new Option(optionLabel("activation", name), name, false, name === act));
    select.addEventListener("change", () => this.handlers.activation(l, select.value));
    head.appendChild(select);
    return head;
  }

  // The explained step: numbers on the neurons of one layer (z, a or δ) and on links (∂C/∂w or the new w);
  // ``null`` clears them.  Links are labelled when the network is small enough to read them.
  annotate(stage) {
    this.root.querySelectorAll(".annot").forEach((el) => el.remove());
    this.root.querySelectorAll(".node.stage-on").forEach((el) => el.classList.remove("stage-on"));
    for (const item of this.links) item.link.classList.remove("stage-on");
    if (!stage) return;
    const put = (l, j, text) => {
      const canvas = this.nodes[l] && this.nodes[l][j];
      if (!canvas) return;
      const node = canvas.parentElement, tag = document.createElement("div");
      node.classList.add("stage-on");
      tag.className = "annot";
      tag.setAttribute("aria-hidden", "true");
      tag.textContent = text;
      tag.style.left = `${parseFloat(node.style.left) + NODE + 3}px`;
      tag.style.top = `${parseFloat(node.style.top) + 2}px`;
      this.root.appendChild(tag);
    };
    if (stage.stage === "forward") stage.z.forEach((z, j) => put(stage.layer, j, `z ${short(z, 3)}\na ${short(stage.a[j], 3)}`));
    if (stage.stage === "bp1" || stage.stage === "bp2") stage.delta.forEach((d, j) => put(stage.layer, j, `δ ${short(d, 3)}`));
    if (stage.stage === "cost") put(this.nodes.length - 1, 0, `C ${short(stage.sample_cost, 3)}`);
    const links = stage.stage === "gradients" ? stage.grad_weights : stage.stage === "update" ? stage.weights : null;
    if (!links) return;
    const svg = this.root.querySelector("svg"), sizes = this.nodes.map((column) => column.length);
    for (const item of this.links) {
      item.link.classList.add("stage-on");
      if (sizes[item.l] * sizes[item.l - 1] > 4) continue;     // only layers with few links: labels stay readable
      const value = links[item.l - 1][item.to][item.from], box = item.link.getBBox();
      const tag = document.createElementNS(SVGNS, "text");
      tag.setAttribute("class", "annot link-annot");
      tag.setAttribute("aria-hidden", "true");
      tag.setAttribute("x", box.x + box.width * 0.45);
      tag.setAttribute("y", box.y + box.height * (item.to > item.from ? 0.62 : item.to < item.from ? 0.38 : 0.5) - 3);
      tag.textContent = short(value, 3);
      svg.appendChild(tag);
    }
  }

  // Links drawn for ``weights`` (the explained step shows the weights before the update, then after it).
  paintLinks(weights) {
    for (const item of this.links) {
      const w = weights[item.l - 1][item.to][item.from];
      item.link.setAttribute("stroke", rgb(w < 0 ? NEG : POS));
      item.link.setAttribute("stroke-width", Math.min(8, 0.6 + 2.2 * Math.abs(w)).toFixed(2));
      item.link.setAttribute("stroke-opacity", Math.min(1, 0.35 + Math.abs(w)).toFixed(2));
    }
  }

  update(state) {
    const net = state.network, numbering = this.numbering();
    this.paintLinks(net.weights);
    for (const item of this.links) {
      const w = net.weights[item.l - 1][item.to][item.from], sel = this.selected;
      item.link.classList.toggle("selected", !!sel && sel.kind === "link" && sel.l === item.l &&
        sel.to === item.to && sel.from === item.from);
      item.hit.setAttribute("aria-label", t("link_name", { layer: layerNumber(item.l, numbering), j: item.to + 1,
        k: item.from + 1, value: fmt(w, 4), from: this.label(state, item.l - 1, item.from),
        to: this.label(state, item.l, item.to) }));
    }
    const frames = state.frames.neurons;
    const size = frames.size;
    for (let j = 0; j < this.nodes[0].length; j++) {   // each input feature over the plane (x1 →, x2 ↑)
      const frame = frames.inputs[j], values = decode(frame);
      const scale = Math.max(Math.abs(frame.lo), Math.abs(frame.hi), 1e-9);
      paint(this.nodes[0][j], size, (i) => diverging(values[i] / scale));
    }
    for (let l = 1; l < this.nodes.length; l++) {
      const act = net.activations[l - 1].split(":")[0];
      for (let j = 0; j < this.nodes[l].length; j++) {
        const frame = frames.layers[l - 1][j], values = decode(frame);
        const scale = Math.max(Math.abs(frame.lo), Math.abs(frame.hi), 1e-9);
        const colour = act === "sigmoid" || act === "softmax" ? (v) => diverging(2 * v - 1)
          : act === "tanh" ? (v) => diverging(v) : (v) => diverging(v / scale);
        paint(this.nodes[l][j], size, (i) => colour(values[i]));
        const node = this.nodes[l][j].parentElement, sel = this.selected;
        const on = !!sel && sel.kind === "neuron" && sel.l === l && sel.j === j;
        node.classList.toggle("selected", on);
        node.setAttribute("aria-pressed", String(on));
      }
    }
  }
}
