/** Pure mirror of forms/validate.py: the same definition, outcome, answers and order context
 *  give the same errors ({field: [French messages]}, {} when valid). No DOM. The golden cases of
 *  fixtures/forms/cases.json are replayed against both sides. */

const REQUIRED = 'Ce champ est obligatoire.';

function isBlank(value) {
  return value == null || value === '' || (Array.isArray(value) && value.length === 0)
    || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
}

/** Outcomes a field is required for: `required_for` list, or `required: true` meaning "done". */
export function requiredFor(field, outcome) {
  if (Array.isArray(field.required_for)) return field.required_for.includes(outcome);
  return field.required === true && outcome === 'done';
}

const DEFAULT_OUTCOMES = ['done', 'absent', 'no_access', 'refused', 'anomaly'].map((value) => ({ value }));

const SHA = /^[0-9a-f]{64}$/;

const CHECKS = {
  serial(field, value) {
    return typeof value === 'string' && value.trim() ? [] : ['Numéro de compteur invalide.'];
  },
  index(field, value, ctx, answers) {
    if (!Number.isInteger(value) || value < 0) return ['L\'index doit être un nombre entier positif.'];
    const out = [];
    if (ctx.dials && String(value).length > ctx.dials) out.push(`L'index a au plus ${ctx.dials} chiffres.`);
    const rollover = field.rollover_field && answers[field.rollover_field] === true;
    if (ctx.previous_index != null && value < ctx.previous_index && !rollover) {
      out.push(`L'index est inférieur à l'index précédent (${ctx.previous_index}) : confirmer un passage à zéro du compteur.`);
    }
    const confirmed = field.confirm_field && answers[field.confirm_field] === true;
    const outside = (ctx.plausible_min != null && value < ctx.plausible_min)
      || (ctx.plausible_max != null && value > ctx.plausible_max);
    if (outside && !confirmed && !(rollover && value < ctx.previous_index)) {
      out.push(`Index hors de la plage plausible (${ctx.plausible_min} – ${ctx.plausible_max}) : confirmer l'index.`);
    }
    return out;
  },
  boolean: (field, value) => (typeof value === 'boolean' ? [] : ['Oui ou non attendu.']),
  text: (field, value) => (typeof value === 'string' && value.length <= (field.max_length || 2000)
    ? [] : ['Texte trop long.']),
  choice: (field, value) => ((field.options || []).some((o) => o.value === value) ? [] : ['Choix invalide.']),
  photo(field, value) {
    if (!Array.isArray(value) || !value.every((h) => typeof h === 'string' && SHA.test(h))) return ['Photos invalides.'];
    const min = field.min_photos ?? field.min ?? 0;
    const max = field.max_photos ?? field.max ?? 10;
    if (value.length < min) return [`Au moins ${min} photo${min > 1 ? 's' : ''}.`];
    if (value.length > max) return [`Au plus ${max} photos.`];
    return [];
  },
  signature(field, value) {
    if (typeof value !== 'object' || Array.isArray(value) || value === null) return ['Signature invalide.'];
    const out = [];
    if (!SHA.test(value.sha256 || '') || !Array.isArray(value.strokes) || !value.strokes.length) out.push('Signature manquante.');
    if (!String(value.signer_name || '').trim()) out.push('Nom du signataire manquant.');
    return out;
  },
  checklist(field, value, ctx, answers, outcome) {
    const ids = (field.steps || []).map((s) => s.id);
    if (!Array.isArray(value) || !value.every((v) => ids.includes(v))) return ['Étapes inconnues.'];
    if (new Set(value).size !== value.length) return ['Étape cochée deux fois.'];
    if (field.ordered && value.some((v, i) => v !== ids[i])) return ['Les étapes doivent être faites dans l\'ordre.'];
    if (requiredFor(field, outcome) && value.length !== ids.length) return ['Toutes les étapes doivent être faites.'];
    return [];
  },
  person(field, value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['Personne invalide.'];
    return String(value.name || '').trim() ? [] : ['Le nom est obligatoire.'];
  },
};

/** {field_id | "outcome" | "reason_code": [messages]} for a submission; {} when valid. */
export function validateSubmission(definition, outcome, answers, context, reasonCode = null) {
  const errors = {};
  const add = (key, messages) => { if (messages.length) errors[key] = [...(errors[key] || []), ...messages]; };
  const outcomes = definition.outcomes || DEFAULT_OUTCOMES;
  const chosen = outcomes.find((o) => o.value === outcome);
  if (!chosen) add('outcome', ['Issue de l\'intervention invalide.']);
  const reasons = chosen?.reason_codes || [];
  if (reasons.length && !reasons.some((r) => r.value === reasonCode)) add('reason_code', ['Motif obligatoire pour cette issue.']);
  const known = new Set(definition.fields.map((f) => f.id));
  for (const key of Object.keys(answers)) if (!known.has(key)) add(key, ['Champ inconnu.']);
  for (const field of definition.fields) {
    const value = answers[field.id];
    if (isBlank(value)) {
      if (requiredFor(field, outcome)) add(field.id, [REQUIRED]);
      continue;
    }
    const check = CHECKS[field.type];
    add(field.id, check ? check(field, value, context, answers, outcome) : ['Type de champ inconnu.']);
  }
  const serialField = definition.fields.find((f) => f.type === 'serial');
  const serial = serialField && answers[serialField.id];
  if (serial && context.meter_serial && String(serial).trim().toUpperCase() !== String(context.meter_serial).toUpperCase()
    && outcome !== 'anomaly') {
    add(serialField.id, ['Le numéro ne correspond pas au compteur de l\'ordre : choisir l\'issue « anomalie ».']);
  }
  return errors;
}

/** The order context validation needs, from an ORDER of the pull. */
export function orderContext(order) {
  const meter = order.meter || {};
  return { meter_serial: meter.serial ?? null, dials: meter.dials ?? null, previous_index: meter.previous_index ?? null,
    plausible_min: meter.plausible_min ?? null, plausible_max: meter.plausible_max ?? null };
}
