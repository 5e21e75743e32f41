// The interactive sheet: every answer the learner has checked is graded again, together, by `deltaprop check`'s
// rules (grade.js) each time one is checked -- so an answer that follows correctly from the learner's own earlier
// slip is marked follow-through and credited, and the slip is named once, where it was made.
"use strict";

(() => {
  const data = JSON.parse(document.getElementById("sheet-data").textContent);
  const sheet = data.sheet, t = data.text;
  const fmt = (s, args) => s.replace(/\{(\w+)\}/g, (_, k) => args[k]);
  const items = new Map(sheet.questions.map((q) => [q.id, document.querySelector(`li[data-id="${CSS.escape(q.id)}"]`)]));
  const checked = new Set();              // the answers the learner has checked (and not emptied since)

  function show(q, li, r) {
    const out = li.querySelector(".feedback"), shown = `${r.status} ${r.slip} ${r.repeat}`;
    if (li.dataset.shown === shown) return;       // unchanged: nothing new for a screen reader to announce
    li.dataset.shown = shown;
    li.dataset.status = r.status;
    out.className = `feedback ${r.status}`;
    out.innerHTML = "";
    const add = (cls, text) => { const p = document.createElement("div"); p.className = cls; p.textContent = text; out.append(p); };
    if (r.status === "right") { add("verdict", t.right); return; }
    if (r.status === "follow-through") { add("verdict", t.follow); return; }
    add("verdict", t.wrong);
    add("equation", t.equation + t.sep);
    out.lastChild.insertAdjacentHTML("beforeend", t.equations[q.equation]);      // MathML made (and escaped) by Python
    add("needs", t.needs + t.sep + q.needs.join(t.list_sep));
    if (r.slip) add("slip", r.repeat ? t.same_slip : fmt(t.slip, { slip: t.slips[r.slip] }));
  }

  function regrade() {
    const answers = {};
    for (const id of checked) answers[id] = DeltapropGrade.parse(items.get(id).querySelector("input").value);
    const result = DeltapropGrade.grade(sheet, answers);
    result.results.forEach((r, i) => { if (checked.has(r.id)) show(sheet.questions[i], items.get(r.id), r); });
    document.getElementById("score").textContent = fmt(t.score, {
      right: result.score, credited: result.score_with_follow_through, total: result.total });
    return result;
  }

  function check(q, li) {
    const input = li.querySelector("input"), out = li.querySelector(".feedback");
    if (DeltapropGrade.parse(input.value) === null) {
      checked.delete(q.id);
      delete li.dataset.status;
      delete li.dataset.shown;
      out.className = "feedback";
      out.textContent = t.empty;
    } else {
      checked.add(q.id);
    }
    regrade();
  }

  sheet.questions.forEach((q, i) => {
    const li = items.get(q.id);
    li.querySelector("button.check").addEventListener("click", () => check(q, li));
    li.querySelector("input").addEventListener("keydown", (e) => { if (e.key === "Enter") check(q, li); });
    li.querySelector("button.show").addEventListener("click", () => {
      li.querySelector(".answer").textContent = data.answers[i];
      li.querySelector(".answer").hidden = false;
    });
  });
  regrade();
})();
