/** Where the signed-in API key lives: this tab's sessionStorage, gone when the tab closes. */
const STORAGE_KEY = "tasker.apiKey";

/** The API key this tab signed in with, or `null`. */
export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Keeps `key` for this tab (`null`: signs out). */
export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, key);
}

/** The headers that authenticate a request as the gateway reads them (`Authorization: Bearer`), if signed in. */
export function authHeaders(): Record<string, string> {
  const key = storedKey();
  return key === null ? {} : { authorization: `Bearer ${key}` };
}
