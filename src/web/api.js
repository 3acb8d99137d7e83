/** An answer from the API that was not a success, or no answer at all (status 0). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {unknown} [details]
   */
  constructor(status, code, message, details = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Talks to `/api/v1` with the signed-in token. One per session; no global state. */
export class Api {
  #token;
  #onUnauthorized;

  /**
   * @param {string} token
   * @param {() => void} [onUnauthorized] called on a 401, so the page can ask to sign in again
   */
  constructor(token, onUnauthorized = () => undefined) {
    this.#token = token;
    this.#onUnauthorized = onUnauthorized;
  }

  /** @template T @param {string} path @returns {Promise<T>} */
  get(path) {
    return this.request("GET", path);
  }

  /** @template T @param {string} path @param {unknown} [body] @returns {Promise<T>} */
  post(path, body) {
    return this.request("POST", path, body);
  }

  /** @template T @param {string} path @param {unknown} body @returns {Promise<T>} */
  put(path, body) {
    return this.request("PUT", path, body);
  }

  /**
   * @template T
   * @param {string} method
   * @param {string} path under /api/v1
   * @param {unknown} [body]
   * @returns {Promise<T>}
   */
  async request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${this.#token}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    /** @type {Response} */
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, "unreachable", "the server could not be reached");
    }
    const text = await response.text();
    /** @type {any} */
    let parsed = undefined;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): reported by status below, never shown raw.
    }
    if (response.ok) return parsed;
    const error = parsed?.error;
    const failure = new ApiError(
      response.status,
      typeof error?.code === "string" ? error.code : "http_error",
      typeof error?.message === "string" ? error.message : `the server answered ${response.status}`,
      error?.details ?? null,
    );
    if (response.status === 401) this.#onUnauthorized();
    throw failure;
  }
}

/** A path segment, escaped. @param {string | number} value */
export const seg = (value) => encodeURIComponent(String(value));
