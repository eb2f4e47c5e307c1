/**
 * The bearer token of the actions: kept in memory and in this tab's `sessionStorage` (gone
 * when the tab closes), never in a URL, a cookie or `localStorage`.
 */
const KEY = 'eleanor-jobs.token';

let memory: string | null = null;

/** The token entered in this tab, or `null`. */
export function getToken(): string | null {
  if (memory !== null) return memory;
  try {
    memory = sessionStorage.getItem(KEY);
  } catch {
    // storage disabled: memory only
  }
  return memory;
}

/** Remembers `token` for this tab. */
export function setToken(token: string): void {
  memory = token;
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: memory only
  }
}

/** Forgets the token. */
export function clearToken(): void {
  memory = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: memory only
  }
}
