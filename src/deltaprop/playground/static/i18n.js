// The page's words in the learner's language: static/words-<lang>.json (one table per language, with the
// terminology of the explainer's tables); numbers in them written the language's way by numbers.js.
import { fmt, useLanguage } from "./numbers.js";

const tables = {};
let current = "en";

export const LANGS = ["en", "zh", "ja", "fr"];

export async function loadLanguage(lang) {
  if (!LANGS.includes(lang)) lang = "en";
  if (!tables[lang]) {
    const response = await fetch(`/static/words-${lang}.json`);
    tables[lang] = (await response.json()).words;
  }
  if (!tables.en) tables.en = (await (await fetch("/static/words-en.json")).json()).words;
  current = lang;
  useLanguage(lang);
  document.documentElement.lang = lang;
  return lang;
}

export const lang = () => current;

// t("key", {name: value}) → the template with {name} filled in; numbers in params are formatted.
export function t(key, params = {}) {
  const table = tables[current] || {}, template = table[key] ?? tables.en?.[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    const v = params[name];
    return typeof v === "number" ? fmt(v) : v === undefined ? `{${name}}` : String(v);
  });
}

// Fill every [data-t] (text), [data-t-label] (aria-label) and [data-t-title] (title) under root.
export function apply(root = document) {
  root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  root.querySelectorAll("[data-t-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.tLabel)));
  root.querySelectorAll("[data-t-title]").forEach((el) => { el.title = t(el.dataset.tTitle); });
}
