/** Renders a form definition into the DOM: the outcome, its reason code, then one module per
 *  field type. Every change goes to `onChange(patch)`; errors come from validate.js. */
import * as boolean from './fields/boolean.js';
import * as checklist from './fields/checklist.js';
import * as choice from './fields/choice.js';
import { el } from './fields/dom.js';
import * as index from './fields/index.js';
import * as person from './fields/person.js';
import * as photo from './fields/photo.js';
import * as serial from './fields/serial.js';
import * as signature from './fields/signature.js';
import * as text from './fields/text.js';
import { requiredFor } from './validate.js';

export const FIELD_TYPES = { boolean, checklist, choice, index, person, photo, serial, signature, text };

/** Labels used when a definition gives none. */
export const OUTCOMES = [{ value: 'done', label: 'Fait' }, { value: 'absent', label: 'Absent' },
  { value: 'no_access', label: 'Pas d\'accès' }, { value: 'refused', label: 'Refus' }, { value: 'anomaly', label: 'Anomalie' }];
const FIELD_LABELS = { meter_serial: 'Numéro du compteur', index: 'Index', dials_photo: 'Photo du cadran' };

/** The definition with every label and the outcome list filled in. */
export function withDefaults(definition) {
  return { ...definition, outcomes: definition.outcomes || OUTCOMES,
    fields: definition.fields.map((f) => ({ ...f, label: f.label || FIELD_LABELS[f.id] || f.id })) };
}

function outcomeSection(definition, draft, onChange) {
  const reasons = el('div', { class: 'field', 'data-field': 'reason_code' });
  const errors = el('div', { class: 'error', role: 'alert' });
  function drawReasons(outcome) {
    const list = definition.outcomes.find((o) => o.value === outcome)?.reason_codes || [];
    reasons.replaceChildren();
    if (!list.length) return;
    const select = el('select', { id: 'f-reason_code', onchange: () => onChange({ reason_code: select.value || null }) },
      el('option', { value: '', text: '— motif —' }),
      list.map((r) => el('option', { value: r.value, text: r.label, selected: r.value === draft.reason_code })));
    reasons.append(el('label', { for: 'f-reason_code', text: 'Motif *' }), select);
  }
  const group = el('div', { role: 'radiogroup', class: 'row', id: 'f-outcome' },
    definition.outcomes.map((o) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'outcome', value: o.value, checked: draft.outcome === o.value,
        onchange: () => { drawReasons(o.value); onChange({ outcome: o.value, reason_code: null }); } }), o.label)));
  drawReasons(draft.outcome);
  const section = el('fieldset', { class: 'card', 'data-field': 'outcome' },
    el('legend', { text: 'Issue de l\'intervention' }), group, errors, reasons);
  return { element: section, setErrors: (m) => { errors.textContent = (m || []).join(' '); } };
}

/** Builds the form in `container`; returns `showErrors(errors)` and `refreshRequired(outcome)`. */
export function renderForm(container, { definition: given, order, draft, services, onChange }) {
  const definition = withDefaults(given);
  const handles = {};
  const outcome = outcomeSection(definition, draft, onChange);
  handles.outcome = outcome;
  const body = el('div', {});
  for (const field of definition.fields) {
    const module = FIELD_TYPES[field.type];
    if (!module) continue;
    const ctx = { order, services, set: (value) => onChange({ answers: { [field.id]: value } }) };
    const required = requiredFor(field, draft.outcome);
    handles[field.id] = module.render({ ...field, required }, draft.answers[field.id], ctx);
    body.append(handles[field.id].element);
  }
  container.replaceChildren(el('h2', { text: definition.label || definition.type }), outcome.element, body);
  return {
    showErrors(errors) {
      for (const [key, handle] of Object.entries(handles)) handle.setErrors(errors[key] || []);
      const reason = container.querySelector('[data-field="reason_code"]');
      if (reason) reason.dataset.error = (errors.reason_code || []).join(' ');
      if (errors.reason_code) handles.outcome.setErrors([...(errors.outcome || []), ...errors.reason_code]);
    },
  };
}
