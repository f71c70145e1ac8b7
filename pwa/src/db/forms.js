/** Form definitions as pulled (shared by every technician: they hold no personal data). */

export function saveForms(t, definitions) {
  return Promise.all(definitions.map((d) => t.put('forms', d)));
}

export function getForm(db, type, version) {
  return db.read(['forms'], (t) => t.get('forms', [type, version]));
}

export function listForms(db) {
  return db.read(['forms'], (t) => t.all('forms'));
}
