/** The tablet's HTTP client of /api/v1 (sync/PROTOCOL.md): bearer token, JSON, typed errors. */
import { t } from './i18n.js';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from './sync/protocol.js';

export class NetworkError extends Error {
  constructor(cause) { super(t('Réseau indisponible')); this.cause = cause; }
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || t('Erreur du serveur ({status})', { status }));
    this.status = status;
    this.body = body || {};
  }
}

/** Worth retrying later: network down, server error (503 database away, 507 disk full), timeout, too
 *  many requests, or a protocol version the server refuses (426: retried once an update came). */
export function isRetryable(err) {
  return err instanceof NetworkError || (err instanceof ApiError
    && (err.status >= 500 || err.status === 408 || err.status === 429 || err.status === 426));
}

/** `headers()` gives the extra headers of each call (app version, queue depth, storage…). */
export function createApi({ base = '/api/v1', fetchFn = (...a) => fetch(...a), headers = () => ({}) } = {}) {
  async function call(method, path, { token, json, body, contentType, accept = 'json', extra = {} } = {}) {
    const h = { ...(await headers()), ...extra, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
    if (token) h.Authorization = `Bearer ${token}`;
    if (json !== undefined) h['Content-Type'] = 'application/json';
    if (contentType) h['Content-Type'] = contentType;
    let response;
    try {
      response = await fetchFn(base + path, { method, headers: h, cache: 'no-store',
        body: json !== undefined ? JSON.stringify(json) : body });
    } catch (err) {
      throw new NetworkError(err);
    }
    const data = accept === 'json' && method !== 'HEAD' ? await response.json().catch(() => null) : null;
    if (!response.ok) throw new ApiError(response.status, data);
    return { status: response.status, data };
  }

  return {
    /** `enrolmentId`: the tablet's own id for its enrolment (idempotent, PROTOCOL §2). */
    async enrol(login, password, deviceName, enrolmentId) {
      const json = { login, password, device_name: deviceName };
      if (enrolmentId) json.enrolment_id = enrolmentId;
      return (await call('POST', '/devices', { json })).data;
    },
    async pull(token, cursor, limit = 200) {
      const query = new URLSearchParams({ cursor: cursor || '', limit: String(limit) });
      return (await call('GET', `/sync/pull?${query}`, { token })).data;
    },
    /** `proofs`: {report uuid: proof} of the reports countersigned on the tablet (PROTOCOL §8),
     *  sent beside the reports, never inside them; left out when there is none. */
    async push(token, reports, proofs = {}) {
      const json = Object.keys(proofs).length ? { reports, countersignature_proofs: proofs } : { reports };
      return (await call('POST', '/sync/push', { token, json })).data;
    },
    async putBlob(token, sha256, data, contentType) {
      return call('PUT', `/blobs/${sha256}`, { token, body: data, contentType });
    },
    /** Resumable upload (PROTOCOL §5): {offset, complete} of what the server holds of a blob. */
    async uploadProgress(token, sha256) {
      return (await call('GET', `/blobs/${sha256}/upload`, { token })).data;
    },
    /** The bytes of a blob from `offset` on; a 409 carries the offset the server holds. */
    async uploadPart(token, sha256, part, offset, total) {
      return (await call('PATCH', `/blobs/${sha256}/upload`, { token, body: part,
        contentType: 'application/offset+octet-stream',
        extra: { 'Upload-Offset': String(offset), 'Upload-Length': String(total) } })).data;
    },
    async hasBlob(token, sha256) {
      try {
        await call('HEAD', `/blobs/${sha256}`, { token });
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return false;
        throw err;
      }
    },
  };
}
