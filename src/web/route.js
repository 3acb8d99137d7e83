/**
 * Where the page is, read from the URL's hash so the server only ever serves `/`.
 * @typedef {{ view: "home" }
 *   | { view: "overview", tenant: string }
 *   | { view: "history", tenant: string, query: URLSearchParams }
 *   | { view: "pulls", tenant: string }
 *   | { view: "pull", tenant: string, number: number }
 *   | { view: "import", tenant: string }
 *   | { view: "settings", tenant: string }
 *   | { view: "resource", tenant: string, kind: string, name: string }
 *   | { view: "missing", path: string }} Place
 */

/** @param {string} hash @returns {Place} */
export function parsePlace(hash) {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?");
  /** @type {string[]} */
  let parts;
  try {
    parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  } catch {
    return { view: "missing", path };
  }
  if (parts.length === 0) return { view: "home" };
  const tenant = parts[1];
  if (parts[0] !== "t" || tenant === undefined) return { view: "missing", path };
  const [first, second, ...more] = parts.slice(2);
  if (first === "resources" && second !== undefined && more.length === 1 && more[0]) {
    return { view: "resource", tenant, kind: second, name: more[0] };
  }
  if (more.length > 0) return { view: "missing", path };
  if (first === undefined) return { view: "overview", tenant };
  if (first === "history" && second === undefined) return { view: "history", tenant, query: new URLSearchParams(search) };
  if (first === "pulls" && second === undefined) return { view: "pulls", tenant };
  if (first === "pulls" && second !== undefined && /^\d+$/.test(second)) return { view: "pull", tenant, number: Number(second) };
  if (first === "import" && second === undefined) return { view: "import", tenant };
  if (first === "settings" && second === undefined) return { view: "settings", tenant };
  return { view: "missing", path };
}

/**
 * The hash of a place in a tenant: `href(t, "history")` is `#/t/<t>/history`.
 * @param {string} tenant
 * @param {...(string | number)} rest
 */
export function href(tenant, ...rest) {
  return `#/t/${[tenant, ...rest].map((p) => encodeURIComponent(String(p))).join("/")}`;
}

/**
 * Where one sync log entry shows with its findings: the history page that starts at it.
 * @param {string} tenant @param {number} id
 */
export function entryHref(tenant, id) {
  return `${href(tenant, "history")}?${new URLSearchParams({ before: String(id + 1), entry: String(id) }).toString()}`;
}
