// Drawing: colour maps, heatmaps, data points, loss curves. Pure functions of the server's state.
import { local } from "./numbers.js";

export const NEG = [245, 147, 34];   // orange: negative / class 0
export const POS = [8, 119, 189];    // blue: positive / class 1
const WHITE = [255, 255, 255];
export const CLASS_COLOURS = [NEG, POS, [46, 160, 67], [142, 36, 170], [211, 47, 47], [0, 150, 136],
  [121, 85, 72], [96, 125, 139]];

export function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// t in [-1, 1] → orange … white … blue
export function diverging(t) {
  t = Math.max(-1, Math.min(1, t));
  return t < 0 ? mix(WHITE, NEG, -t) : mix(WHITE, POS, t);
}

export function rgb(c) { return `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`; }

// A quantised picture {lo, hi, data (base64 bytes)} → Float32Array of values
export function decode(frame) {
  const bytes = atob(frame.data);
  const out = new Float32Array(bytes.length);
  const scale = (frame.hi - frame.lo) / 255;
  for (let i = 0; i < bytes.length; i++) out[i] = frame.lo + bytes.charCodeAt(i) * scale;
  return out;
}

// Paint size×size colours into a canvas (its own resolution = size).
export function paint(canvas, size, colourAt) {
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const c = colourAt(i);
    image.data[4 * i] = c[0]; image.data[4 * i + 1] = c[1]; image.data[4 * i + 2] = c[2]; image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

// The colour function for the output picture, by task.
export function outputColours(state, targetRange) {
  const frame = state.frames.output;
  const channels = frame.channels.map(decode);
  const hard = !!state.config.discretize;          // TensorFlow Playground's "discretize output"
  if (state.task === "classification" && state.n_classes > 2) {
    const k = channels.length;
    if (hard) {
      return (i) => {
        let best = 0;
        for (let j = 1; j < k; j++) if (channels[j][i] > channels[best][i]) best = j;
        return mix(WHITE, CLASS_COLOURS[best], 0.7);
      };
    }
    return (i) => {
      let c = [0, 0, 0], best = 0;
      for (let j = 0; j < k; j++) {
        const p = channels[j][i];
        c = [c[0] + p * CLASS_COLOURS[j][0], c[1] + p * CLASS_COLOURS[j][1], c[2] + p * CLASS_COLOURS[j][2]];
        best = Math.max(best, p);
      }
      const confidence = Math.max(0, (best - 1 / k) / (1 - 1 / k));
      return mix(WHITE, c, 0.15 + 0.75 * confidence);
    };
  }
  if (state.task === "regression") {
    const [lo, hi] = targetRange;
    const mid = (lo + hi) / 2, half = Math.max((hi - lo) / 2, 1e-9);
    return (i) => diverging((channels[0][i] - mid) / half);
  }
  const p = channels.length === 2 && state.task !== "mazur" ? channels[1] : channels[0];
  if (hard) return (i) => diverging(p[i] >= 0.5 ? 0.7 : -0.7);
  return (i) => diverging(2 * p[i] - 1);
}

// Heatmap of the output with the data points on top.
// ``preview`` ({frame, activation}): one neuron's output over the plane instead of the network's (hover a neuron).
export function drawHeatmap(canvas, state, data, showTest, preview = null) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width = canvas.clientWidth * devicePixelRatio || 300;
  canvas.height = W;
  const size = preview ? state.frames.neurons.size : state.frames.output.size;
  const off = document.createElement("canvas");
  paint(off, size, preview ? neuronColours(preview) : outputColours(state, targetRange(data)));
  canvas.dataset.preview = preview ? "1" : "";
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, W, W);
  if (!data) return;
  const e = state.frames.output.extent;
  const toPx = (v) => ((v + e) / (2 * e)) * W;
  const r = Math.max(2.5, W / 110);
  const pointColour = pointColourer(state, data);
  const draw = (points, stroke) => {
    for (const [x1, x2, label] of points) {
      ctx.beginPath();
      ctx.arc(toPx(x1), W - toPx(x2), r, 0, 2 * Math.PI);
      ctx.fillStyle = rgb(pointColour(label));
      ctx.fill();
      ctx.lineWidth = Math.max(1, W / 400);
      ctx.strokeStyle = stroke;
      ctx.stroke();
    }
  };
  draw(data.train, "#fff");
  if (showTest) draw(data.test, "#222");
  // axes ticks
  ctx.fillStyle = "rgba(0,0,0,.55)";
  ctx.font = `${Math.round(W / 28)}px Helvetica, Arial`;
  ctx.fillText(local(-e), 4, W - 4);
  ctx.fillText(local(e), W - ctx.measureText(local(e)).width - 4, W - 4);
}

// A neuron's picture (as the diagram colours it): sigmoid/softmax around 0.5, tanh on [−1, 1], others scaled.
function neuronColours({ frame, activation }) {
  const values = decode(frame), act = activation.split(":")[0];
  const scale = Math.max(Math.abs(frame.lo), Math.abs(frame.hi), 1e-9);
  if (act === "sigmoid" || act === "softmax") return (i) => diverging(2 * values[i] - 1);
  if (act === "tanh") return (i) => diverging(values[i]);
  return (i) => diverging(values[i] / scale);
}

function targetRange(data) {
  if (!data) return [-1, 1];
  let lo = Infinity, hi = -Infinity;
  for (const p of data.train) { lo = Math.min(lo, p[2]); hi = Math.max(hi, p[2]); }
  return [lo, hi];
}

export function pointColourer(state, data) {
  if (state.task === "regression") {
    const [lo, hi] = targetRange(data);
    const mid = (lo + hi) / 2, half = Math.max((hi - lo) / 2, 1e-9);
    return (t) => mix(diverging((t - mid) / half), [0, 0, 0], 0.15);
  }
  return (label) => CLASS_COLOURS[label % CLASS_COLOURS.length];
}

// Train (grey) and test (black) loss over epochs.
export function drawCurve(canvas, history, markers = [], log = false) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width = canvas.clientWidth * devicePixelRatio || 300;
  const H = canvas.height = canvas.clientHeight * devicePixelRatio || 90;
  ctx.clearRect(0, 0, W, H);
  if (!history.length) return;
  const xs = history.map((p) => p[0]);
  const values = history.flatMap((p) => [p[1], p[2]]).filter(Number.isFinite);
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1e-9);
  const top = Math.max(...values) * 1.05 || 1;
  const px = (x) => 6 + ((x - x0) / (x1 - x0)) * (W - 12);
  // log scale: decades from the smallest positive loss to the largest, so late progress stays visible
  const positive = values.filter((v) => v > 0);
  const lo = Math.log10(Math.max(Math.min(...positive, top), 1e-12)), hi = Math.log10(top);
  const py = log ? (y) => H - 4 - ((Math.log10(Math.max(y, 1e-12)) - lo) / Math.max(hi - lo, 1e-9)) * (H - 10)
    : (y) => H - 4 - (y / top) * (H - 10);
  canvas.dataset.scale = log ? "log" : "linear";
  if (log) {                                          // faint lines at each power of ten
    ctx.strokeStyle = "#e5e7eb";
    ctx.lineWidth = devicePixelRatio;
    for (let d = Math.ceil(lo); d <= hi; d++) {
      ctx.beginPath(); ctx.moveTo(0, py(10 ** d)); ctx.lineTo(W, py(10 ** d)); ctx.stroke();
    }
  }
  for (const [column, colour] of [[1, "#9e9e9e"], [2, "#111"]]) {
    ctx.beginPath();
    history.forEach((p, i) => (i ? ctx.lineTo(px(p[0]), py(p[column])) : ctx.moveTo(px(p[0]), py(p[column]))));
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.stroke();
  }
  // a dashed line where a hyper-parameter changed mid-run, labelled with what changed
  ctx.font = `${Math.round(9 * devicePixelRatio)}px Helvetica, Arial`;
  for (const [at, text] of markers) {
    if (at < x0 || at > x1) continue;
    ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.strokeStyle = "#1565c0";
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(px(at), 2);
    ctx.lineTo(px(at), H - 2);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#1565c0";
    ctx.fillText(text, Math.min(px(at) + 3, W - ctx.measureText(text).width - 2), 11 * devicePixelRatio);
  }
}

// Small previews of each dataset for the picker (drawn from a tiny seeded generator, not the server's data).
export function drawThumbnail(canvas, name) {
  const ctx = canvas.getContext("2d");
  canvas.width = canvas.height = 52;
  ctx.fillStyle = "#f3f5f7";
  ctx.fillRect(0, 0, 52, 52);
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const dot = (x, y, c) => { ctx.fillStyle = rgb(c); ctx.fillRect(26 + x * 22 - 1.5, 26 - y * 22 - 1.5, 3, 3); };
  for (let i = 0; i < 120; i++) {
    const u = rand() * 2 - 1, v = rand() * 2 - 1, k = i % 2, t = rand();
    if (name === "xor") dot(u, v, u * v < 0 ? POS : NEG);
    else if (name === "circles") { const r = k ? 0.6 + 0.4 * t : 0.4 * t, a = 6.283 * rand(); dot(r * Math.cos(a), r * Math.sin(a), k ? POS : NEG); }
    else if (name === "moons") { const a = Math.PI * t; k ? dot((1 - Math.cos(a) - 0.5) / 1.25, (0.5 - Math.sin(a) - 0.25) / 1.25, POS) : dot((Math.cos(a) - 0.5) / 1.25, (Math.sin(a) - 0.25) / 1.25, NEG); }
    else if (name === "spirals") { const s = Math.sqrt(t) * 11, r = s / 11, a = s + Math.PI * k; dot(r * Math.cos(a), r * Math.sin(a), k ? POS : NEG); }
    else if (name === "blobs") { const c = i % 3, a = 2.094 * c; dot(0.6 * Math.cos(a) + 0.15 * u, 0.6 * Math.sin(a) + 0.15 * v, CLASS_COLOURS[c]); }
    else if (name === "regression") dot(u, v, diverging(Math.sin(Math.PI * u) * Math.cos(Math.PI * v / 2)));
    else if (name === "plane") dot(u, v, diverging((u + v) / 2));
    else if (name === "gaussians") dot(u, v, diverging(Math.exp(-((u + 0.6) ** 2 + (v - 0.6) ** 2) / 0.18)
      - Math.exp(-((u - 0.6) ** 2 + (v - 0.6) ** 2) / 0.18) - Math.exp(-((u + 0.6) ** 2 + (v + 0.6) ** 2) / 0.18)
      + Math.exp(-((u - 0.6) ** 2 + (v + 0.6) ** 2) / 0.18)));
    else if (name === "upload") { ctx.fillStyle = "#90a4ae"; ctx.font = "26px Helvetica"; ctx.fillText("⇪", 17, 35); break; }
  }
}

// Gradient norm ‖∂C/∂W^l‖ of each layer over the epochs, log scale: a layer whose line sinks decades below the
// others learns slowly (saturation, vanishing gradients); one that jumps up may be about to diverge.
export const LAYER_COLOURS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#be123c", "#4b5563"];

export function drawGradientNorms(canvas, history) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width = canvas.clientWidth * devicePixelRatio || 300;
  const H = canvas.height = canvas.clientHeight * devicePixelRatio || 80;
  ctx.clearRect(0, 0, W, H);
  if (!history.length) return;
  const values = history.flatMap((p) => p[1]).filter((v) => v > 0);
  if (!values.length) return;
  const lo = Math.log10(Math.min(...values)) - 0.2, hi = Math.log10(Math.max(...values)) + 0.2;
  const x0 = history[0][0], x1 = Math.max(history[history.length - 1][0], x0 + 1e-9);
  const px = (x) => 4 + ((x - x0) / (x1 - x0)) * (W - 8);
  const py = (v) => H - 4 - ((Math.log10(Math.max(v, 1e-30)) - lo) / (hi - lo)) * (H - 8);
  ctx.strokeStyle = "#eef2f7";
  for (let d = Math.ceil(lo); d <= hi; d++) { ctx.beginPath(); ctx.moveTo(0, py(10 ** d)); ctx.lineTo(W, py(10 ** d)); ctx.stroke(); }
  const layers = history[0][1].length;
  for (let l = 0; l < layers; l++) {
    ctx.beginPath();
    history.forEach((p, i) => (i ? ctx.lineTo(px(p[0]), py(p[1][l])) : ctx.moveTo(px(p[0]), py(p[1][l]))));
    ctx.strokeStyle = LAYER_COLOURS[l % LAYER_COLOURS.length];
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.stroke();
  }
}
