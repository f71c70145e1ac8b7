/** The chief's countersignature on the technician's tablet (PROTOCOL §8, DESIGN E7/E11): a read-only
 *  review of the finished report, the chief chosen among the tablet's countersigners, their drawing
 *  and their countersignature code. The code derives a key that proves the chief to the server; the
 *  code and the key live only in this function's variables for the time of the computation, never
 *  stored, never logged. Loaded on demand by the form view. */
import { formatDate, t } from '../i18n.js';
import { dropUnreferenced, saveBlob } from '../db/blobs.js';
import { SequenceMoved, finishReport, nextDeviceSeq } from '../db/reports.js';
import { countersignersOf } from '../db/technicians.js';
import { el } from '../forms/fields/dom.js';
import { signaturePad } from '../forms/fields/signature.js';
import { isoWithOffset } from '../forms/report.js';
import { contentSha256, countersignatureProof, deriveKey } from '../sync/proof.js';

/** dd/mm/yyyy hh:mm of a tablet time (ISO with offset), as written (the device's local time). */
function when(iso) {
  return iso ? `${formatDate(iso)} ${String(iso).slice(11, 16)}` : '—';
}

function fact(term, ...value) {
  return [el('dt', { text: term }), el('dd', {}, ...value)];
}

function indexText(value, order) {
  const meter = order.meter || {};
  const parts = [String(value)];
  if (meter.previous_index != null) {
    parts.push(t('index précédent {index} du {date}, consommation {used}', { index: meter.previous_index,
      date: formatDate(meter.previous_date) || '?', used: value - meter.previous_index }));
  }
  if (meter.plausible_min != null || meter.plausible_max != null) {
    const inside = (meter.plausible_min == null || value >= meter.plausible_min)
      && (meter.plausible_max == null || value <= meter.plausible_max);
    parts.push(t('plage plausible {min} – {max} : {verdict}', { min: meter.plausible_min ?? '…', max: meter.plausible_max ?? '…',
      verdict: inside ? t('dans la plage') : t('hors de la plage') }));
  }
  return parts.join(' — ');
}

async function image(services, sha256, alt) {
  return el('img', { src: await services.photoUrl(sha256), alt });
}

/** One answer as the chief reads it, with the form's own labels. */
async function answerValue(field, value, order, services) {
  switch (field.type) {
    case 'boolean': return value ? t('oui') : t('non');
    case 'choice': return field.options?.find((o) => o.value === value)?.label ?? String(value);
    case 'checklist': return value.map((id) => field.steps?.find((s) => s.id === id)?.label ?? id).join(' · ');
    case 'person': return [value.name, value.phone, value.email].filter(Boolean).join(' · ');
    case 'index': return el('span', { 'data-index': '' }, indexText(value, order));
    case 'photo': return el('div', { class: 'photos whole' }, await Promise.all(value.map((sha) => image(services, sha, field.label))));
    case 'signature': return el('div', {}, el('div', { text: value.signer_name || '' }),
      value.sha256 ? el('div', { class: 'photos whole' }, await image(services, value.sha256, t('Signature de {name}', { name: value.signer_name || '' }))) : '');
    case 'serial': {
      const expected = order.meter?.serial;
      return expected && expected !== value ? t('{serial} (attendu : {expected})', { serial: value, expected }) : String(value);
    }
    default: return String(value);
  }
}

async function review(report, definition, order, services) {
  const outcome = definition.outcomes.find((o) => o.code === report.outcome);
  const reason = outcome?.reasons?.find((r) => r.code === report.reason_code);
  const answers = [];
  for (const field of definition.fields) {
    if (!(field.id in report.answers)) continue;
    answers.push(...fact(field.label, await answerValue(field, report.answers[field.id], order, services)));
  }
  const position = report.position;
  return el('dl', { class: 'facts card', id: 'countersign-review' },
    fact(t('Résultat'), (outcome?.label || report.outcome) + (reason ? ` — ${reason.label}` : '')),
    answers,
    fact(t('Position'), position ? t('{lat}, {lon} (± {accuracy} m)', { lat: position.lat.toFixed(5), lon: position.lon.toFixed(5),
      accuracy: Math.round(position.accuracy ?? 0) }) : t('non relevée')),
    fact(t('Début'), when(report.started_at)), fact(t('Fin'), when(report.finished_at)));
}

/** Renders the review in `root`; `onCancel()` goes back to the form (draft untouched), `onDone()`
 *  once the countersigned report is finished (queued with its proof, atomically). */
export async function renderCountersign(root, app, { order, definition, report, services, onCancel, onDone }) {
  const tech = app.technician.id;
  const chiefs = countersignersOf(app.technician);
  const message = el('p', { class: 'bad', role: 'alert', id: 'countersign-message' });
  const chooser = el('fieldset', { class: 'card', id: 'countersign-chief' }, el('legend', { text: t('Chef qui contresigne') }),
    chiefs.map((c) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'chief', value: c.login, checked: chiefs.length === 1 }), c.name)));   // one chief listed: preselected
  const pad = signaturePad({ id: 'countersign-pad', label: t('Zone de signature du chef') });
  const code = el('input', { id: 'countersign-code', type: 'password', autocomplete: 'one-time-code', autocapitalize: 'none',
    spellcheck: false });
  const confirm = el('button', { type: 'button', class: 'primary', id: 'countersign-confirm', text: t('Contresigner et terminer') });
  const cancel = el('button', { type: 'button', id: 'countersign-cancel', text: t('Annuler'), onclick: () => onCancel() });

  async function countersign() {
    const login = chooser.querySelector('input[name=chief]:checked')?.value;
    const chief = chiefs.find((c) => c.login === login);
    if (!chief) { message.textContent = t('Choisissez le chef qui contresigne.'); return; }
    if (!pad.strokes.length) { message.textContent = t('Le chef doit signer dans le cadre.'); return; }
    if (!code.value) { message.textContent = t('Saisissez le code de contresignature.'); return; }
    confirm.disabled = true;
    cancel.disabled = true;
    message.className = 'status';
    message.textContent = t('Calcul de la preuve…');
    let secret = code.value;
    code.value = '';
    let key = null;
    let drawing = null;
    try {
      key = await deriveKey(secret, chief.salt, chief.iterations);
      secret = null;
      const captured = isoWithOffset(new Date());
      drawing = await saveBlob(app.db, tech, await pad.png(), { content_type: 'image/png', captured_at: captured });
      const countersigned = { ...report,
        attachments: [...report.attachments, { sha256: drawing.sha256, field: 'countersignature', kind: 'signature',
          content_type: 'image/png', size: drawing.size, captured_at: drawing.captured_at, lat: null, lon: null }],
        countersignature: { chief_login: chief.login, salt: chief.salt, device_time: isoWithOffset(new Date()),
          signature: { sha256: drawing.sha256, signer_name: chief.name, strokes: pad.copy() } } };
      // The proof binds the whole content, device_seq included: fixed first, checked when finishing.
      for (let attempt = 1; ; attempt += 1) {
        const body = { ...countersigned, device_seq: await nextDeviceSeq(app.db, tech) };
        const proof = await countersignatureProof(key, body.uuid, chief.login, await contentSha256(body));
        try {
          await finishReport(app.db, tech, body, { proof });
          break;
        } catch (err) {
          if (!(err instanceof SequenceMoved) || attempt >= 3) throw err;
        }
      }
      drawing = null;
      message.textContent = '';
      onDone();
    } catch (err) {
      if (drawing) dropUnreferenced(app.db, tech, drawing.sha256).catch(() => {});
      message.className = 'bad';
      message.textContent = err.message;
      confirm.disabled = false;
      cancel.disabled = false;
    } finally {
      if (key) key.fill(0);
      secret = null;
    }
  }
  confirm.addEventListener('click', countersign);

  root.replaceChildren(
    el('h2', { text: t('Contresignature du chef') }),
    el('p', { class: 'hint', text: t('Relisez le compte-rendu : une fois contresigné, il ne peut plus être modifié sur la tablette.') }),
    await review(report, definition, order, services),
    chooser,
    el('div', { class: 'field' }, el('label', { for: 'countersign-pad', text: t('Signature du chef') }), pad.canvas,
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'danger', text: t('Effacer la signature'),
        onclick: () => pad.clear() }))),
    el('div', { class: 'field' }, el('label', { for: 'countersign-code', text: t('Code de contresignature') }), code,
      el('div', { class: 'hint', text: t('Le code n\'est ni enregistré ni envoyé : il sert à calculer une preuve vérifiée par le serveur.') })),
    message,
    el('div', { class: 'actions' }, confirm, cancel));
}
