/** Renders a form definition (forms/README.md) into the DOM: the outcome and its reason, then one
 *  module per field type. Every change goes to `onChange(patch)`; errors come from validate.js. */
import { t } from '../i18n.js';
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
import { conditionHolds, isBlank, isRequired } from './validate.js';

export const FIELD_TYPES = { boolean, checklist, choice, index, person, photo, serial, signature, text };

function outcomeSection(definition, draft, onChange) {
  const errors = el('div', { class: 'error', role: 'alert' });
  const reasons = el('div', { class: 'field', 'data-field': 'reason_code' });
  function drawReasons(outcome) {
    const list = definition.outcomes.find((o) => o.code === outcome)?.reasons || [];
    reasons.replaceChildren();
    if (!list.length) return;
    const select = el('select', { id: 'f-reason_code', onchange: () => onChange({ reason_code: select.value || null }) },
      el('option', { value: '', text: t('— choisir le motif —') }),
      list.map((r) => el('option', { value: r.code, text: r.label, selected: r.code === draft.reason_code })));
    reasons.append(el('label', { for: 'f-reason_code', text: t('Motif *') }), select);
  }
  const group = el('div', { role: 'radiogroup', class: 'row', id: 'f-outcome' },
    definition.outcomes.map((o) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'outcome', value: o.code, checked: draft.outcome === o.code,
        onchange: () => onChange({ outcome: o.code, reason_code: null }) }), o.label)));
  drawReasons(draft.outcome);
  const section = el('fieldset', { class: 'card', 'data-field': 'outcome' },
    el('legend', { text: t('Résultat de l\'intervention') }), group, reasons, errors);
  return { element: section, setErrors: (m) => { errors.textContent = (m || []).join(' '); } };
}

/** Builds the form in `container`; returns `showErrors(errors)`. Redraw it when the outcome changes. */
export function renderForm(container, { definition, order, draft, services, onChange }) {
  const outcome = outcomeSection(definition, draft, onChange);
  const handles = {};
  const body = el('div', {});
  for (const field of definition.fields) {
    const module = FIELD_TYPES[field.type];
    if (!module) continue;
    const ctx = { order, services, set: (value) => onChange({ answers: { [field.id]: value } }) };
    const required = isRequired(definition, field, draft.outcome, draft.answers);
    handles[field.id] = module.render({ ...field, required }, draft.answers[field.id], ctx);
    body.append(handles[field.id].element);
  }
  container.replaceChildren(el('h2', { text: definition.title || definition.type }), outcome.element, body);
  const conditional = definition.fields.filter((f) => f.allowed_when && handles[f.id]);
  return {
    /** Hides the fields the other answers make irrelevant (allowed_when), unless they hold a value. */
    showRelevant(answers) {
      for (const field of conditional) {
        const value = answers[field.id];
        handles[field.id].element.hidden = !conditionHolds(field.allowed_when, answers) && (isBlank(value) || value === false);
      }
    },
    showErrors(errors) {
      for (const [key, handle] of Object.entries(handles)) handle.setErrors(errors[key] || []);
      outcome.setErrors([...(errors.outcome || []), ...(errors.reason_code || [])]);
    },
  };
}
