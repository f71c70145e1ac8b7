/** Retry schedule: exponential from 2 s doubling to 5 min, with ±50 % jitter (PITFALLS 9). */

export const BASE_MS = 2000;
export const MAX_MS = 5 * 60 * 1000;

/** Delay before attempt number `attempts + 1`; `random` in [0, 1). */
export function backoffDelay(attempts, random = Math.random) {
  const plain = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(attempts, 20));
  return Math.round(plain * (0.5 + random()));
}
