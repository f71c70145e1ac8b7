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

/** Why a field is on screen: fields the other answers make irrelevant are hidden unless they hold a
 *  value — allowed_when, a signature the outcome does not require, the rollover question unless the
 *  index is below the previous one, the out-of-range confirmation unless the index is out of range —
 *  and a yes/no the chosen outcome already states (must_be_true_for: "Branchement fermé") is never asked. */
export function isShown(definition, field, outcomeCode, answers, context) {
  const value = answers[field.id];
  if ((field.must_be_true_for || []).includes(outcomeCode)) return false;
  if (!isBlank(value) && value !== false) return true;
  if (field.allowed_when && !conditionHolds(field.allowed_when, answers)) return false;
  if (field.type === 'signature') return isRequired(definition, field, outcomeCode, answers);
  const index = definition.fields.find((f) => f.type === 'index' && (f.rollover_field === field.id || f.confirm_field === field.id));
  if (!index) return true;
  const typed = answers[index.id];
  if (!Number.isInteger(typed)) return false;
  if (index.rollover_field === field.id) return context.previous_index != null && typed < context.previous_index;
  return (context.plausible_min != null && typed < context.plausible_min) || (context.plausible_max != null && typed > context.plausible_max);
}

/** The yes/no answers the chosen outcome states by itself (must_be_true_for), and those it no longer states. */
export function impliedAnswers(definition, outcomeCode, previousCode, answers) {
  const implied = {};
  for (const field of definition.fields) {
    const states = field.must_be_true_for || [];
    if (states.includes(outcomeCode)) implied[field.id] = true;
    else if (states.includes(previousCode) && answers[field.id] === true) implied[field.id] = null;
  }
  return implied;
}

/** The steps of a long form: the meter (identity, index, photos) with the outcome, each checklist on its
 *  own, then the rest (remarks, people, signatures). Empty steps are dropped. */
export function formSteps(definition) {
  const meterIds = new Set(definition.fields.filter((f) => f.type === 'index').flatMap((f) => [f.rollover_field, f.confirm_field]));
  const meter = { key: 'meter', title: t('Compteur'), fields: [] };
  const checklists = [];
  const rest = { key: 'rest', title: t('Compléments et signature'), fields: [] };
  for (const field of definition.fields) {
    if (field.type === 'checklist') checklists.push({ key: field.id, title: field.label, fields: [field.id] });
    else if (['serial', 'index', 'photo'].includes(field.type) || meterIds.has(field.id)) meter.fields.push(field.id);
    else rest.fields.push(field.id);
  }
  return [meter, ...checklists, rest].filter((step, i) => i === 0 || step.fields.length);
}

/** Builds the form in `container`; returns `showRelevant(answers)`, `showErrors(errors)` and
 *  `showStepOf(element)`. Redraw it when the outcome changes. */
export function renderForm(container, { definition, order, draft, services, onChange, context, title }) {
  const outcome = outcomeSection(definition, draft, onChange);
  const handles = {};
  for (const field of definition.fields) {
    const module = FIELD_TYPES[field.type];
    if (!module) continue;
    const ctx = { order, services, set: (value) => onChange({ answers: { [field.id]: value } }) };
    const required = isRequired(definition, field, draft.outcome, draft.answers);
    handles[field.id] = module.render({ ...field, required }, draft.answers[field.id], ctx);
  }
  const steps = formSteps(definition);
  const sections = steps.map((step, i) => el('section', { class: 'form-step', 'data-step': step.key,
    'aria-label': t('Étape {n} sur {total} : {title}', { n: i + 1, total: steps.length, title: step.title }) },
    i === 0 ? outcome.element : null, step.fields.map((id) => handles[id]?.element),
    i < steps.length - 1 ? el('div', { class: 'actions' }, el('button', { type: 'button', class: 'next-step',
      text: t('Étape suivante : {title}', { title: steps[i + 1].title }), onclick: () => go(i + 1, true) })) : null));
  const nav = el('ol', { class: 'steps', id: 'form-steps', hidden: steps.length < 2 }, steps.map((step, i) => el('li', {},
    el('button', { type: 'button', 'data-step': step.key, text: `${i + 1}. ${step.title}`, onclick: () => go(i, true) }))));
  let current = 0;
  function go(i, scroll) {
    current = i;
    sections.forEach((section, n) => section.classList.toggle('step-off', n !== i));
    nav.querySelectorAll('button').forEach((button, n) => {
      if (n === i) button.setAttribute('aria-current', 'step'); else button.removeAttribute('aria-current');
    });
    if (scroll) nav.scrollIntoView({ block: 'start' });
  }
  container.replaceChildren(el('h2', { text: title || definition.title || definition.type }), nav, ...sections);
  go(Math.min(draft.step || 0, steps.length - 1), false);
  return {
    handles,
    showRelevant(answers) {
      for (const field of definition.fields) {
        if (handles[field.id]) handles[field.id].element.hidden = !isShown(definition, field, draft.outcome, answers, context);
      }
    },
    showErrors(errors) {
      for (const [key, handle] of Object.entries(handles)) handle.setErrors(errors[key] || []);
      outcome.setErrors([...(errors.outcome || []), ...(errors.reason_code || [])]);
      // Each step says how many of its fields are still to complete, so the technician knows where to go.
      nav.querySelectorAll('button').forEach((button, n) => {
        const count = steps[n].fields.filter((id) => errors[id]).length;
        button.textContent = `${n + 1}. ${steps[n].title}${count ? t(' ({count} à compléter)', { count }) : ''}`;
        button.classList.toggle('has-errors', count > 0);
      });
    },
    /** Goes to the step holding `element` (the first field in error). */
    showStepOf(element) {
      const n = sections.findIndex((section) => section.contains(element));
      if (n >= 0 && n !== current) go(n, false);
    },
  };
}
