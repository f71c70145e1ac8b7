/** Sync state: network, queue, progress, last sync, storage, reports "à traiter". */
import { t } from '../i18n.js';
import { el } from '../forms/fields/dom.js';
import { DEFAULT_RETENTION_DAYS, purgedInterventions } from '../db/retention.js';
import { countersignState, orderRef } from './labels.js';

function megabytes(bytes) {
  return t('{n} Mo', { n: (bytes / 1048576).toFixed(1) });
}

/** "Synchroniser maintenant": offline, nothing can happen, and the technician is told why. */
function syncNow(app, why) {
  if (!navigator.onLine) {
    why.textContent = t('Hors ligne : rien ne peut partir maintenant. Les comptes-rendus restent sur la tablette et partiront seuls au retour du réseau.');
    return;
  }
  why.textContent = t('Synchronisation en cours…');
  app.sync().then(() => { why.textContent = ''; }, (err) => { why.textContent = err.message; });
}

export function renderStatus(root, app, { outbox, reports, storage, orders = [] }) {
  const why = el('p', { class: 'warn', role: 'status', id: 'sync-why' });
  const technician = app.technician;
  const queued = outbox.filter((e) => e.state === 'queued');
  const parked = outbox.filter((e) => e.state === 'parked');
  const p = app.progress || {};
  const lastSync = technician.last_sync_at ? new Date(technician.last_sync_at).toLocaleString('fr-FR') : t('jamais');
  const old = !technician.last_sync_at || Date.now() - Date.parse(technician.last_sync_at) > 24 * 3600e3;
  const sent = reports.filter((r) => !['queued', 'parked'].includes(r.status));
  const purged = purgedInterventions(orders, reports);
  const countersigned = reports.map((r) => [r, countersignState(r)]).filter(([, s]) => s)
    .sort(([a], [b]) => String(b.finished_at || '').localeCompare(String(a.finished_at || '')));
  root.replaceChildren(
    el('p', {}, el('a', { href: '#/round', class: 'btn', text: t('← Tournée') })),
    el('h1', { text: t('Synchronisation') }),
    el('dl', { class: 'facts card' },
      el('dt', { text: t('Réseau') }), el('dd', { id: 'net-state', class: navigator.onLine ? 'ok' : 'warn', text: navigator.onLine ? t('en ligne') : t('hors ligne') }),
      el('dt', { text: t('En attente d\'envoi') }), el('dd', { id: 'queue-count', text: String(queued.length) }),
      el('dt', { text: t('À traiter') }), el('dd', { id: 'parked-count', class: parked.length ? 'bad' : '', text: String(parked.length) }),
      el('dt', { text: t('Envoyés') }), el('dd', { id: 'sent-count', text: String(sent.length) }),
      el('dt', { text: t('Dernière synchronisation réussie') }), el('dd', { id: 'last-sync', class: old ? 'warn' : '', text: lastSync }),
      el('dt', { text: t('Stockage') }), el('dd', { id: 'storage', text: storage ? t('{used} utilisés sur {quota}', { used: megabytes(storage.usage), quota: megabytes(storage.quota) })
        + t(storage.persisted ? ' (persistant)' : ' (non garanti)') : t('inconnu') })),
    p.phase === 'push' ? el('div', { class: 'card' },
      el('p', { text: t('Envoi : {done}/{total} comptes-rendus, {sent} / {bytes}', { done: p.reportsDone, total: p.reportsTotal, sent: megabytes(p.bytesDone), bytes: megabytes(p.bytesTotal) }) }),
      el('progress', { max: Math.max(1, p.bytesTotal + p.reportsTotal), value: p.bytesDone + p.reportsDone })) : '',
    purged ? el('p', { id: 'purged', class: 'card', 'data-count': String(purged),
      text: t(purged === 1 ? 'Données personnelles effacées de la tablette pour {n} intervention transmise depuis plus de {days} jours'
        : 'Données personnelles effacées de la tablette pour {n} interventions transmises depuis plus de {days} jours', {
        n: purged, days: technician.retention_days ?? DEFAULT_RETENTION_DAYS }) }) : '',
    technician.needs_enrol ? el('p', { class: 'ready bad', text: t('Session expirée : reconnectez-vous. Rien n\'est perdu.') }) : '',
    parked.length ? el('section', { class: 'card' }, el('h2', { text: t('Comptes-rendus à traiter') }),
      el('ul', { id: 'parked' }, parked.map((e) => el('li', { 'data-report': e.uuid },
        `${orderRef(orders, e.order_id)} : ${e.reason?.message || ''} ${
          Object.entries(e.reason?.errors || {}).map(([k, v]) => `${k} : ${v.join(' ')}`).join(' ; ')} `,
        el('button', { type: 'button', class: 'reopen', text: t('Corriger et renvoyer'), onclick: () => app.reopen(e.uuid) }))))) : '',
    countersigned.length ? el('section', { class: 'card' }, el('h2', { text: t('Contresignatures sur la tablette') }),
      el('ul', { id: 'countersignatures' }, countersigned.map(([r, s]) => el('li', { class: s.tone, 'data-report': r.uuid,
        'data-order': r.order_id, 'data-state': s.state, text: `${orderRef(orders, r.order_id)} : ${s.text}` })))) : '',
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', id: 'sync-now', text: t('Synchroniser maintenant'), onclick: () => syncNow(app, why) }),
      technician.needs_enrol ? el('button', { type: 'button', text: t('Se reconnecter'), onclick: () => app.switchUser() }) : '',
      el('button', { type: 'button', id: 'switch-user', text: t('Changer de technicien'), onclick: () => app.switchUser() })), why);
}
