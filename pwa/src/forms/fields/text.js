/** Text field: one line, or several when the definition says `multiline`. */
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  const input = el(field.multiline ? 'textarea' : 'input', { id: `f-${field.id}`, maxlength: field.max_length || 2000,
    rows: field.multiline ? 3 : null, oninput: () => ctx.set(input.value === '' ? null : input.value) });
  input.value = value || '';
  return frame(field, input, null);
}
