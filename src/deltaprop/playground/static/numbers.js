// Every number the page writes, formatted in one place: the language's decimal mark (French: a comma) and a real
// minus sign.  i18n.js sets the language (useLanguage) and fills numbers into its templates with fmt.
let decimalComma = false;

export function useLanguage(lang) { decimalComma = lang === "fr"; }

// A number already written as text (toFixed, toExponential…) → the language's marks.
export function local(text) {
  text = String(text).replace(/-/g, "−");
  return decimalComma ? text.replace(".", ",") : text;
}

// A number for text: as given (or to `digits` significant digits).
export function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  return local(digits ? Number(value).toPrecision(digits) : String(value));
}

// `places` decimals (losses, slider values).
export const fixed = (value, places) => (value === null || value === undefined ? "–"
  : local(Number(value).toFixed(places)));

// A share as a percentage, with the language's spacing before %.
export function percent(share, places = 1) {
  const text = fixed(100 * share, places);
  return decimalComma ? `${text} %` : `${text}%`;
}

// The inspector's numbers: 9 significant digits, as Mazur prints his.
export const precise = (value) => fmt(value, 9);

// A number in a small space (the explained step's tables, the tags on neurons and links): `places` decimals, or
// 3 significant digits in scientific notation when it would read as 0.
export const short = (value, places = 4) => (Math.abs(value) >= 10 ** -places || value === 0
  ? local(value.toFixed(places)) : local(value.toExponential(2)));
