const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 30_000;

/** The delay before attempt `attempt + 1` (attempts count from 1): 250 ms, doubling, at most 30 s. */
export function exponentialBackoff(attempt: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
}
