/** One order: what the technician needs on site (address, access, contacts allowed by W24,
 *  meter and its reference values), and the button to the form. */
import { el } from '../forms/fields/dom.js';
import { LOCAL, REMOVED, ROLES, TYPES } from './labels.js';

function fact(term, value) {
  return value == null || value === '' ? [] : [el('dt', { text: term }), el('dd', { text: String(value) })];
}

export function renderOrder(root, app, { order, draft, report }) {
  const meter = order.meter || {};
  const premises = order.premises || {};
  const finished = ['done', 'sent', 'conflict'].includes(order.local);
  const map = premises.lat != null ? `${premises.lat.toFixed(5)}, ${premises.lon.toFixed(5)}` : null;
  root.replaceChildren(
    el('p', {}, el('a', { href: '#/round', class: 'btn', text: '← Tournée' })),
    el('h1', { text: `${TYPES[order.type] || order.type} — ${order.ref}` }),
    order.removed ? el('p', { class: 'ready bad', text: `${REMOVED[order.removed]} : le compte-rendu déjà saisi sera tout de même envoyé.` }) : '',
    el('section', { class: 'card' }, el('h2', { text: 'Lieu' }), el('dl', { class: 'facts' },
      fact('Adresse', `${premises.address}, ${premises.commune}`), fact('Accès', premises.access_notes),
      fact('Maison individuelle', premises.individual_house ? 'oui' : 'non'), fact('Position', map),
      fact('Rendez-vous', order.window_start ? `${order.window_start.slice(0, 16).replace('T', ' ')} – ${(order.window_end || '').slice(11, 16)}` : null),
      fact('Date prévue', order.planned_date), fact('Frais de déplacement', order.travel_fee ? 'oui' : null),
      fact('Code', order.code), fact('Demandeur', order.requester?.name), fact('Consignes', order.instructions))),
    el('section', { class: 'card' }, el('h2', { text: 'Compteur' }), el('dl', { class: 'facts' },
      fact('Numéro', meter.serial), fact('Cadrans', meter.dials), fact('Mode de relève', meter.reading_mode),
      fact('Index précédent', meter.previous_index != null ? `${meter.previous_index} (${meter.previous_date || '?'})` : null),
      fact('Plage plausible', meter.plausible_min != null ? `${meter.plausible_min} – ${meter.plausible_max}` : null))),
    order.contacts?.length ? el('section', { class: 'card' }, el('h2', { text: 'Contacts' }),
      el('dl', { class: 'facts' }, order.contacts.flatMap((c) => fact(ROLES[c.role] || c.role, `${c.name}${c.phone ? ` — ${c.phone}` : ''}`)))) : '',
    el('p', { class: 'status', text: `État sur la tablette : ${LOCAL[order.local] || order.local}${report ? ` — compte-rendu ${report.status === 'queued' ? 'en attente d\'envoi' : report.status}` : ''}` }),
    el('div', { class: 'actions' }, finished ? '' : el('button', { type: 'button', class: 'primary', id: 'start-form',
      text: draft ? 'Reprendre le compte-rendu' : 'Commencer le compte-rendu',
      onclick: () => { location.hash = `#/form/${order.id}`; } })));
}
