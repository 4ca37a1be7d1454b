// The JSON API from the browser: the session (token in sessionStorage), calls, problem errors.
//
// The token lives in this tab's sessionStorage and goes out only as a Bearer header: the gateway's
// API reads nothing else (no cookie, so no cross-site request can act for the user), and the tab's
// storage is gone when the window workstation's tab is closed.
const KEY = "civic.session";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || String(status));
    this.status = status;
    this.reason = problem.reason || "";
    this.detail = problem.detail || "";
    this.title = problem.title || "";
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
export async function call(method, path, { query, body, file, token } = {}) {
  const headers = {};
  const bearer = token ?? session()?.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
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
  let response;
  try {
    response = await fetch(urlOf(path, query), { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { reason: "NETWORK", detail: "" });
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.status === 204 ? null : response.json();
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
    token, expiresAt: Date.now() + issued.expires_in * 1000, subject: me.subject,
    displayName: me.displayName || me.subject, roles: me.roles, jurisdiction: me.jurisdiction,
    officeCode: office.officeCode, officeName: office.displayName,
  };
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  return saved;
}

export async function signOut() {
  try {
    await call("POST", "/v1/auth/revoke");
  } finally {
    clearSession();
  }
}
