/** Free text field (remarks). */
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  const input = el('textarea', { id: `f-${field.id}`, rows: 3, maxlength: field.max_length || 2000,
    oninput: () => ctx.set(input.value || null) });
  input.value = value || '';
  return frame(field, input, field.help);
}
