/** Yes/no field, as one large checkbox. */
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  const box = el('input', { type: 'checkbox', id: `f-${field.id}`, checked: value === true,
    onchange: () => ctx.set(box.checked) });
  return frame(field, el('label', { class: 'choice', for: `f-${field.id}` }, box, 'Oui'), field.help);
}
