// The scanner's calls to the server. A paired phone sends its device token (Authorization:
// Bearer); an organiser's browser its session (with the CSRF token).
import { saved } from "./storage.js";

const REQUEST_TIMEOUT = 4000; // bad Wi-Fi: answer from the list rather than keep the door waiting

export class ApiError extends Error {
  constructor(status, payload) {
    super(String(status));
    this.status = status;
    this.payload = payload;
  }
}

const hooks = { reachable() {}, unauthorized() {} };

/** `reachable(bool)` after every call (false: no network, or a server error); `unauthorized()`
 * when the server refuses this phone's token. */
export function watchApi({ reachable, unauthorized }) {
  Object.assign(hooks, { reachable, unauthorized });
}

const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";

async function send(url, { method = "GET", body, timeout = REQUEST_TIMEOUT, headers: more = {} } = {}) {
  const headers = { Accept: "application/json", ...more };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (saved.token) headers.Authorization = `Bearer ${saved.token}`;
  else headers["X-CSRFToken"] = csrfToken();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: saved.token ? "omit" : "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (error) {
    hooks.reachable(false);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  hooks.reachable(response.status < 500);
  return response;
}

async function answerOf(response) {
  const payload = await response.json().catch(() => null);
  if (response.status === 401 && saved.token) hooks.unauthorized();
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

export async function api(url, options) {
  return answerOf(await send(url, options));
}

/** A list the server tags (the check-in list): `{list, etag}`, or `{list: null, etag, at}` when the
 * `etag` of the list this phone has is still current (304, no body; `at`: the server's clock). */
export async function listIfChanged(url, etag, { timeout } = {}) {
  const response = await send(url, { timeout, headers: etag ? { "If-None-Match": etag } : {} });
  if (response.status === 304) {
    const date = response.headers.get("Date");
    return { list: null, etag, at: (date ? new Date(date) : new Date()).toISOString() };
  }
  return { list: await answerOf(response), etag: response.headers.get("ETag") };
}

export const isNetworkTrouble = (error) => !(error instanceof ApiError) || error.status >= 500;

/** The pairing QR's one-time code for the device's token: `{response, payload}`; throws without network. */
export async function exchangePairingCode(url, code) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ code }),
    credentials: "omit",
  });
  const payload = await response.json().catch(() => null);
  return { response, payload };
}
