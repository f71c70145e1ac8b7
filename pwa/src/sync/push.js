/** Push: blobs by hash first, then the reports; each report leaves the outbox only on the
 *  server's acknowledgement (applied, duplicate, conflict); refusals are parked (PROTOCOL §4, §7).
 *  A report countersigned on the tablet goes with the proof its outbox entry holds, at every push
 *  until acknowledged; the server's verdict on it is kept on the report (§8). */
import { ApiError, isRetryable } from '../api.js';
import { getBlob, markUploaded } from '../db/blobs.js';
import { acknowledge, park, reportToSend } from '../db/reports.js';
import { t } from '../i18n.js';
import { requireKey } from '../vault.js';
import { uploadBlob as uploadBlobData } from './upload.js';

export const ACKNOWLEDGED = new Set(['applied', 'duplicate', 'conflict']);
const MAX_BATCH = 50;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Uploads one blob unless already acknowledged; a permanent refusal is returned as a reason. */
async function uploadBlob({ api, db, technician, sha256, force, progress }) {
  const blob = await getBlob(db, technician.id, sha256);
  const missing = { refused: t('Pièce jointe {hash}… absente de la tablette', { hash: sha256.slice(0, 12) }) };
  if (!blob) return missing;
  if (blob.uploaded && !force) return {};
  if (blob.sealed) {              // never its sealed bytes: locked meanwhile (Locked stops the push), or damaged
    requireKey(technician.id);
    return missing;
  }
  try {
    await uploadBlobData(api, technician.token, sha256, blob.data, blob.content_type);
  } catch (err) {
    if (isRetryable(err) || (err instanceof ApiError && err.status === 401)) throw err;
    return { refused: err.message };
  }
  await markUploaded(db, technician.id, sha256);
  progress.bytes(blob.size);
  return {};
}

/** Uploads the blobs a report names; returns a refusal reason or null. */
async function uploadBlobsOf(ctx, body, only = null) {
  for (const attachment of body.attachments) {
    if (only && !only.includes(attachment.sha256)) continue;
    const { refused } = await uploadBlob({ ...ctx, sha256: attachment.sha256, force: Boolean(only) });
    if (refused) return refused;
  }
  return null;
}

function batches(bodies) {
  const out = [];
  let current = [];
  let size = 0;
  for (const body of bodies) {
    const bytes = JSON.stringify(body).length;
    if (current.length && (current.length >= MAX_BATCH || size + bytes > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(body);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}

/** Sends the bodies; handles each result; pushes again those awaiting blobs once. */
async function sendBatch(ctx, bodies, retriesLeft = 1) {
  const proofs = Object.fromEntries(bodies.filter((b) => ctx.proofs[b.uuid]).map((b) => [b.uuid, ctx.proofs[b.uuid]]));
  const { results } = await ctx.api.push(ctx.technician.token, bodies, proofs);
  const again = [];
  for (const [i, result] of results.entries()) {
    const body = bodies.find((b) => b.uuid === result.uuid) || bodies[i];
    if (ACKNOWLEDGED.has(result.status)) {
      await acknowledge(ctx.db, body.uuid, result, ctx.now ? ctx.now() : Date.now());
      ctx.progress.report(result.status);
    } else if (result.status === 'awaiting_blobs') {
      const refused = await uploadBlobsOf(ctx, body, result.missing_blobs || []);
      if (refused) await park(ctx.db, body.uuid, { status: 'blob_refused', message: refused });
      else again.push(body);
    } else {
      await park(ctx.db, body.uuid, { status: result.status, errors: result.errors || {},
        message: result.status === 'mismatch' ? t('Contenu différent déjà reçu par le serveur (409).')
          : t('Refusé par le serveur.') });
      ctx.progress.report(result.status);
    }
  }
  if (again.length && retriesLeft > 0) return sendBatch(ctx, again, retriesLeft - 1);
  return again.map((b) => b.uuid);   // still awaiting: retried at the next sync
}

/** Pushes the due entries of one technician. Throws network/5xx/401 errors to the engine. */
export async function pushEntries(context, entries) {
  const ctx = { ...context, proofs: { ...(context.proofs || {}) } };
  for (const entry of entries) if (entry.proof) ctx.proofs[entry.uuid] = entry.proof;
  const bodies = [];
  for (const entry of entries) {
    const row = await reportToSend(ctx.db, entry.uuid);
    if (!row) continue;
    const refused = await uploadBlobsOf(ctx, row.body);
    if (refused) await park(ctx.db, entry.uuid, { status: 'blob_refused', message: refused });
    else bodies.push(row.body);
  }
  const waiting = [];
  for (const batch of batches(bodies)) {
    try {
      waiting.push(...await sendBatch(ctx, batch));
    } catch (err) {
      if (isRetryable(err) || !(err instanceof ApiError) || err.status === 401) throw err;
      if (batch.length === 1) {
        await park(ctx.db, batch[0].uuid, { status: `http_${err.status}`, message: err.message });
      } else {
        for (const body of batch) waiting.push(...await pushEntries(ctx, [{ uuid: body.uuid }]));
      }
    }
  }
  return waiting;
}
