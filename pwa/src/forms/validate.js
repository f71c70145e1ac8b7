/** Pure mirror of forms/validate.py and forms/fields.py: the same definition, outcome, answers
 *  and order context give errors on the same fields ({field: [French messages]}, {} when valid).
 *  No DOM. fixtures/forms/cases.json is replayed against both sides. */

const MISSING = 'Champ obligatoire pour ce résultat.';
const SHA256 = /^[0-9a-f]{64}$/;
const MAX_STROKES = 200;
const MAX_POINTS = 5000;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isString = (v) => typeof v === 'string';
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

function serial(field, value) {
  return !isString(value) || !value.trim() || value.length > 40 ? ['Numéro de série invalide.'] : [];
}

function index(field, value, context, answers) {
  if (!Number.isInteger(value)) return ['L\'index doit être un nombre entier.'];
  const { dials } = context;
  if (value < 0 || (dials && value >= 10 ** dials)) {
    return [dials ? `L'index doit avoir au plus ${dials} chiffres.` : 'L\'index doit être positif.'];
  }
  const errors = [];
  const previous = context.previous_index;
  const rolled = answers[field.rollover_field] === true;
  if (previous != null && value < previous && !rolled) {
    errors.push(`L'index ${value} est inférieur au précédent (${previous}) : confirmez le passage par zéro.`);
  }
  const low = context.plausible_min;
  const high = context.plausible_max;
  const outside = !rolled && ((low != null && value < low) || (high != null && value > high));
  if (outside) {
    const confirmed = answers[field.confirm_field] === true;
    const photos = answers[field.photo_field] || [];
    if (!confirmed || !photos.length) errors.push(`Index hors de la plage attendue (${low}–${high}) : confirmez-le et joignez une photo.`);
  }
  return errors;
}

const boolean = (field, value) => (typeof value === 'boolean' ? [] : ['Répondez par oui ou non.']);

function text(field, value) {
  if (!isString(value)) return ['Texte attendu.'];
  const limit = field.max_length || 2000;
  return value.length > limit ? [`Au plus ${limit} caractères.`] : [];
}

const choice = (field, value) => ((field.options || []).some((o) => o.value === value) ? [] : ['Choix invalide.']);

function photo(field, value) {
  if (!Array.isArray(value) || !value.every((h) => isString(h) && SHA256.test(h))) return ['Liste de photos invalide.'];
  const low = field.min || 0;
  const high = field.max || 10;
  if (value.length > high) return [`Au plus ${high} photo(s).`];
  if (value.length && value.length < low) return [`Au moins ${low} photo(s).`];
  return [];
}

function signature(field, value) {
  if (!isObject(value) || !SHA256.test(String(value.sha256 ?? ''))) return ['Signature invalide.'];
  if (!isString(value.signer_name) || !value.signer_name.trim()) return ['Le nom du signataire est requis.'];
  const strokes = value.strokes ?? [];
  if (!Array.isArray(strokes) || strokes.length > MAX_STROKES) return ['Tracé de signature invalide.'];
  let points = 0;
  for (const stroke of strokes) {
    if (!Array.isArray(stroke)) return ['Tracé de signature invalide.'];
    if (!stroke.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNumber))) return ['Tracé de signature invalide.'];
    points += stroke.length;
  }
  return points > MAX_POINTS ? ['Tracé de signature trop long.'] : [];
}

function checklist(field, value) {
  const steps = (field.steps || []).map((s) => s.id);
  if (!Array.isArray(value) || !value.every(isString)) return ['Liste d\'étapes invalide.'];
  if (value.some((v) => !steps.includes(v)) || new Set(value).size !== value.length) return ['Étape inconnue ou cochée deux fois.'];
  if (field.ordered && value.some((v, i) => v !== steps[i])) return ['Les étapes doivent être cochées dans l\'ordre du mode opératoire.'];
  return [];
}

function person(field, value) {
  if (!isObject(value) || !isString(value.name) || !value.name.trim()) return ['Le nom est requis.'];
  for (const key of ['phone', 'email']) {
    if (value[key] != null && (!isString(value[key]) || value[key].length > 254)) return ['Coordonnées invalides.'];
  }
  if (Object.keys(value).some((k) => !['name', 'phone', 'email'].includes(k))) return ['Champ inconnu dans les coordonnées.'];
  return [];
}

export const VALIDATORS = { serial, index, boolean, text, choice, photo, signature, checklist, person };

/** Whether a required field counts as not filled in (a checklist: until every step is ticked). */
export function isEmpty(field, value) {
  if (value == null || value === '' || (Array.isArray(value) && !value.length) || (isObject(value) && !Object.keys(value).length)) return true;
  if (field.type === 'checklist') return value.length !== (field.steps || []).length;
  return false;
}

function conditionHolds(condition, answers) {
  return Boolean(condition) && Object.keys(condition).length > 0
    && Object.entries(condition).every(([k, v]) => answers[k] === v);
}

/** Whether `field` must be filled for `outcome` given the other answers. */
export function isRequired(definition, field, outcome, answers) {
  const chosen = definition.outcomes.find((o) => o.code === outcome);
  return Boolean(chosen && chosen.requires.includes(field.id)) || conditionHolds(field.required_when, answers);
}

function serialMismatch(outcome, answers, context) {
  const expected = context.meter_serial;
  const given = answers.meter_serial;
  if (outcome === 'anomaly' || !expected || !isString(given) || !given.trim()) return [];
  if (given.trim().toUpperCase() !== String(expected).trim().toUpperCase()) {
    return [`Le compteur trouvé (${given}) n'est pas celui de l'ordre (${expected}) : déclarez une anomalie.`];
  }
  return [];
}

/** {} when the submission is acceptable, else messages keyed by field id, "outcome" or "reason_code". */
export function validateSubmission(definition, outcome, answers, context, reasonCode = null) {
  const chosen = definition.outcomes.find((o) => o.code === outcome);
  if (!chosen) return { outcome: ['Résultat inconnu pour ce formulaire.'] };
  if (!isObject(answers)) return { answers: ['Réponses invalides.'] };
  const errors = {};
  const reasons = (chosen.reasons || []).map((r) => r.code);
  if (reasons.length && !reasons.includes(reasonCode)) errors.reason_code = ['Précisez le motif.'];
  else if (!reasons.length && reasonCode != null) errors.reason_code = ['Ce résultat ne prend pas de motif.'];
  const fields = Object.fromEntries(definition.fields.map((f) => [f.id, f]));
  for (const key of Object.keys(answers)) if (!(key in fields)) errors[key] = ['Champ inconnu.'];
  for (const field of definition.fields) {
    const value = answers[field.id];
    const problems = [];
    if (isEmpty(field, value)) {
      if (isRequired(definition, field, outcome, answers)) problems.push(MISSING);
    } else {
      if (field.allowed_when && !conditionHolds(field.allowed_when, answers) && value !== false) problems.push('Champ non applicable ici.');
      problems.push(...VALIDATORS[field.type](field, value, context, answers));
      if ((field.must_be_true_for || []).includes(outcome) && value !== true) problems.push('Doit être confirmé pour ce résultat.');
    }
    if (field.type === 'serial' && field.id === 'meter_serial') problems.push(...serialMismatch(outcome, answers, context));
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
