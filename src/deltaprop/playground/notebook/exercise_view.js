// dp.exercise(...) in a notebook: the interactive sheet (the exercise's own page, in an iframe so its styles and
// script stay inside), whose Check buttons ask the kernel: views.py's ExerciseView grades the answers so far with
// the grader of `deltaprop check` (follow-through credit included) and every answer's feedback is redrawn.  Show-answer and the rest of the page work as they do offline.
const HOOK = `<script>(() => {
  const kernel = window.frameElement.__deltaprop;
  const ask = (li) => {
    const input = li.querySelector("input"), out = li.querySelector(".feedback");
    const value = Number(input.value.replace(",", ".").replace("−", "-"));
    if (input.value.trim() === "" || !Number.isFinite(value)) { out.className = "feedback"; out.textContent = "…"; return; }
    out.className = "feedback pending";
    kernel.check(li.dataset.id, value);
  };
  const mine = (event) => event.target.closest && event.target.closest("li[data-id]");
  document.addEventListener("click", (event) => {
    const li = mine(event);
    if (!li || !event.target.closest("button.check")) return;
    event.stopImmediatePropagation();
    ask(li);
  }, true);
  document.addEventListener("keydown", (event) => {
    const li = mine(event);
    if (!li || event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    event.stopImmediatePropagation();
    ask(li);
  }, true);
  window.__marked = (reply) => {
    const li = document.querySelector('li[data-id="' + CSS.escape(reply.id) + '"]');
    const out = li.querySelector(".feedback");
    out.className = "feedback " + reply.status;
    out.innerHTML = "";
    for (const [cls, text] of reply.lines) {
      const line = document.createElement("div");
      line.className = cls;
      line.textContent = text;
      out.append(line);
    }
    if (reply.score) document.getElementById("score").textContent = reply.score;
  };
})();</script>`;

export default {
  render({ model, el }) {
    const frame = document.createElement("iframe");
    frame.className = "deltaprop-exercise-view";
    frame.title = "deltaprop exercise";
    frame.style.cssText = "width: 100%; height: 700px; border: 0; display: block;";
    frame.__deltaprop = { check: (id, value) => model.send({ kind: "check", id, value }) };
    const onMessage = (message) => {
      if (message.kind === "marked" && frame.contentWindow && frame.contentWindow.__marked) {
        for (const reply of message.all || [message]) frame.contentWindow.__marked(reply);   // follow-through
      }
    };
    model.on("msg:custom", onMessage);
    frame.srcdoc = model.get("page").replace(/<head>/i, `<head>${HOOK}`);
    frame.addEventListener("load", () => {
      const doc = frame.contentDocument;
      const fit = () => { frame.style.height = `${Math.min(6000, Math.max(300, doc.documentElement.scrollHeight))}px`; };
      new ResizeObserver(fit).observe(doc.body);
      fit();
    });
    el.appendChild(frame);
    return () => model.off("msg:custom", onMessage);
  },
};
