/** One option among several, as large radio buttons. */
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  const group = el('div', { role: 'radiogroup', id: `f-${field.id}` });
  for (const option of field.options || []) {
    const radio = el('input', { type: 'radio', name: `f-${field.id}`, value: option.value,
      checked: value === option.value, onchange: () => ctx.set(option.value) });
    group.append(el('label', { class: 'choice' }, radio, option.label));
  }
  return frame(field, group, null);
}
