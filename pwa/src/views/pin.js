/** Offline unlock with the technician's PIN. */
import { t } from '../i18n.js';
import { el } from '../forms/fields/dom.js';

export function renderPin(root, app, technician) {
  const error = el('p', { class: 'bad', role: 'alert' });
  const pin = el('input', { id: 'unlock-pin', type: 'password', inputmode: 'numeric', maxlength: 8,
    autocomplete: 'off', 'aria-label': t('Code PIN') });
  const form = el('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const answer = await app.unlock(technician, pin.value);
    if (answer !== true && answer > 0) {
      error.textContent = t('Code PIN incorrect ({left} essai(s) restant(s)).', { left: answer });
      pin.value = '';
      pin.focus();
    }
  } },
  el('h1', { text: `Bonjour ${technician.name}` }),
  el('label', { for: 'unlock-pin', text: t('Code PIN') }), pin, error,
  el('div', { class: 'actions' },
    el('button', { type: 'submit', class: 'primary', text: t('Déverrouiller') }),
    el('button', { type: 'button', text: t('Changer de technicien'), onclick: () => app.switchUser() })));
  root.replaceChildren(form);
  pin.focus();
}
