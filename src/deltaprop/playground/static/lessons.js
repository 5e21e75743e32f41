// The lesson menu and box. Choosing a lesson in the menu only shows it (arrowing through the menu applies
// nothing); "Start the lesson" loads its data and network. Its steps are shown one at a time.
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export class Lessons {
  constructor(page) {
    this.page = page;              // {configure, getState, defaults, speed, api}
    this.items = [];
    this.id = "";
    this.step = 0;
    this.started = null;
    $("lesson").addEventListener("change", () => this.show($("lesson").value));
    $("lesson-start").addEventListener("click", () => this.start());
    $("lesson-prev").addEventListener("click", () => this.go(-1));
    $("lesson-next").addEventListener("click", () => this.go(1));
  }

  async load(lang) {
    this.items = (await this.page.api(`/api/lessons?lang=${lang}`)).lessons;
    const select = $("lesson");
    select.length = 1;
    select.options[0].textContent = t("choose_lesson");
    for (const lesson of this.items) select.add(new Option(lesson.title, lesson.id));
    select.value = this.id;
    this.draw();
  }

  lesson() { return this.items.find((item) => item.id === this.id); }

  // Show a lesson's text without changing the run (the menu, a diagnostics warning's "Open the lesson").
  show(id) {
    if (id !== this.id) this.step = 0;
    this.id = id;
    $("lesson").value = id;
    this.draw();
  }

  async start() {
    const lesson = this.lesson();
    if (!lesson) return;
    this.step = 0;
    const ok = await this.page.configure({ ...this.page.defaults(), ...lesson.config, speed: this.page.speed() });
    if (ok) this.started = lesson.id;
    this.draw();
    $("lesson-try").focus();
  }

  go(delta) {
    const lesson = this.lesson();
    if (!lesson) return;
    this.step = Math.max(0, Math.min(lesson.steps.length - 1, this.step + delta));
    this.draw();
  }

  draw() {
    const lesson = this.lesson();
    $("lesson-box").hidden = !lesson;
    $("lesson-start").disabled = !lesson;
    $("lesson-start").textContent = t(lesson && this.started === lesson.id ? "restart_lesson" : "start_lesson");
    if (!lesson) return;
    const n = lesson.steps.length, step = lesson.steps[this.step];
    $("lesson-title").textContent = lesson.title;
    $("lesson-text").textContent = lesson.text;
    $("lesson-step-no").textContent = t("step_of", { k: this.step + 1, n });
    $("lesson-try").textContent = step.text;
    $("lesson-try").tabIndex = -1;
    $("lesson-box").dataset.step = this.step;
    $("lesson-started").textContent = this.started === lesson.id ? "" : t("lesson_not_started");
    $("lesson-prev").disabled = this.step === 0;
    $("lesson-next").disabled = this.step === n - 1;
  }
}
