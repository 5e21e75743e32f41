// The page's link: the whole configuration and the page settings (language, layer numbering, hidden controls) kept
// in the address after "#", so a copied link opens the same run -- and a teacher's link hides what the class skips.
import { LANGS } from "./i18n.js";

// Keys whose values are numbers in the configuration (the address holds only text).
const NUMERIC = ["samples", "noise", "train_fraction", "learning_rate", "batch_size", "l2", "l1", "seed", "classes",
  "data_seed", "speed"];
const PAGE = { lang: "en", numbering: "nielsen", hide: [] };
export const HIDEABLE = ["language", "speed", "learning_rate", "optimizer", "loss", "batch_size", "l2", "l1", "seed",
  "data", "lessons", "discretize", "diagnostics", "exports"];

export const isNumeric = (key) => NUMERIC.includes(key);
export const defaultPage = () => ({ ...PAGE, hide: [] });

// The address → { config, page }; keys the server does not know (defaults) are left out, never guessed.
export function readHash(defaults) {
  const config = {}, page = defaultPage();
  for (const [key, value] of new URLSearchParams(location.hash.slice(1))) {
    if (key === "lang" && LANGS.includes(value)) page.lang = value;
    else if (key === "numbering" && ["nielsen", "engine"].includes(value)) page.numbering = value;
    else if (key === "hide") page.hide = value.split(",").filter((v) => HIDEABLE.includes(v));
    else if (!(key in defaults)) continue;
    else if (key === "hidden") config.hidden = value === "" ? [] : value.split(",").map(Number);
    else if (key === "activations") config.activations = value === "" ? [] : value.split(",");
    else if (key === "features") config.features = value === "" ? [] : value.split(",");
    else if (key === "discretize") config.discretize = value === "true";
    else config[key] = isNumeric(key) ? Number(value) : value;
  }
  return { config, page };
}

// The full link for the page's configuration, with the page settings given (the classroom box passes its own).
export function link(app, page = app.page) {
  const params = new URLSearchParams();
  for (const key of Object.keys(app.options.defaults)) {
    const value = app.config[key];
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  params.set("lang", page.lang);
  params.set("numbering", page.numbering);
  if (page.hide.length) params.set("hide", page.hide.join(","));
  return `${location.origin}${location.pathname}#${params.toString()}`;
}

export function writeHash(app) { history.replaceState(null, "", link(app).slice(location.origin.length)); }
