/** Blob uploads (PROTOCOL §5): small blobs in one PUT; larger ones by resumable parts, so that a
 *  photo cut at 9 MB on a bad network goes on from what the server holds instead of from zero.
 *  The server verifies the SHA-256 of the whole when the last part arrives. No DOM here. */
import { ApiError } from '../api.js';

export const PART_BYTES = 1024 * 1024;

/** Uploads `data` (an ArrayBuffer) named `sha256`; resolves when the server holds all of it. Network
 *  errors and refusals are thrown as the API raises them (the caller retries or parks). */
export async function uploadBlob(api, token, sha256, data, contentType) {
  const total = data.byteLength ?? data.size;  // an ArrayBuffer (or a Blob)
  if (total <= PART_BYTES) {
    await api.putBlob(token, sha256, data, contentType);
    return;
  }
  let { offset, complete } = await api.uploadProgress(token, sha256);
  const maxRounds = Math.ceil(total / PART_BYTES) + 10;  // bounded even against a confused server
  for (let round = 0; !complete; round += 1) {
    if (round >= maxRounds) throw new ApiError(409, { message: 'Envoi par parties sans progrès' });
    const part = data.slice(offset, Math.min(offset + PART_BYTES, total));
    try {
      ({ offset, complete } = await api.uploadPart(token, sha256, part, offset, total));
    } catch (err) {
      const held = err instanceof ApiError && err.status === 409 ? err.body.offset : undefined;
      if (!Number.isInteger(held)) throw err;
      offset = held;  // the server holds another count of bytes: go on from there
    }
  }
}
