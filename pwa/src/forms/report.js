/** Builds the REPORT of the contract from a draft (pure: no DOM, no storage). */

/** ISO 8601 with the device's offset, e.g. 2026-03-02T09:12:30+01:00 (PROTOCOL: tablet times). */
export function isoWithOffset(date) {
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** [{sha256, field, kind}] named by the answers: photo lists and signatures. */
export function namedBlobs(definition, answers) {
  const out = [];
  for (const field of definition.fields) {
    const value = answers[field.id];
    if (field.type === 'photo' && Array.isArray(value)) value.forEach((sha256) => out.push({ sha256, field: field.id, kind: 'photo' }));
    if (field.type === 'signature' && value && value.sha256) out.push({ sha256: value.sha256, field: field.id, kind: 'signature' });
  }
  return out;
}

function blank(value) {
  return value == null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** The REPORT to queue (device_seq is added when it is written to the outbox). */
export function buildReport(definition, draft, { now, position }) {
  const answers = Object.fromEntries(Object.entries(draft.answers).filter(([, v]) => !blank(v)));
  const attachments = namedBlobs(definition, answers).map(({ sha256, field, kind }) => {
    const meta = draft.attachments[sha256] || {};
    return { sha256, field, kind, content_type: meta.content_type || (kind === 'signature' ? 'image/png' : 'image/jpeg'),
      size: meta.size, captured_at: meta.captured_at ?? null, lat: meta.lat ?? null, lon: meta.lon ?? null };
  });
  const time = isoWithOffset(now);
  return { uuid: draft.uuid, order_id: draft.order_id, order_version: draft.order_version,
    form_type: draft.form_type, form_version: draft.form_version, device_time: time,
    outcome: draft.outcome, reason_code: draft.reason_code || null, answers, attachments,
    position: position || null, started_at: draft.started_at, finished_at: time, countersignature: null };
}
