/** One order: what the technician needs on site (address, access, contacts allowed by W24,
 *  meter and its reference values), and the button to the form. */
import { formatDate, t } from '../i18n.js';
import { el } from '../forms/fields/dom.js';
import { LOCAL, ORDER_STATES, PREMISES_KINDS, READING_MODES, REMOVED, REPORT_STATES, ROLES, TYPES, countersignState } from './labels.js';

function fact(term, value) {
  return value == null || value === '' ? [] : [el('dt', { text: t(term) }), el('dd', {}, value instanceof Node ? value : String(value))];
}

/** French label of a code, the code itself when unknown. */
function label(labels, code) {
  return code == null ? null : t(labels[code] || code);
}

/** The position: the device's own map app (a geo: link, works offline when it has maps), and
 *  OpenStreetMap, which needs the network (said so, and not offered while offline). */
function mapLink(premises) {
  if (premises.lat == null || premises.lon == null) return null;
  const [lat, lon] = [Number(premises.lat).toFixed(5), Number(premises.lon).toFixed(5)];
  const online = navigator.onLine;
  return el('span', { class: 'row' },
    el('a', { href: `geo:${lat},${lon}?q=${lat},${lon}`, id: 'map-link', class: 'btn',
      text: t('Ouvrir dans l\'application de cartes ({lat}, {lon})', { lat, lon }) }),
    online ? el('a', { href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}`, target: '_blank', rel: 'noopener',
      id: 'map-web', class: 'btn', text: t('Voir sur OpenStreetMap (réseau nécessaire)') })
      : el('span', { class: 'hint', id: 'map-offline', text: t('Hors ligne : la carte en ligne n\'est pas disponible.') }));
}

/** The line telling where the tablet countersignature of `report` stands ('' when none). */
function countersignLine(report) {
  const state = countersignState(report);
  return state ? el('p', { class: `status ${state.tone}`, id: 'countersignature-state', 'data-state': state.state,
    text: state.text }) : '';
}

export function renderOrder(root, app, { order, draft, report }) {
  const meter = order.meter || {};
  const premises = order.premises || {};
  const finished = ['done', 'sent', 'conflict'].includes(order.local);
  root.replaceChildren(
    el('p', {}, el('a', { href: '#/round', class: 'btn', text: t('← Tournée') })),
    el('h1', { text: `${t(TYPES[order.type] || order.type)} — ${order.ref}` }),
    order.removed ? el('p', { class: 'ready bad', text: t('{why} : le compte-rendu déjà saisi sera tout de même envoyé.', { why: t(REMOVED[order.removed]) }) }) : '',
    el('section', { class: 'card' }, el('h2', { text: t('Lieu') }), el('dl', { class: 'facts' },
      fact('Adresse', order.purged_at ? t('effacée de la tablette (données personnelles, {commune})', { commune: premises.commune || '—' })
        : `${premises.address}, ${premises.commune}`), fact('Branchement', label(PREMISES_KINDS, premises.kind)),
      fact('Accès', premises.access_notes),
      fact('Maison individuelle', premises.individual_house ? t('oui') : t('non')), fact('Position', mapLink(premises)),
      fact('Rendez-vous', order.window_start ? `${formatDate(order.window_start)} ${order.window_start.slice(11, 16)} – ${(order.window_end || '').slice(11, 16)}` : null),
      fact('Date prévue', formatDate(order.planned_date)), fact('État de l\'ordre', label(ORDER_STATES, order.state)), fact('Frais de déplacement', order.travel_fee ? t('oui') : null),
      fact('Code', order.code), fact('Demandeur', order.requester?.name), fact('Consignes', order.instructions))),
    el('section', { class: 'card' }, el('h2', { text: t('Compteur') }), el('dl', { class: 'facts' },
      fact('Numéro', meter.serial), fact('Cadrans', meter.dials), fact('Mode de relève', label(READING_MODES, meter.reading_mode)),
      fact('Index précédent', meter.previous_index != null ? `${meter.previous_index} (${formatDate(meter.previous_date) || '?'})` : null),
      fact('Plage plausible', meter.plausible_min != null ? `${meter.plausible_min} – ${meter.plausible_max}` : null))),
    order.contacts?.length ? el('section', { class: 'card' }, el('h2', { text: t('Contacts') }),
      el('dl', { class: 'facts' }, order.contacts.flatMap((c) => fact(ROLES[c.role] || c.role, `${c.name}${c.phone ? ` — ${c.phone}` : ''}`)))) : '',
    el('p', { class: 'status', text: t('État sur la tablette : {state}', { state: t(LOCAL[order.local] || order.local) }) + (report ? t(' — compte-rendu {status}', { status: t(REPORT_STATES[report.status] || report.status) }) : '') }),
    countersignLine(report),
    el('div', { class: 'actions' }, finished ? '' : el('button', { type: 'button', class: 'primary', id: 'start-form',
      text: draft ? t('Reprendre le compte-rendu') : t('Commencer le compte-rendu'),
      onclick: () => { location.hash = `#/form/${order.id}`; } })));
}
