/** Tiny DOM builder shared by the field modules (forms/ side only, never storage or sync). */

/** Controls whose typed values Chromium would otherwise keep in clear on disk, in the session-restore
 *  files (each screen's form state) and the autofill database: customers' names, remarks. */
const TYPED = new Set(['input', 'textarea', 'select']);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  if (TYPED.has(tag) && !('autocomplete' in attrs)) node.setAttribute('autocomplete', 'off');   // issue 12
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = value;
    else if (key in node && key !== 'list' && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

/** The frame of one field: label, hint, body and the place where its errors show. */
export function frame(field, body, hint) {
  const errors = el('div', { class: 'error', role: 'alert' });
  const wrapper = el('div', { class: 'field', 'data-field': field.id },
    el('label', { for: `f-${field.id}`, text: field.label + (field.required ? ' *' : '') }),
    hint ? el('div', { class: 'hint', text: hint }) : null,
    field.help ? el('div', { class: 'hint', text: field.help }) : null, body, errors);
  return {
    element: wrapper,
    setErrors(messages) {
      errors.textContent = (messages || []).join(' ');
      wrapper.classList.toggle('invalid', Boolean(messages && messages.length));
    },
  };
}
