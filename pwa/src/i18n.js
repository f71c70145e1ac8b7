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
