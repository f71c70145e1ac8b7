/** The form screen: draft saved at every change, photos and signatures stored as verified blobs,
 *  "Terminer" only when the form's validator accepts the outcome and answers. When a chief may
 *  countersign on this tablet, "Faire contresigner par le chef" validates the same way, then shows
 *  the chief's review in place of the form (views/countersign.js, loaded on demand). */
import { t } from '../i18n.js';
import { dropUnreferenced, getBlob, saveBlob } from '../db/blobs.js';
import { abandonDraft, saveDraft } from '../db/drafts.js';
import { finishReport } from '../db/reports.js';
import { countersignersOf } from '../db/technicians.js';
import { compress } from '../forms/fields/photo.js';
import { el } from '../forms/fields/dom.js';
import { impliedAnswers, renderForm } from '../forms/render.js';
import { buildReport, isoWithOffset, namedBlobs } from '../forms/report.js';
import { orderContext, validateSubmission } from '../forms/validate.js';
import { TYPES } from './labels.js';

export function newDraft(tech, order, definition) {
  return { tech, order_id: order.id, uuid: crypto.randomUUID(), order_version: order.version,
    form_type: definition.type, form_version: definition.version, outcome: 'done', reason_code: null,
    answers: impliedAnswers(definition, 'done', null, {}), attachments: {}, started_at: isoWithOffset(new Date()) };
}

export async function renderFormView(root, app, { order, definition, draft: stored }) {
  const tech = app.technician.id;
  const draft = stored || newDraft(tech, order, definition);
  const message = el('p', { class: 'bad', role: 'alert', id: 'form-message' });
  let saving = stored ? Promise.resolve() : saveDraft(app.db, draft);
  let showAll = false;
  const urls = [];
  const save = () => {
    // One write at a time, in order; a failed write does not block the next ones.
    saving = saving.catch(() => {}).then(() => saveDraft(app.db, { ...draft, answers: { ...draft.answers } }))
      .then(() => { message.textContent = ''; },
        (err) => { message.textContent = t('Brouillon non enregistré : {error}', { error: err.message }); throw err; });
    return saving;
  };

  const services = {
    technicianName: app.technician.name,
    async addPhoto(file, field) {
      const buffer = await compress(file);
      const position = await app.position();
      const meta = await saveBlob(app.db, tech, buffer, { content_type: 'image/jpeg',
        captured_at: isoWithOffset(new Date()), lat: position?.lat, lon: position?.lon });
      draft.attachments[meta.sha256] = { ...meta, field, kind: 'photo' };
      return meta;
    },
    async addSignature(buffer, field) {
      const meta = await saveBlob(app.db, tech, buffer, { content_type: 'image/png', captured_at: isoWithOffset(new Date()) });
      draft.attachments[meta.sha256] = { ...meta, field, kind: 'signature' };
      return meta;
    },
    async photoUrl(sha256) {
      const blob = await getBlob(app.db, tech, sha256);
      const url = URL.createObjectURL(new Blob([blob.data], { type: blob.content_type }));
      urls.push(url);
      return url;
    },
    async forget(sha256) {
      if (namedBlobs(definition, draft.answers).some((b) => b.sha256 === sha256)) return;
      delete draft.attachments[sha256];
      await save();
      await dropUnreferenced(app.db, tech, sha256);
    },
  };

  const context = orderContext(order);
  const errorsNow = () => validateSubmission(definition, draft.outcome, draft.answers, context, draft.reason_code);
  const touched = new Set();
  function refresh() {
    view.showRelevant(draft.answers);
    const errors = errorsNow();
    view.showErrors(showAll ? errors : Object.fromEntries(Object.entries(errors).filter(([k]) => touched.has(k))));
    return errors;
  }
  async function onChange(patch) {
    if (patch.answers) Object.keys(patch.answers).forEach((k) => touched.add(k));
    const implied = 'outcome' in patch ? impliedAnswers(definition, patch.outcome, draft.outcome, draft.answers) : {};
    Object.assign(draft, { ...patch, answers: { ...draft.answers, ...implied, ...(patch.answers || {}) } });
    refresh();
    await save().catch(() => {});      // the message says it; the next change tries again
    if ('outcome' in patch) redraw();
  }

  const formBox = el('div', { id: 'form' });
  /** Every error shown; false (and the first invalid field in view) unless the report is complete. */
  function complete() {
    showAll = true;
    const errors = refresh();
    if (!Object.keys(errors).length) return true;
    const missing = definition.fields.filter((f) => errors[f.id]).map((f) => f.label);
    if (errors.outcome || errors.reason_code) missing.unshift(t('Résultat ou motif'));
    message.textContent = t('À compléter : {fields}.', { fields: missing.join(', ') });
    const first = [...root.querySelectorAll('.field.invalid, [data-field="outcome"]')].find((f) => !f.closest('[hidden]') && (errors[f.dataset.field] || (f.dataset.field === 'outcome' && errors.reason_code)));
    if (first) {
      view.showStepOf?.(first);
      first.scrollIntoView({ block: 'center' });
      first.querySelector('input:not([type=file]), canvas, select, textarea, button')?.focus({ preventScroll: true });
    }
    return false;
  }
  function done() {
    urls.forEach((u) => URL.revokeObjectURL(u));
    app.formOpen = false;
    app.afterFinish();
  }

  /** The REPORT of the draft as saved (every pending write done), at this moment and place. */
  async function reportNow() {
    await saving;
    return buildReport(definition, draft, { now: new Date(), position: await app.position() });
  }

  const finish = el('button', { type: 'button', class: 'primary', id: 'finish', text: t('Terminer'), onclick: async () => {
    if (!complete()) return;
    finish.disabled = true;
    message.textContent = t('Enregistrement…');
    try {
      await finishReport(app.db, tech, await reportNow());
      done();
    } catch (err) {
      finish.disabled = false;
      message.textContent = err.message;
    }
  } });

  const back = el('p', {}, el('a', { href: `#/order/${order.id}`, class: 'btn', text: t('← Ordre') }));
  const editor = el('div', { id: 'form-editor' });
  const panel = el('section', { id: 'countersign', hidden: true });
  function showEditor(on) {
    back.hidden = !on;
    editor.hidden = !on;
    editor.inert = !on;                    // hidden and not editable while the chief reviews
    panel.hidden = on;
    if (on) panel.replaceChildren();
  }
  const countersign = countersignersOf(app.technician).length ? el('button', { type: 'button', id: 'countersign-start',
    text: t('Faire contresigner par le chef'), onclick: async () => {
      if (!complete()) return;
      countersign.disabled = true;
      message.textContent = t('Préparation de la relecture…');
      try {
        const report = await reportNow();
        const { renderCountersign } = await import('./countersign.js');
        await renderCountersign(panel, app, { order, definition, report, services,
          onCancel: () => showEditor(true), onDone: done });
        message.textContent = '';
        showEditor(false);
        panel.scrollIntoView({ block: 'start' });
      } catch (err) {
        message.textContent = err.message;
      } finally {
        countersign.disabled = false;
      }
    } }) : null;

  const abandon = el('button', { type: 'button', class: 'danger', id: 'abandon-draft', text: t('Abandonner le brouillon'),
    onclick: async () => {
      if (!window.confirm(t('Abandonner ce brouillon ? Les saisies et photos de ce compte-rendu seront effacées de la tablette.'))) return;
      await saving.catch(() => {});
      await abandonDraft(app.db, tech, order.id);
      urls.forEach((u) => URL.revokeObjectURL(u));
      app.formOpen = false;
      location.hash = `#/order/${order.id}`;
    } });
  // A report the server refused, reopened from "à traiter": say why, so the technician knows what to fix.
  const refused = draft.reopened ? el('p', { class: 'ready bad', role: 'alert', id: 'reopened-reason',
    text: `${t('Refusé par le serveur')} : ${draft.reopened.message || ''} ${Object.entries(draft.reopened.errors || {})
      .map(([k, v]) => `${k} : ${v.join(' ')}`).join(' ; ')}` }) : '';

  let view;
  function redraw() { view = renderForm(formBox, { definition, order, draft, services, onChange, context, title: t(TYPES[order.type] || definition.title) }); refresh(); }
  editor.append(refused, el('p', { class: 'hint', text: t('Chaque saisie est enregistrée sur la tablette immédiatement.') }),
    formBox, el('div', { class: 'actions' }, abandon));
  // The action bar stays in view (sticky at the bottom of the screen) whatever the length of the form.
  const bar = el('div', { class: 'action-bar', id: 'form-actions' }, message, el('div', { class: 'actions' }, finish, countersign));
  editor.append(bar);
  root.replaceChildren(back, el('h1', { text: `${order.ref} — ${order.premises?.address || ''}` }), editor, panel);
  redraw();
  await saving.catch(() => {});
}
