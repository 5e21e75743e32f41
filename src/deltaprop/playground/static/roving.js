// The network diagram's keyboard: one roving tab stop (WAI-ARIA's grid pattern, by columns).  The columns are the
// links of layer 1, its neurons, the links of layer 2, ... ; ←/→ move between columns, ↑/↓ within one, Home/End
// to its ends, Enter or Space opens the inspector.  The stop stays where the learner left it across rebuilds.

export class RovingFocus {
  constructor(root, preview) {
    this.root = root;
    this.preview = preview;     // (l, j) on a focused neuron, (null) when it loses focus: the heatmap preview
    this.columns = [];
    this.current = null;        // {kind, l, j} or {kind, l, to, from}: the tab stop
  }

  // The one element in the tab order (the last one used, or the first hidden neuron).
  rove(focus = false) {
    const all = this.columns.flat();
    all.forEach((el) => el.setAttribute("tabindex", "-1"));
    const el = (this.current && this.find(this.current)) || this.columns[1]?.[0] || all[0];
    if (!el) return;
    el.setAttribute("tabindex", "0");
    if (focus) el.focus();
  }

  find(target) {
    const sel = target.kind === "neuron" ? `.node[data-layer="${target.l}"][data-neuron="${target.j}"]`
      : `.hit[data-layer="${target.l}"][data-to="${target.to}"][data-from="${target.from}"]`;
    return this.root.querySelector(sel);
  }

  // Focus the element that stands where `el` stood (after a rebuild).
  focusLike(el) {
    const d = el.dataset || {};
    const target = d.neuron !== undefined ? { kind: "neuron", l: +d.layer, j: +d.neuron }
      : { kind: "link", l: +d.layer, to: +d.to, from: +d.from };
    const found = this.find(target);
    if (found) { this.current = target; this.rove(); found.focus(); }
  }

  // `el` joins the keyboard grid; `open` is what Enter, Space and a click do.
  bind(el, target, open) {
    el.addEventListener("click", () => { this.current = target; open(); });
    el.addEventListener("focus", () => {
      this.current = target;
      this.rove();
      if (target.kind === "neuron") this.preview(target.l, target.j);
    });
    el.addEventListener("blur", () => { if (target.kind === "neuron") this.preview(null); });
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(el); return; }
      const next = this.next(el, event.key);
      if (next === undefined) return;
      event.preventDefault();
      if (next) { next.focus(); next.scrollIntoView?.({ block: "nearest", inline: "nearest" }); }
    });
  }

  // The element a key moves to from `el` (null: none there; undefined: not a moving key).
  next(el, key) {
    const columns = this.columns, c = columns.findIndex((column) => column.includes(el)), i = columns[c].indexOf(el);
    if (key === "ArrowDown") return columns[c][i + 1] || null;
    if (key === "ArrowUp") return columns[c][i - 1] || null;
    if (key === "Home") return columns[c][0];
    if (key === "End") return columns[c][columns[c].length - 1];
    if (key !== "ArrowRight" && key !== "ArrowLeft") return undefined;
    const column = columns[c + (key === "ArrowRight" ? 1 : -1)];
    return column && column.length ? column[Math.min(column.length - 1, Math.round(i * column.length / columns[c].length))] : null;
  }
}
