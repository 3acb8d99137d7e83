const KEY = "gitsync.token";

/** The API token lives for the browser tab's session only: closing the tab signs out. */
export const session = {
  /** @returns {string | null} */
  token() {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  /** @param {string} token */
  save(token) {
    sessionStorage.setItem(KEY, token);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};
