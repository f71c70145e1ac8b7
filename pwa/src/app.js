/** Tournée tablet app: wires storage, API, sync engine, service worker and screens. */
import { ApiError, NetworkError, createApi } from './api.js';
import { openDatabase } from './db/connection.js';
import { getDraft } from './db/drafts.js';
import { listForms, getForm } from './db/forms.js';
import { byPlannedOrder, getOrder, listOrders } from './db/orders.js';
import { listOutbox, nextDueAt } from './db/outbox.js';
import { listReports, reopenParked } from './db/reports.js';
import { sealLegacyRows } from './db/sealed.js';
import { currentTechnician, getTechnician, listTechnicians, saveEnrolment, setCurrent, tabletEnrolmentId, takePinTry,
  updateTechnician } from './db/technicians.js';
import { isoWithOffset } from './forms/report.js';
import { t } from './i18n.js';
import { startServiceWorker } from './sw-bridge.js';
import { readiness } from './sync/readiness.js';
import { isUnlocked as hasKey, lockAll, unlockWith } from './vault.js';
import { renderPin } from './views/pin.js';
import { renderRound } from './views/round.js';

const DEVICE_NAME = 'tournee-device-name';
const view = document.getElementById('view');
const app = { technician: null, technicians: [], formOpen: false, updateReady: false, roundFilters: {},
  progress: {}, version: 'inconnue', timer: null };
window.tournee = app;   // for the browser tests and support, read-only use

async function storageState() {
  const estimate = navigator.storage?.estimate ? await navigator.storage.estimate() : null;
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
  return estimate ? { usage: estimate.usage || 0, quota: estimate.quota || 0, persisted } : null;
}

async function syncHeaders() {
  const storage = await storageState();
  const queue = (await listOutbox(app.db)).filter((e) => e.state === 'queued').length;
  return { 'X-Tournee-App-Version': app.version, 'X-Tournee-Queue-Depth': String(queue),
    'X-Tournee-Device-Time': isoWithOffset(new Date()),
    ...(storage ? { 'X-Tournee-Storage-Used': String(storage.usage), 'X-Tournee-Storage-Quota': String(storage.quota) } : {}) };
}

async function updateBar() {
  const user = document.getElementById('bar-user');
  const button = document.getElementById('bar-sync');
  if (!app.technician || !isUnlocked()) { user.textContent = ''; button.hidden = true; return; }
  const outbox = await listOutbox(app.db, app.technician.id);
  const queued = outbox.filter((e) => e.state === 'queued').length;
  const parked = outbox.length - queued;
  const phase = app.progress.phase === 'push' ? t(' · envoi {done}/{total}', { done: app.progress.reportsDone, total: app.progress.reportsTotal })
    : app.progress.phase === 'pull' ? t(' · réception') : '';
  user.textContent = `${app.technician.name} · ${navigator.onLine ? t('en ligne') : t('hors ligne')}`;
  button.hidden = false;
  button.textContent = t('Synchro : {queued} en attente', { queued }) + (parked ? t(', {parked} à traiter', { parked }) : '') + phase;
  button.dataset.queued = String(queued);
}

function showUpdate() {
  const banner = document.getElementById('update');
  if (!app.updateReady) { banner.hidden = true; return; }
  banner.hidden = false;
  if (app.formOpen) {
    banner.replaceChildren(t('Nouvelle version prête : elle sera proposée après le formulaire en cours.'));
  } else {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'apply-update';
    button.className = 'primary';
    button.textContent = t('Mettre à jour');
    button.onclick = () => { if (!app.formOpen) app.bridge.apply(); };
    banner.replaceChildren(t('Nouvelle version de l\'application disponible. '), button);
  }
}

/** The server refused our protocol version (426): say which side must be updated, in its words. */
function showProtocol(result) {
  const banner = document.getElementById('protocol');
  if (!banner) return;
  banner.hidden = !result.protocol;
  banner.textContent = result.protocol || '';
}

/** Unlocked: the technician's data key is in this page's memory (a reload or a lock forgets it). */
function isUnlocked() {
  return Boolean(app.technician) && hasKey(app.technician.id);
}

/** Only this technician's key in memory: one technician is unlocked at a time. */
function holdKey(technicianId, key) {
  lockAll();
  unlockWith(technicianId, key);
}

/** First unlock after the update (or sign-in over an old store): the rows still in clear are sealed. */
async function sealOldRows(technicianId) {
  const row = await getTechnician(app.db, technicianId);
  if (!row.sealed_at) await sealLegacyRows(app.db, technicianId);
}

async function roundData() {
  const tech = app.technician.id;
  const orders = (await listOrders(app.db, tech)).sort(byPlannedOrder);
  const forms = new Set((await listForms(app.db)).map((f) => `${f.type}@${f.version}`));
  const status = readiness(app.technician.counts, orders, forms);
  if (app.bridge && !app.bridge.offlineReady()) {
    status.ready = false;
    status.missing.push(t('application pas encore enregistrée pour le hors ligne (restez en ligne un instant)'));
  }
  return { orders, status };
}

async function route() {
  app.technician = await currentTechnician(app.db);
  app.technicians = await listTechnicians(app.db);
  // Another tab may have shown someone else (the current technician is shared): no key stays in
  // this page for a technician it does not show unlocked.
  if (!isUnlocked()) lockAll();
  const wasForm = app.formOpen;
  app.formOpen = false;
  if (!app.technician || !app.technician.pin || app.choosing) return (await import('./views/login.js')).renderLogin(view, app);
  if (!isUnlocked()) {
    renderPin(view, app, app.technician);
    performance.mark('tournee:pin');
    return null;
  }
  const [, screen, id] = (location.hash || '#/round').split('/');
  const tech = app.technician.id;
  if (screen === 'order' || screen === 'form') {
    const order = await getOrder(app.db, tech, Number(id));
    if (!order) { location.hash = '#/round'; return null; }
    const draft = await getDraft(app.db, tech, order.id);
    if (screen === 'form' && !['done', 'sent', 'conflict'].includes(order.local)) {
      const definition = order.form && await getForm(app.db, order.form.type, order.form.version);
      if (!definition) {
        view.replaceChildren(t('Formulaire {type} absent de la tablette : synchronisez en ligne.', { type: order.type }));
        return null;
      }
      app.formOpen = true;
      showUpdate();
      const { renderFormView } = await import('./views/form.js');   // loaded when first needed
      return renderFormView(view, app, { order, definition, draft });
    }
    const reports = (await listReports(app.db, tech)).filter((r) => r.order_id === order.id);
    (await import('./views/order.js')).renderOrder(view, app, { order, draft, report: reports[reports.length - 1] });
  } else if (screen === 'sync') {
    (await import('./views/status.js')).renderStatus(view, app, { outbox: await listOutbox(app.db, tech), reports: await listReports(app.db, tech),
      storage: await storageState(), orders: await listOrders(app.db, tech) });
  } else {
    renderRound(view, app, await roundData());
    if (!performance.getEntriesByName('tournee:round').length) performance.mark('tournee:round');
  }
  if (wasForm) showUpdate();
  await updateBar();
  return null;
}

Object.assign(app, {
  async enrol(login, password, pin, deviceName = '') {
    let answer;
    try {
      // The name the team knows this tablet by (the chief can rename it in the office); remembered on the device.
      const name = deviceName.trim() || localStorage.getItem(DEVICE_NAME) || `Tablette ${navigator.platform || ''}`.trim();
      answer = await app.api.enrol(login, password, name.slice(0, 80), await tabletEnrolmentId(app.db));
      if (deviceName.trim()) localStorage.setItem(DEVICE_NAME, deviceName.trim().slice(0, 80));
    } catch (err) {
      if (err instanceof NetworkError) throw new Error(t('Connexion impossible : le réseau est nécessaire pour la première connexion.'));
      if (err instanceof ApiError && err.status === 401) throw new Error(t('Identifiant ou mot de passe incorrect.'));
      throw err;
    }
    const { keyFromSignIn } = await import('./pin.js');
    const { key, changes } = await keyFromSignIn(await getTechnician(app.db, answer.technician.id), password, pin);
    holdKey(answer.technician.id, key);       // the token is sealed with it
    app.technician = await saveEnrolment(app.db, answer, changes);
    await sealOldRows(app.technician.id);
    app.choosing = false;
    location.hash = '#/round';
    await route();
    app.sync();
  },
  /** true, or the attempts left (0: the PIN is forgotten, the password is asked again online). */
  async unlock(shown, pin) {
    performance.mark('tournee:unlock');         // the bench times the PIN check from here to the list
    const { MAX_PIN_FAILURES, forgetPin, keyFromPin } = await import('./pin.js');
    const technician = await takePinTry(app.db, shown.id, MAX_PIN_FAILURES);   // counted before the check
    if (!technician) {        // no try left; a last check cut short (tab closed) may have left the PIN
      const row = await getTechnician(app.db, shown.id);
      if (row?.pin) await updateTechnician(app.db, row.id, forgetPin(row));
      await route();
      return 0;
    }
    const opening = await keyFromPin(technician, pin);
    if (!opening) {
      const failures = technician.pin_failures;
      if (failures >= MAX_PIN_FAILURES) {
        await updateTechnician(app.db, technician.id, forgetPin(technician));
        await route();
      }
      return Math.max(0, MAX_PIN_FAILURES - failures);
    }
    await updateTechnician(app.db, technician.id, { ...opening.changes, pin_failures: 0 });
    holdKey(technician.id, opening.key);
    await sealOldRows(technician.id);
    await route();
    app.sync();
    return true;
  },
  async choose(id) {
    lockAll();
    await setCurrent(app.db, id);
    app.choosing = false;
    await route();
  },
  /** "Changer de technicien": every key leaves this page's memory before the list. */
  async switchUser() {
    lockAll();
    app.choosing = true;
    location.hash = '#/round';
    await route();
  },
  /** Position for a photo or a report: best effort, never blocks more than 1.5 s (PITFALLS 7). */
  position() {
    if (!navigator.geolocation) return Promise.resolve(null);
    return Promise.race([
      new Promise((resolve) => navigator.geolocation.getCurrentPosition(
        (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
        () => resolve(null), { maximumAge: 60000, timeout: 1500 })),
      new Promise((resolve) => setTimeout(() => resolve(null), 1500)),
    ]);
  },
  /** A report parked "à traiter" back to a draft to correct and finish again. */
  async reopen(uuid) {
    const draft = await reopenParked(app.db, uuid);
    if (draft) location.hash = `#/form/${draft.order_id}`;
    else await route();
  },
  afterFinish() {
    location.hash = '#/round';
    app.sync();
  },
  /** A sync now (all queued reports); `{ retry: true }` from timers respects each report's backoff. */
  async sync({ retry = false } = {}) {
    if (!app.engine) return null;
    const result = await app.engine.sync({ force: !retry });
    if (!result.skipped) {
      clearTimeout(app.timer);
      const due = await nextDueAt(app.db);
      if (due != null) app.timer = setTimeout(() => app.sync({ retry: true }), Math.max(1000, due - Date.now()));
      app.lastResult = result;
      showProtocol(result);
      app.bridge?.check();
      const typing = document.activeElement && view.contains(document.activeElement) && document.activeElement.matches('input, select, textarea');
      if (!app.formOpen && !typing) await route();
      else updateBar();
    }
    return result;
  },
});

function onProgress(progress) {
  app.progress = progress;
  updateBar();
  if (location.hash === '#/sync' && progress.phase === 'push') route();   // live progress bar
}

async function boot() {
  performance.mark('tournee:modules');
  app.db = await openDatabase();
  performance.mark('tournee:db');
  app.api = createApi({ headers: syncHeaders });
  app.bridge = startServiceWorker({
    onUpdateReady: () => { app.updateReady = true; showUpdate(); },
    onVersion: (version) => { app.version = version; },
    onOfflineReady: () => { if (document.getElementById('readiness')) route(); },   // refresh the banner only
  });
  window.addEventListener('hashchange', () => route());
  window.addEventListener('online', () => { updateBar(); app.sync(); });
  window.addEventListener('offline', () => updateBar());
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') app.sync(); });
  document.getElementById('bar-sync').addEventListener('click', () => { location.hash = '#/sync'; });
  setInterval(() => app.sync({ retry: true }), 5 * 60 * 1000);
  if (navigator.storage?.persist) navigator.storage.persist().catch(() => false);
  await route();
  // The sync engine loads once the first screen shows: the round list first, then the network.
  const { createSyncEngine } = await import('./sync/engine.js');
  app.engine = createSyncEngine({ api: app.api, db: app.db, locks: navigator.locks, onProgress });
  document.body.dataset.ready = '1';
  // Screens other than the round load on demand; warm them once the list shows.
  setTimeout(() => ['form', 'order', 'status', 'login', 'countersign'].forEach((name) => import(`./views/${name}.js`)), 1000);
  if (isUnlocked()) app.sync();
}

boot();
