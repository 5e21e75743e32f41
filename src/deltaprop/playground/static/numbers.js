// Every number the page writes, formatted in one place: the language's decimal mark (French: a comma) and a real
// minus sign.  i18n.js sets the language (useLanguage) and fills numbers into its templates with fmt.
let decimalComma = false;

export function useLanguage(lang) { decimalComma = lang === "fr"; }

// A number already written as text (toFixed, toExponential…) → the language's marks.
export function local(text) {
  text = String(text).replace(/-/g, "−");
  return decimalComma ? text.replace(".", ",") : text;
}

// E-notation as a teacher writes it: 3.00888e-8 → 3.00888 × 10⁻⁸ (display only: input fields keep plain numbers).
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
export function powers(text) {
  const m = /^(-?[\d.]+)e([+-]?)(\d+)$/.exec(text);
  if (!m) return text;
  const exponent = (m[2] === "-" ? "-" : "") + String(Number(m[3]));
  return `${m[1]} × 10${[...exponent].map((c) => SUPERSCRIPT[c]).join("")}`;
}

// A number for text: as given (or to `digits` significant digits).
export function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  return local(powers(digits ? Number(value).toPrecision(digits) : String(value)));
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
  ? local(value.toFixed(places)) : local(powers(value.toExponential(2))));
