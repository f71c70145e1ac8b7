/** Pure mirror of forms/validate.py and forms/fields.py: the same definition, outcome, answers and
 *  order context give errors on the same fields ({field: [French messages]}, {} when valid). No DOM.
 *  fixtures/forms/cases.json is replayed against both sides. */

const SHA256 = /^[0-9a-f]{64}$/;
const PHONE = /^[0-9+(). -]{6,30}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_SERIAL = 40;
const MAX_NAME = 120;
const MAX_EMAIL = 254;
const MAX_STROKES = 200;
const MAX_POINTS = 5000;
const MAX_COORDINATE = 100000;
const DEFAULT_MAX_PHOTOS = 10;
const MAX_DIALS = 15;
const MIN_SERIAL_FOR_TYPO = 6;   // on a shorter serial, one character off is another number, not a slip
/** What a technician must do to answer a required field that is still blank, by field type. */
const WHAT_TO_DO = { serial: 'Confirmez le n° du compteur ou saisissez celui que vous lisez.',
  index: 'Saisissez l\'index lu sur le cadran.', boolean: 'Répondez oui ou non.',
  text: 'Écrivez ce qu\'il faut savoir ici.', choice: 'Choisissez une réponse.',
  photo: 'Prenez une photo.', signature: 'Signez dans le cadre.',
  checklist: 'Cochez les étapes une à une.', person: 'Indiquez le nom de la personne.' };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isString = (v) => typeof v === 'string';
const isInteger = (v) => Number.isInteger(v);
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const isSha256 = (v) => isString(v) && SHA256.test(v);
const strip = (s) => s.trim();

/** Not answered: null, spaces, an empty list or object, an object whose values are all blank. */
export function isBlank(value) {
  if (value == null) return true;
  if (isString(value)) return !strip(value);
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(isBlank);
  return false;
}

function serial(field, value) {
  if (!isString(value)) return ['Le numéro de série doit être un texte.'];
  if (strip(value).length > MAX_SERIAL) return [`Numéro de série trop long (${MAX_SERIAL} caractères au plus).`];
  return [];
}

function range(low, high) {
  if (low == null) return `au plus ${high}`;
  return high == null ? `au moins ${low}` : `${low} – ${high}`;
}

function index(field, value, context, answers) {
  if (!isInteger(value)) return ['L\'index doit être un nombre entier.'];
  const { dials } = context;
  if (value < 0) return ['L\'index ne peut pas être négatif.'];
  if (dials && value >= 10 ** dials) return [`L'index a au plus ${dials} chiffres (compteur à ${dials} cadrans).`];
  const errors = [];
  const previous = context.previous_index;
  if (previous != null && value < previous && answers[field.rollover_field] !== true) {
    errors.push(`L'index ${value} est inférieur à l'index précédent (${previous}) : si le compteur a fait le tour, cochez le passage par zéro.`);
  }
  const low = context.plausible_min;
  const high = context.plausible_max;
  if ((low != null && value < low) || (high != null && value > high)) {
    if (answers[field.confirm_field] !== true) errors.push(`Index hors de la plage plausible (${range(low, high)}) : vérifiez-le puis confirmez-le.`);
    const photos = answers[field.photo_field];
    if (!Array.isArray(photos) || !photos.length) errors.push('Un index hors de la plage plausible doit être prouvé par une photo du cadran.');
  }
  return errors;
}

const boolean = (field, value) => (typeof value === 'boolean' ? [] : ['Répondez par oui ou non.']);

function text(field, value) {
  if (!isString(value)) return ['Texte attendu.'];
  return value.length > field.max_length ? [`Texte trop long (${field.max_length} caractères au plus).`] : [];
}

function choice(field, value) {
  return isString(value) && field.options.some((o) => o.value === value) ? [] : ['Choix invalide : choisissez une des options.'];
}

function photo(field, value) {
  if (!Array.isArray(value) || !value.every(isSha256)) return ['Photos invalides : empreintes SHA-256 attendues.'];
  if (new Set(value).size !== value.length) return ['La même photo est jointe deux fois.'];
  const low = field.min ?? 0;
  const high = field.max ?? DEFAULT_MAX_PHOTOS;
  if (value.length > high) return [`${high} photo(s) au plus.`];
  if (value.length < low) return [`Au moins ${low} photo(s).`];
  return [];
}

const isPoint = (p) => Array.isArray(p) && p.length === 2 && p.every((c) => isNumber(c) && Math.abs(c) <= MAX_COORDINATE);

function strokeProblems(strokes) {
  if (!Array.isArray(strokes) || !strokes.length) return ['Signez dans le cadre.'];
  if (strokes.length > MAX_STROKES) return ['Tracé de signature trop long.'];
  let points = 0;
  for (const stroke of strokes) {
    if (!Array.isArray(stroke) || !stroke.length || !stroke.every(isPoint)) return ['Tracé de signature invalide.'];
    points += stroke.length;
  }
  return points > MAX_POINTS ? ['Tracé de signature trop long.'] : [];
}

function signature(field, value) {
  if (!isObject(value) || Object.keys(value).some((k) => !['sha256', 'signer_name', 'strokes'].includes(k))) return ['Signature invalide.'];
  const errors = [];
  if (!isSha256(value.sha256)) errors.push('Signature invalide : image de la signature manquante.');
  const name = value.signer_name;
  if (!isString(name) || !strip(name) || name.length > MAX_NAME) errors.push('Indiquez le nom du signataire.');
  return errors.concat(strokeProblems(value.strokes));
}

function checklist(field, value) {
  const steps = field.steps.map((s) => s.id);
  if (!Array.isArray(value) || !value.every(isString)) return ['Liste d\'étapes invalide.'];
  if (value.some((s) => !steps.includes(s))) return ['Étape inconnue pour cette liste.'];
  if (new Set(value).size !== value.length) return ['Une étape est cochée deux fois.'];
  if (field.ordered && value.some((v, i) => v !== steps[i])) return ['Les étapes doivent être cochées dans l\'ordre du mode opératoire.'];
  return [];
}

const isPhone = (t) => PHONE.test(strip(t)) && [...strip(t)].filter((c) => c >= '0' && c <= '9').length >= 6;
const isEmail = (t) => strip(t).length <= MAX_EMAIL && EMAIL.test(strip(t));

function person(field, value) {
  if (!isObject(value) || Object.keys(value).some((k) => !['name', 'phone', 'email'].includes(k))) return ['Coordonnées invalides.'];
  const errors = [];
  const { name, phone, email } = value;
  if (!isString(name) || !strip(name) || name.length > MAX_NAME) errors.push('Indiquez le nom de la personne.');
  if (!(phone == null || (isString(phone) && (!strip(phone) || isPhone(phone))))) errors.push('Numéro de téléphone invalide.');
  if (!(email == null || (isString(email) && (!strip(email) || isEmail(email))))) errors.push('Adresse électronique invalide.');
  return errors;
}

export const VALIDATORS = { serial, index, boolean, text, choice, photo, signature, checklist, person };

const isComplete = (field, value) => field.type !== 'checklist' || value.length === field.steps.length;

/** JSON values compared strictly (true is not 1). */
function same(a, b) {
  return typeof a === typeof b && a === b && (a !== null || b === null);
}

export function conditionHolds(condition, answers) {
  return Boolean(condition) && Object.keys(condition).length > 0
    && Object.entries(condition).every(([k, v]) => same(answers[k] ?? null, v));
}

/** Listed by the outcome, or made required by another answer (required_when). */
export function isRequired(definition, field, outcomeCode, answers) {
  const outcome = definition.outcomes.find((o) => o.code === outcomeCode);
  return Boolean(outcome && outcome.requires.includes(field.id)) || conditionHolds(field.required_when, answers);
}

function reasonProblem(outcome, reasonCode) {
  const reasons = (outcome.reasons || []).map((r) => r.code);
  if (reasons.length && reasonCode == null) return 'Précisez le motif.';
  if (reasons.length && (!isString(reasonCode) || !reasons.includes(reasonCode))) return 'Motif inconnu pour ce résultat.';
  if (!reasons.length && reasonCode != null) return 'Ce résultat ne prend pas de motif.';
  return null;
}

/** One character replaced, added, removed, or two neighbours swapped: a typing slip, not another meter. */
export function oneEditApart(a, b) {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let start = 0;
  while (start < Math.min(a.length, b.length) && a[start] === b[start]) start += 1;
  if (a.length === b.length) {
    const swapped = a.slice(start + 1, start + 2) + a.slice(start, start + 1) === b.slice(start, start + 2);
    return a.slice(start + 1) === b.slice(start + 1) || (swapped && a.slice(start + 2) === b.slice(start + 2));
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(start + 1) === shorter.slice(start);
}

function serialMismatch(outcomeCode, value, context) {
  const expected = context.meter_serial;
  const found = strip(value).toUpperCase();
  const wanted = strip(expected || '').toUpperCase();
  if (outcomeCode === 'anomaly' || !expected || found === wanted) return [];
  if (wanted.length >= MIN_SERIAL_FOR_TYPO && oneEditApart(found, wanted)) return [`Vérifiez la saisie : ${strip(value)} diffère d'un caractère du n° attendu (${strip(expected)}). Si c'est bien le n° lu sur le compteur, déclarez une anomalie.`];
  return [`Le compteur trouvé (${strip(value)}) n'est pas celui de l'ordre (${strip(expected)}) : déclarez une anomalie.`];
}

function fieldProblems(field, outcome, answers, context) {
  const value = answers[field.id];
  if (isBlank(value)) {
    if (outcome.requires.includes(field.id)) return [WHAT_TO_DO[field.type]];
    if (conditionHolds(field.required_when, answers)) return ['Obligatoire d\'après les autres réponses.'];
    return [];
  }
  const problems = VALIDATORS[field.type](field, value, context, answers);
  if (problems.length) return problems;
  const required = outcome.requires.includes(field.id) || conditionHolds(field.required_when, answers);
  if (required && !isComplete(field, value)) problems.push(`Cochez toutes les étapes (${value.length}/${field.steps.length}).`);
  if (field.allowed_when && value !== false && !conditionHolds(field.allowed_when, answers)) problems.push('Sans objet ici : effacez ce champ.');
  if ((field.must_be_true_for || []).includes(outcome.code) && value !== true) problems.push(`Doit être confirmé pour le résultat « ${outcome.label} ».`);
  if (field.id === 'meter_serial') problems.push(...serialMismatch(outcome.code, value, context));
  return problems;
}

/** The order context with anything malformed dropped (a missing fact only skips its check). */
export function orderFacts(given) {
  const g = isObject(given) ? given : {};
  const facts = {
    meter_serial: isString(g.meter_serial) && strip(g.meter_serial) ? g.meter_serial : null,
    dials: isInteger(g.dials) && g.dials >= 1 && g.dials <= MAX_DIALS ? g.dials : null,
  };
  for (const key of ['previous_index', 'plausible_min', 'plausible_max']) facts[key] = isInteger(g[key]) && g[key] >= 0 ? g[key] : null;
  return facts;
}

/** {} when the submission is acceptable, else messages keyed by field id, "outcome", "reason_code" or "answers". */
export function validateSubmission(definition, outcomeCode, answers, orderContext, reasonCode = null) {
  const outcome = definition.outcomes.find((o) => o.code === outcomeCode);
  if (!isString(outcomeCode) || !outcome) return { outcome: ['Résultat inconnu pour ce formulaire.'] };
  if (!isObject(answers)) return { answers: ['Réponses invalides : un objet {champ: valeur} est attendu.'] };
  const context = orderFacts(orderContext);
  const errors = {};
  const reason = reasonProblem(outcome, reasonCode);
  if (reason) errors.reason_code = [reason];
  const known = new Set(definition.fields.map((f) => f.id));
  for (const key of Object.keys(answers)) if (!known.has(key)) errors[key] = ['Champ inconnu pour ce formulaire.'];
  for (const field of definition.fields) {
    const problems = fieldProblems(field, outcome, answers, context);
    if (problems.length) errors[field.id] = problems;
  }
  return errors;
}

/** The order context validation needs, from an ORDER of the pull. */
export function orderContext(order) {
  const meter = order.meter || {};
  return { meter_serial: meter.serial ?? null, dials: meter.dials ?? null, previous_index: meter.previous_index ?? null,
    plausible_min: meter.plausible_min ?? null, plausible_max: meter.plausible_max ?? null };
}
