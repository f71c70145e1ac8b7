/** Yes/no field as two large radio buttons, so that "no" is an answer too. */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  const group = el('div', { role: 'radiogroup', class: 'row', id: `f-${field.id}` },
    [[true, t('Oui')], [false, t('Non')]].map(([answer, label]) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: `f-${field.id}`, value: String(answer), checked: value === answer,
        onchange: () => ctx.set(answer) }), label)));
  return frame(field, group, (field.must_be_true_for || []).includes('done') ? t('À confirmer pour clore l\'ordre.') : null);
}
