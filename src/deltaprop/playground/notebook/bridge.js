// The playground page inside a notebook output (anywidget): the page's own index.html, style.css and JavaScript
// modules, unchanged, in an <iframe> (its styles cannot touch the notebook, its ids cannot collide with another
// widget's).  Only the transport differs: inside the iframe, fetch("/api/...") and new EventSource(".../events")
// are answered by the kernel through widget messages (widget.py: the same playground/api.py as the page server).

// Rewrite every quoted "/static/NAME" or "./NAME" that names a shipped file into a blob: URL of that file, modules
// first rewritten the same way (so app.js imports the blob of draw.js, and so on).
function blobUrls(files) {
  const urls = {};
  const names = Object.keys(files).map((path) => path.slice("/static/".length));
  const pattern = new RegExp(`(["'])(?:\\./|/static/)(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})\\1`, "g");
  const rewrite = (text, seen) => text.replace(pattern, (_, quote, name) => `${quote}${url(name, seen)}${quote}`);
  const url = (name, seen = new Set()) => {
    if (urls[name]) return urls[name];
    if (seen.has(name)) throw new Error(`import cycle through ${name}`);
    seen.add(name);
    const text = files[`/static/${name}`];
    const type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css"
      : name.endsWith(".svg") ? "image/svg+xml" : "text/plain";
    const body = name.endsWith(".js") || name.endsWith(".css") ? rewrite(text, seen) : text;
    urls[name] = URL.createObjectURL(new Blob([body], { type }));
    return urls[name];
  };
  return { rewrite: (text) => rewrite(text, new Set()), urls };
}

// Runs first inside the iframe, before the page's modules: the page's fetch and EventSource, over the bridge.
const SHIM = `<script>(() => {
  const bridge = window.frameElement.__deltaprop;
  const pageFetch = window.fetch.bind(window);
  window.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input.url, "http://notebook.invalid/");
    const file = bridge.files[url.pathname];      // a shipped file the page fetches by a computed name (words-ja.json)
    if (file !== undefined) {
      const type = url.pathname.endsWith(".json") ? "application/json" : "text/plain";
      return new Response(file, { status: 200, headers: { "Content-Type": type } });
    }
    if (!url.pathname.startsWith("/api/")) return pageFetch(input, init);
    let body = init.body;
    if (body !== undefined && body !== null && typeof body !== "string") body = await new Response(body).text();
    const reply = await bridge.request(init.method || "GET", url.pathname + url.search, body ?? null);
    return new Response(reply.body, { status: reply.status, headers: { "Content-Type": reply.type } });
  };
  window.EventSource = class {
    constructor(url) {
      this.url = url; this.readyState = 1; this.listeners = {};
      this.stop = bridge.subscribe((data) => this.emit("state", data));
    }
    addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
    removeEventListener(type, listener) { this.listeners[type] = (this.listeners[type] || []).filter((l) => l !== listener); }
    emit(type, data) { for (const listener of this.listeners[type] || []) listener(new MessageEvent(type, { data })); }
    close() { this.readyState = 2; this.stop(); }
  };
  // The page keeps its configuration in the address (#...); an about:srcdoc frame has none to change.
  const replaceState = history.replaceState.bind(history);
  history.replaceState = (state, title, url) => { try { replaceState(state, title, url); } catch { /* no address */ } };
  // Downloads (the model file, the worked example) are API replies: fetch them and save them as files.
  document.addEventListener("click", async (event) => {
    const link = event.target.closest && event.target.closest('a[href^="/api/"]');
    if (!link) return;
    event.preventDefault();
    const reply = await fetch(link.getAttribute("href"));
    const save = document.createElement("a");
    save.href = URL.createObjectURL(await reply.blob());
    save.download = link.getAttribute("download") || link.getAttribute("href").split("/").pop();
    save.click();
  }, true);
})();</script>`;

// In a notebook the data, the layers and the loss are the learner's (changed in Python): the page's controls for
// them are hidden; the language of the explained step and the diagnostics stays.
const NOTEBOOK_STYLE = `<style>
.panel.data, #lesson, #share, #add-layer, #remove-layer, #mazur, #no-preset,
label:has(> #loss), label:has(> #seed) { display: none !important; }
/* the frame is as tall as the page, so the phone's bar fixed at the bottom would sit below the notebook's view */
.controls { position: static !important; box-shadow: none !important; border-top: 0 !important; }
body { padding-bottom: 0 !important; }
</style>`;

function pageDocument(files) {
  const { rewrite } = blobUrls(files);
  const html = rewrite(files["/static/index.html"]);
  return html.replace(/<head>/i, `<head>${SHIM}`).replace(/<\/head>/i, `${NOTEBOOK_STYLE}</head>`);
}

// Inputs other than two have no plane to draw: below the page, the first samples with target and prediction and,
// for classes, the confusion counts (rows: true class, columns: predicted), from the kernel's current weights, in
// the language chosen in the page.
const WORDS = {
  en: { confusion: (n) => `Confusion on the ${n} training samples`, axes: "rows: true class, columns: predicted",
        right: (r, n) => `${r} of ${n} right`, first: (k) => `The first ${k} samples`, target: "target",
        predicted: "predicted", open: "(", close: ")", sep: " · " },
  zh: { confusion: (n) => `${n} 个训练样本上的混淆矩阵`, axes: "行：真实类别，列：预测类别",
        right: (r, n) => `${n} 个中正确 ${r} 个`, first: (k) => `前 ${k} 个样本`, target: "目标", predicted: "预测",
        open: "（", close: "）", sep: " · " },
  ja: { confusion: (n) => `訓練サンプル ${n} 個の混同行列`, axes: "行：正解クラス、列：予測クラス",
        right: (r, n) => `${n} 個中 ${r} 個正解`, first: (k) => `最初の ${k} 個のサンプル`, target: "目標値",
        predicted: "予測", open: "（", close: "）", sep: " · " },
  fr: { confusion: (n) => `Matrice de confusion sur les ${n} exemples d’entraînement`,
        axes: "lignes\u202f: classe vraie, colonnes\u202f: classe prédite", right: (r, n) => `${r} sur ${n} justes`,
        first: (k) => `Les ${k} premiers exemples`, target: "cible", predicted: "prédiction", open: " (", close: ")",
        sep: " · " },
};
const CELL = "padding: 2px 8px; text-align: right; border-bottom: 1px solid #e2e8f0;";
function drawSamples(box, report, lang) {
  const w = WORDS[lang] || WORDS.en;
  const fmt = (v) => (Number.isInteger(v) ? String(v)
    : Number(v).toLocaleString(lang, { minimumFractionDigits: 4, maximumFractionDigits: 4, useGrouping: false }));
  const row = (cells, head = false) => `<tr>${cells.map((c) => `<${head ? "th" : "td"} style="${CELL}">${c}</${head ? "th" : "td"}>`).join("")}</tr>`;
  let html = `<div lang="${lang}" style="font: 13px/1.4 system-ui, sans-serif; color: #1e293b; padding: 8px 0;">`;
  if (report.confusion) {
    const k = report.confusion.length;
    const right = report.confusion.reduce((sum, r, i) => sum + r[i], 0);
    html += `<p style="margin: 4px 0;"><b>${w.confusion(report.n)}</b>${w.open}${w.axes}${w.close}${w.sep}`
      + `${w.right(right, report.n)}</p><table class="confusion" style="border-collapse: collapse;">`
      + row(["", ...Array.from({ length: k }, (_, j) => `→ ${j}`)], true)
      + report.confusion.map((r, i) => row([`${i}`, ...r.map(String)])).join("") + "</table>";
  }
  html += `<p style="margin: 8px 0 4px;"><b>${w.first(report.rows.length)}</b></p>`
    + `<table class="samples" style="border-collapse: collapse;">`
    + row(["#", ...report.inputs, w.target, w.predicted], true)
    + report.rows.map((r) => row([r.index, ...r.x.map(fmt), fmt(r.target), fmt(r.predicted)])).join("") + "</table></div>";
  box.innerHTML = html;
  box.hidden = false;
}

export default {
  render({ model, el }) {
    const pending = new Map(), listeners = new Set();
    const samples = document.createElement("div");
    samples.className = "deltaprop-samples";
    samples.hidden = true;
    let lastReport = null;
    const language = () => frame.contentDocument?.getElementById("lang")?.value || "en";
    let next = 0;
    const onMessage = (message, buffers) => {
      const body = buffers && buffers[0] ? buffers[0] : new DataView(new ArrayBuffer(0));
      if (message.kind === "response") {
        const resolve = pending.get(message.id);
        pending.delete(message.id);
        if (resolve) resolve({ status: message.status, type: message.type, body });
      } else if (message.kind === "samples") {
        lastReport = message;
        drawSamples(samples, message, language());
      } else if (message.kind === "state") {
        const text = new TextDecoder().decode(body);
        for (const listener of listeners) listener(text);
      }
    };
    model.on("msg:custom", onMessage);
    const bridge = {
      files: model.get("files"),
      request(method, url, body) {
        const id = ++next;
        return new Promise((resolve) => {
          pending.set(id, resolve);
          model.send({ kind: "request", id, method, url, body });
        });
      },
      subscribe(listener) {
        listeners.add(listener);
        model.send({ kind: "subscribe" });
        return () => listeners.delete(listener);
      },
    };
    const frame = document.createElement("iframe");
    frame.__deltaprop = bridge;
    frame.className = "deltaprop-playground";
    frame.title = "deltaprop playground";
    frame.style.cssText = `width: 100%; height: ${model.get("height")}px; border: 0; display: block;`;
    frame.srcdoc = pageDocument(model.get("files"));
    // Fit the iframe to the page it holds, so the notebook scrolls, not the frame.
    frame.addEventListener("load", () => {
      const doc = frame.contentDocument;
      const fit = () => { frame.style.height = `${Math.min(6000, Math.max(400, doc.documentElement.scrollHeight))}px`; };
      new ResizeObserver(fit).observe(doc.body);
      fit();
      doc.getElementById("lang")?.addEventListener("change", () => {
        if (lastReport) drawSamples(samples, lastReport, language());
      });
    });
    el.append(frame, samples);
    return () => { model.off("msg:custom", onMessage); listeners.clear(); pending.clear(); };
  },
};
