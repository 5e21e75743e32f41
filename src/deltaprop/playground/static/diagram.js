// The network diagram: neurons as small heatmaps, links coloured by sign and sized by |w|.
import { decode, diverging, paint, rgb, NEG, POS } from "./draw.js";

const NODE = 40, GAP = 47, TOP = 62, SVGNS = "http://www.w3.org/2000/svg";

export class Diagram {
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;   // {neuron(l, j), link(l, to, from), resize(l, delta), activation(l, name)}
    this.key = null;
    this.selected = null;
  }

  // Mazur's names (i1, h1, o1, w1…w8) in the preset, generic ones otherwise.
  nodeName(state, l, j) {
    const L = state.network.sizes.length - 1;
    if (state.task === "mazur") return ["i", "h", "o"][l] + (j + 1);
    if (l === 0) return (state.inputs && state.inputs[j]) || `x${j + 1}`;
    return l === L ? (state.network.sizes[L] === 1 ? "ŷ" : `o${j + 1}`) : "";
  }

  render(state, options) {
    const sizes = state.network.sizes;
    const key = JSON.stringify([sizes, state.network.activations, state.task, this.root.clientWidth, state.inputs]);
    if (key !== this.key) this.build(state, options);
    this.key = key;
    this.update(state);
  }

  columnX(l, n) {
    const width = this.root.clientWidth;
    return 36 + (l * (width - 36 - 96)) / Math.max(n - 1, 1);
  }

  build(state, options) {
    const sizes = state.network.sizes, n = sizes.length, L = n - 1;
    this.root.innerHTML = "";
    this.root.style.height = `${TOP + Math.max(...sizes) * GAP + 8}px`;
    const svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", this.root.clientWidth);
    svg.setAttribute("height", this.root.clientHeight);
    this.root.appendChild(svg);
    this.links = [];
    for (let l = 1; l <= L; l++) {
      for (let to = 0; to < sizes[l]; to++) {
        for (let from = 0; from < sizes[l - 1]; from++) {
          const x1 = this.columnX(l - 1, n) + NODE, y1 = TOP + from * GAP + NODE / 2;
          const x2 = this.columnX(l, n), y2 = TOP + to * GAP + NODE / 2, mx = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
          const hit = document.createElementNS(SVGNS, "path");
          hit.setAttribute("d", d);
          hit.setAttribute("class", "hit");
          hit.dataset.layer = l; hit.dataset.to = to; hit.dataset.from = from;
          hit.addEventListener("click", () => this.handlers.link(l, to, from));
          const title = document.createElementNS(SVGNS, "title");
          hit.appendChild(title);
          const link = document.createElementNS(SVGNS, "path");
          link.setAttribute("d", d);
          link.setAttribute("class", "link");
          svg.appendChild(hit);
          svg.appendChild(link);
          this.links.push({ l, to, from, link, title });
        }
      }
    }
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
        node.appendChild(canvas);
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = this.nodeName(state, l, j);
        node.appendChild(name);
        if (l > 0) node.addEventListener("click", () => this.handlers.neuron(l, j));
        else node.title = `input ${this.nodeName(state, 0, j)}`;
        this.root.appendChild(node);
        this.nodes[l].push(canvas);
      }
      this.root.appendChild(this.layerHead(state, l, x, options));
    }
  }

  layerHead(state, l, x, options) {
    const sizes = state.network.sizes, L = sizes.length - 1;
    const head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = `${x + NODE / 2 - 48}px`;
    head.style.top = "0px";
    if (l === 0) { head.innerHTML = `<b>Input</b><span>${sizes[0]} feature${sizes[0] > 1 ? "s" : ""}</span>`; return head; }
    const act = state.network.activations[l - 1];
    if (l === L) {
      head.innerHTML = `<b>Output</b><span>${act} · ${sizes[l]} unit${sizes[l] > 1 ? "s" : ""}</span>`;
      return head;
    }
    const fixed = state.task === "mazur";
    const pm = document.createElement("div");
    pm.className = "pm";
    for (const [text, delta] of [["+", 1], ["−", -1]]) {
      const b = document.createElement("button");
      b.className = "mini"; b.textContent = text;
      b.disabled = fixed || (delta > 0 ? sizes[l] >= options.limits.neurons : sizes[l] <= 1);
      b.title = delta > 0 ? "Add a neuron" : "Remove a neuron";
      b.addEventListener("click", () => this.handlers.resize(l, delta));
      pm.appendChild(b);
    }
    head.appendChild(pm);
    const label = document.createElement("span");
    label.textContent = `${sizes[l]} neuron${sizes[l] > 1 ? "s" : ""}`;
    head.appendChild(label);
    const select = document.createElement("select");
    select.disabled = fixed;
    select.dataset.layer = l;
    for (const name of options.activations) select.add(new Option(name, name, false, name === act));
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
    const fmt = (v) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(3) : v.toExponential(1)).replaceAll("-", "−");
    const put = (l, j, text) => {
      const canvas = this.nodes[l] && this.nodes[l][j];
      if (!canvas) return;
      const node = canvas.parentElement, tag = document.createElement("div");
      node.classList.add("stage-on");
      tag.className = "annot";
      tag.textContent = text;
      tag.style.left = `${parseFloat(node.style.left) + NODE + 3}px`;
      tag.style.top = `${parseFloat(node.style.top) + 2}px`;
      this.root.appendChild(tag);
    };
    if (stage.stage === "forward") stage.z.forEach((z, j) => put(stage.layer, j, `z ${fmt(z)}\na ${fmt(stage.a[j])}`));
    if (stage.stage === "bp1" || stage.stage === "bp2") stage.delta.forEach((d, j) => put(stage.layer, j, `δ ${fmt(d)}`));
    if (stage.stage === "cost") {
      const L = this.nodes.length - 1;
      put(L, 0, `C ${fmt(stage.sample_cost)}`);
    }
    const links = stage.stage === "gradients" ? stage.grad_weights : stage.stage === "update" ? stage.weights : null;
    if (!links) return;
    const svg = this.root.querySelector("svg"), sizes = this.nodes.map((column) => column.length);
    for (const item of this.links) {
      item.link.classList.add("stage-on");
      if (sizes[item.l] * sizes[item.l - 1] > 4) continue;     // only layers with few links: labels stay readable
      const value = links[item.l - 1][item.to][item.from], box = item.link.getBBox();
      const tag = document.createElementNS(SVGNS, "text");
      tag.setAttribute("class", "annot link-annot");
      tag.setAttribute("x", box.x + box.width * 0.45);
      tag.setAttribute("y", box.y + box.height * (item.to > item.from ? 0.62 : item.to < item.from ? 0.38 : 0.5) - 3);
      tag.textContent = fmt(value);
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
    const net = state.network;
    for (const item of this.links) {
      const w = net.weights[item.l - 1][item.to][item.from];
      item.link.setAttribute("stroke", rgb(w < 0 ? NEG : POS));
      item.link.setAttribute("stroke-width", Math.min(8, 0.6 + 2.2 * Math.abs(w)).toFixed(2));
      item.link.setAttribute("stroke-opacity", Math.min(1, 0.35 + Math.abs(w)).toFixed(2));
      const sel = this.selected;
      item.link.classList.toggle("selected", !!sel && sel.kind === "link" && sel.l === item.l &&
        sel.to === item.to && sel.from === item.from);
      item.title.textContent = `w = ${w.toPrecision(6)} (layer ${item.l}, ${item.to} ← ${item.from})`;
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
        node.classList.toggle("selected", !!sel && sel.kind === "neuron" && sel.l === l && sel.j === j);
      }
    }
  }
}
