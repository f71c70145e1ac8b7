/** The tablet's one translation mechanism: French source strings are the keys (gettext style), a
 *  catalog per other language maps them, a missing entry falls back to French. `{name}` marks a
 *  value filled in at run time. */
const catalogs = { fr: {} };
let current = catalogs.fr;

export function useLanguage(language, catalog = null) {
  if (catalog) catalogs[language] = catalog;
  current = catalogs[language] || catalogs.fr;
}

export function t(text, values = {}) {
  const template = current[text] ?? text;
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/** A date (YYYY-MM-DD or ISO date-time) as dd/mm/yyyy, the date part as written (no time-zone shift);
 *  anything else is returned unchanged. */
export function formatDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value ?? ''));
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}
