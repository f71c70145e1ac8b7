/** A person met on site (INVESTIGATION new occupant): name, phone, e-mail. */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

const PARTS = [['name', 'Nom', 'text'], ['phone', 'Téléphone', 'tel'], ['email', 'Courriel', 'email']];  // labels through t()

export function render(field, value, ctx) {
  const current = { name: '', phone: '', email: '', ...(value || {}) };
  const inputs = PARTS.map(([key, label, type]) => {
    const input = el('input', { type, id: key === 'name' ? `f-${field.id}` : `f-${field.id}-${key}`,
      placeholder: t(label), 'aria-label': t(label), value: current[key] || '',
      oninput: () => { current[key] = input.value; ctx.set({ ...current }); } });
    return input;
  });
  return frame(field, el('div', { class: 'row' }, inputs), null);
}
