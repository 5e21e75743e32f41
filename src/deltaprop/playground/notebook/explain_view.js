// dp.explain(...) in a notebook: the explainer's HTML with a language switch, a numbering switch and stages that
// collapse and expand.  The kernel renders (views.py: ExplanationView); this only shows it and sends the choices.
const NUMBERING = { deltaprop: "1 = first hidden layer (deltaprop)", nielsen: "1 = input layer (Nielsen)" };
const LANGUAGE = { en: "English", zh: "中文", ja: "日本語", fr: "Français" };

function select(label, values, names, value, onChange) {
  const wrap = document.createElement("label");
  const box = document.createElement("select");
  for (const v of values) box.add(new Option(names[v] || v, v));
  box.value = value;
  box.addEventListener("change", () => onChange(box.value));
  wrap.append(label, box);
  return [wrap, box];
}

// Each stage (an h2 and what follows it, up to the next h2 or the footer) becomes an open <details>.
function stages(root) {
  const top = root.querySelector(".deltaprop-explanation");
  if (!top) return [];
  let current = null;
  const out = [];
  for (const node of [...top.childNodes]) {
    if (node.nodeName === "H2") {
      current = document.createElement("details");
      current.open = true;
      current.className = "stage";
      const summary = document.createElement("summary");
      top.insertBefore(current, node);
      summary.append(node);
      current.append(summary);
      out.push(current);
    } else if (node.nodeName === "FOOTER" || node.nodeName === "STYLE") {
      current = null;
    } else if (current) {
      current.append(node);
    }
  }
  return out;
}

export default {
  render({ model, el }) {
    el.classList.add("deltaprop-explain-view");
    const bar = document.createElement("div");
    bar.className = "bar";
    const body = document.createElement("div");
    const send = (key) => (value) => { model.set(key, value); model.save_changes(); };
    const [lang, langBox] = select("Language ", model.get("languages"), LANGUAGE, model.get("lang"), send("lang"));
    const [numbering, numberingBox] = select("Layers ", model.get("numberings"), NUMBERING, model.get("numbering"),
      send("numbering"));
    const toggle = (open) => () => body.querySelectorAll("details.stage").forEach((d) => { d.open = open; });
    const collapse = document.createElement("button");
    collapse.textContent = "Collapse all";
    collapse.className = "collapse";
    collapse.addEventListener("click", toggle(false));
    const expand = document.createElement("button");
    expand.textContent = "Expand all";
    expand.className = "expand";
    expand.addEventListener("click", toggle(true));
    bar.append(lang, numbering, collapse, expand);
    const draw = () => {
      const closed = new Set([...body.querySelectorAll("details.stage:not([open])")].map((d, i) => d.dataset.index));
      body.innerHTML = model.get("html");
      stages(body).forEach((d, i) => { d.dataset.index = String(i); if (closed.has(String(i))) d.open = false; });
      langBox.value = model.get("lang");
      numberingBox.value = model.get("numbering");
    };
    model.on("change:html", draw);
    draw();
    el.append(bar, body);
    return () => model.off("change:html", draw);
  },
};
