/** Meter index: digits only, checked as typed by the form's validator (dials, previous index,
 *  plausible range); the order's reference values are shown next to it. */
import { formatDate, t } from '../../i18n.js';
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  const meter = ctx.order.meter || {};
  const input = el('input', { id: `f-${field.id}`, inputmode: 'numeric', autocomplete: 'off',
    pattern: '[0-9]*', maxlength: meter.dials || 12, value: value ?? '',
    oninput: () => {
      const digits = input.value.replace(/\D/g, '');
      if (digits !== input.value) input.value = digits;
      ctx.set(digits === '' ? null : Number(digits));
    } });
  const hint = [t('{dials} chiffres', { dials: meter.dials || '?' }),
    meter.previous_index != null ? t('index précédent {index} ({date})', { index: meter.previous_index, date: formatDate(meter.previous_date) || '?' }) : null,
    meter.plausible_min != null ? t('plage plausible {min} – {max}', { min: meter.plausible_min, max: meter.plausible_max }) : null]
    .filter(Boolean).join(' · ');
  return frame(field, input, hint);
}
