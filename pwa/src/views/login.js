/** Enrolment (online, once) and PIN choice; lists technicians already enrolled on the tablet. */
import { t } from '../i18n.js';
import { el } from '../forms/fields/dom.js';
import { validPin } from '../pin.js';

export function renderLogin(root, app) {
  const error = el('p', { class: 'bad', role: 'alert' });
  const expired = app.technicians.find((t) => t.needs_enrol || t.pin_locked);
  const login = el('input', { id: 'login', autocomplete: 'username', autocapitalize: 'none', required: true,
    value: expired ? expired.login : '' });
  const password = el('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const pin = el('input', { id: 'pin', type: 'password', inputmode: 'numeric', maxlength: 8, required: true });
  const pin2 = el('input', { id: 'pin2', type: 'password', inputmode: 'numeric', maxlength: 8, required: true });
  const deviceName = el('input', { id: 'device-name', maxlength: 80, autocomplete: 'off',
    value: localStorage.getItem('tournee-device-name') || '', placeholder: t('ex. Tablette équipe Nord 2') });
  const form = el('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (!validPin(pin.value)) { error.textContent = t('Le code PIN doit comporter 4 à 8 chiffres.'); return; }
    if (pin.value !== pin2.value) { error.textContent = t('Les deux codes PIN diffèrent.'); return; }
    error.textContent = t('Connexion…');
    try {
      await app.enrol(login.value.trim(), password.value, pin.value, deviceName.value);
    } catch (err) {
      error.textContent = err.message;
    }
  } },
  el('h1', { text: t('Connexion du technicien') }),
  expired?.pin_locked ? el('p', { class: 'ready bad', role: 'alert', id: 'pin-locked',
    text: t('Trop de codes PIN erronés : reconnectez-vous avec votre mot de passe (réseau nécessaire). Rien n\'est perdu.') })
    : el('p', { text: t('Première connexion sur cette tablette : le réseau est nécessaire une seule fois.') }),
  el('label', { for: 'login', text: t('Identifiant') }), login,
  el('label', { for: 'password', text: t('Mot de passe') }), password,
  el('label', { for: 'pin', text: t('Code PIN de déverrouillage hors ligne (4 à 8 chiffres)') }), pin,
  el('label', { for: 'pin2', text: t('Confirmer le code PIN') }), pin2,
  el('label', { for: 'device-name', text: t('Nom de cette tablette (facultatif, visible au bureau)') }), deviceName,
  error,
  el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('Se connecter') })));
  const known = app.technicians.filter((t) => t.pin);
  const others = known.length ? el('section', { class: 'card' }, el('h2', { text: t('Déjà enrôlés sur cette tablette') }),
    el('div', { class: 'actions' }, known.map((t) => el('button', { type: 'button', text: t.name,
      onclick: () => app.choose(t.id) })))) : null;
  root.replaceChildren(form, others || '');
  login.focus();
}
