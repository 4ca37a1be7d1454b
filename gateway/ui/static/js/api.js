// The JSON API from the browser: the session (token in sessionStorage), calls, problem errors.
//
// The token lives in this tab's sessionStorage and goes out only as a Bearer header: the gateway's
// API reads nothing else (no cookie, so no cross-site request can act for the user), and the tab's
// storage is gone when the window workstation's tab is closed.
import { lang } from "./i18n.js";

const KEY = "civic.session";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || String(status));
    this.status = status;
    this.reason = problem.reason || "";
    this.detail = problem.detail || "";
    // The API's titles are Chinese: in another language the screen gives its own ("Not done").
    this.title = (lang.startsWith("zh") && problem.title) || "";
    this.violations = Array.isArray(problem.violations) ? problem.violations : [];
    this.metadata = problem.metadata || {};
  }
}

export function session() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY));
    return saved && saved.expiresAt > Date.now() ? saved : null;
  } catch {
    return null;
  }
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

// A request id per attempt of a change: a retry of the same submit does nothing twice. Works on
// plain-HTTP intranet hosts too, where crypto.randomUUID is not available.
export function requestId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { status: response.status, title: response.statusText, detail: "" };
  }
}

function urlOf(path, query) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url;
}

// fetch → JSON, or an ApiError carrying the problem's reason, detail and violations.
// Calls on the session renew its token first when it is due (see renewIfDue); a call refused
// because a renewal replaced its token while it was on the way is sent once more with the new one
// (a 401 reaches no service: nothing was done).
// `requestId`: the submission's id as X-Request-Id, for calls without a request_id field of their
// own (the accounts API, /v1/admin/*): its audit row names the submission.
export async function call(method, path, { query, body, file, token, requestId: id } = {}) {
  if (token === undefined) await renewIfDue();
  const bearer = token ?? session()?.token;
  const response = await send(method, urlOf(path, query), bearer, body, file, id);
  if (response.status === 401 && token === undefined && bearer && session()?.token && session().token !== bearer) {
    return outcome(await send(method, urlOf(path, query), session().token, body, file, id));
  }
  return outcome(response);
}

async function send(method, url, bearer, body, file, id) {
  const headers = {};
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (id) headers["X-Request-Id"] = id;
  let payload;
  if (file) {
    headers["Content-Type"] = "application/octet-stream";
    payload = file; // the browser streams the file; it is never read into the page
  } else if (body instanceof URLSearchParams) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  try {
    return await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { reason: "NETWORK", detail: "" });
  }
}

async function outcome(response) {
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.status === 204 ? null : response.json();
}

// The session lasts while the window is used: once half a token's life has gone, the next call or
// key press or click exchanges it for a fresh one (POST /v1/auth/renew; the old one stops working).
// A window left alone signs out when its token expires, and no session outlasts the gateway's
// session_max_s (a working day) without the password. One renewal at a time.
const RENEW_AFTER = 0.5; // of the token's life
const DEFAULT_LIFETIME_MS = 15 * 60 * 1000;
let renewing = null;

export function renewIfDue() {
  const current = session();
  if (!current) return Promise.resolve(null);
  const lifetime = current.lifetime || DEFAULT_LIFETIME_MS;
  if (current.expiresAt - Date.now() > lifetime * (1 - RENEW_AFTER)) return Promise.resolve(current);
  renewing ||= renew(current).finally(() => { renewing = null; });
  return renewing;
}

async function renew(current) {
  try {
    const issued = await outcome(await send("POST", urlOf("/v1/auth/renew"), current.token));
    const lifetime = issued.expires_in * 1000;
    const saved = { ...current, token: issued.access_token, expiresAt: Date.now() + lifetime, lifetime };
    sessionStorage.setItem(KEY, JSON.stringify(saved));
    window.dispatchEvent(new CustomEvent("civic:session", { detail: saved }));
    return saved;
  } catch {
    return current; // not renewed (the working day is over, the account stopped): it ends when its token does
  }
}

export const get = (path, query) => call("GET", path, { query });
export const post = (path, body, query) => call("POST", path, { body, query });

export async function signIn(username, password) {
  const form = new URLSearchParams({ grant_type: "password", username, password });
  const issued = await call("POST", "/v1/auth/token", { body: form, token: "" });
  const token = issued.access_token;
  const me = await call("GET", "/v1/auth/me", { token });
  let office = { officeCode: me.jurisdiction, displayName: me.jurisdiction };
  if (me.roles.some((r) => r.startsWith("marriage_") || r === "supervisor")) {
    try {
      const { offices } = await call("GET", "/v1/offices", { token, query: { pageSize: 100 } });
      office = offices.find((o) => o.officeCode.startsWith(me.jurisdiction)) || office;
    } catch {
      // the office list is a convenience; the jurisdiction code stands in for it
    }
  }
  const saved = {
    token, expiresAt: Date.now() + issued.expires_in * 1000, lifetime: issued.expires_in * 1000, subject: me.subject,
    displayName: me.displayName || me.subject, roles: me.roles, jurisdiction: me.jurisdiction,
    officeCode: office.officeCode, officeName: office.displayName,
  };
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  return saved;
}

export async function signOut() {
  try {
    await call("POST", "/v1/auth/revoke", { token: session()?.token ?? "" }); // as it is: no renewal first
  } finally {
    clearSession();
  }
}
