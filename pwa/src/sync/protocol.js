/** The sync protocol version this app speaks (sync/PROTOCOL.md §0, sync/protocol.py on the server).
 *  Sent on every call; a server that finds it too old or too new answers 426 with a French message:
 *  the outbox stays whole and is retried with backoff until the older side is updated. */
export const PROTOCOL_VERSION = 1;
export const PROTOCOL_HEADER = 'X-Tournee-Protocol';

/** The server's French message when it refused our protocol version, else null. */
export function protocolRefusal(err) {
  return err && err.status === 426 ? err.message : null;
}
