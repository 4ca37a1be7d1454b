// Civic API docs: renders /openapi.json (no third-party code, no CDN) and lets a signed-in user try calls.
"use strict";

const TOKEN_KEY = "civic.docs.token";
let spec = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function resolve(schema) {
  let current = schema || {};
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const name = decodeURIComponent(current.$ref.split("/").pop());
    current = { ...spec.components.schemas[name], "x-name": name };
  }
  return current;
}

// A readable sketch of a schema: an example-shaped JSON with types in place of values.
function sketch(schema, depth = 0, seen = new Set()) {
  const s = resolve(schema);
  if (s["x-name"] && seen.has(s["x-name"])) return `<${s["x-name"]}>`;
  const next = new Set(seen);
  if (s["x-name"]) next.add(s["x-name"]);
  if (depth > 6) return "…";
  if (s.enum) return s.enum.join(" | ");
  if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map((x) => JSON.stringify(sketch(x, depth + 1, next))).join(" | ");
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === "object" && s.properties) {
    const out = {};
    for (const [key, value] of Object.entries(s.properties)) {
      out[key + (value.readOnly ? " (只读)" : "")] = sketch(value, depth + 1, next);
    }
    return out;
  }
  if (type === "object") return s.additionalProperties ? { "<key>": sketch(s.additionalProperties, depth + 1, next) } : {};
  if (type === "array") return [sketch(s.items, depth + 1, next)];
  return [type || "any", s.format].filter(Boolean).join(":");
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

async function showWho() {
  const who = document.getElementById("who");
  if (!token()) { who.textContent = "未登录"; return; }
  const response = await fetch("/v1/auth/me", { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) { sessionStorage.removeItem(TOKEN_KEY); who.textContent = "未登录"; return; }
  const me = await response.json();
  who.textContent = `已登录：${me.displayName || me.subject}（${[...me.roles, ...me.scopes].join("、")}）`;
}

async function signIn(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = new URLSearchParams({ grant_type: "password", username: form.get("username"), password: form.get("password") });
  const response = await fetch("/v1/auth/token", { method: "POST", body });
  const result = await response.json();
  if (!response.ok) { alert(`${result.title}：${result.detail}`); return; }
  sessionStorage.setItem(TOKEN_KEY, result.access_token);
  event.target.reset();
  showWho();
}

async function signOut() {
  if (token()) await fetch("/v1/auth/revoke", { method: "POST", headers: { Authorization: `Bearer ${token()}` } });
  sessionStorage.removeItem(TOKEN_KEY);
  showWho();
}

function parameterTable(parameters) {
  if (!parameters.length) return null;
  return el("table", {},
    el("tr", {}, el("th", {}, "参数"), el("th", {}, "位置"), el("th", {}, "类型"), el("th", {}, "说明")),
    parameters.map((p) => el("tr", {},
      el("td", {}, p.name, p.required ? " *" : ""), el("td", {}, p.in),
      el("td", {}, JSON.stringify(sketch(p.schema))), el("td", {}, p.description || ""))));
}

function tryIt(path, method, op) {
  const params = op.parameters || [];
  const inputs = params.map((p) => [p, el("input", { placeholder: `${p.name}（${p.in}）` })]);
  const media = op.requestBody ? Object.keys(op.requestBody.content)[0] : null;
  const body = media ? el("textarea", { spellcheck: "false" }) : null;
  if (body && media === "application/json") body.value = "{\n}";
  const output = el("pre", { class: "hidden" });
  async function send() {
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const [p, input] of inputs) {
      if (!input.value) continue;
      if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(input.value));
      else if (p.in === "query") query.append(p.name, input.value);
      else if (p.in === "header") headers[p.name] = input.value;
    }
    if (token()) headers.Authorization = `Bearer ${token()}`;
    if (body) headers["Content-Type"] = media;
    const started = performance.now();
    const response = await fetch(url + (query.toString() ? `?${query}` : ""), {
      method: method.toUpperCase(), headers, body: body ? body.value : undefined,
    });
    const text = await response.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON */ }
    output.className = response.ok ? "status-ok" : "status-err";
    output.textContent = `${response.status} ${response.statusText}（${Math.round(performance.now() - started)} ms，` +
      `X-Request-Id: ${response.headers.get("X-Request-Id")}）\n\n${shown}`;
  }
  return el("div", {}, el("h4", {}, "试一试"), inputs.map(([, input]) => input), body,
    el("p", {}, el("button", { class: "primary", type: "button", onclick: send }, "发送")), output);
}

function operationView(path, method, op) {
  const okResponse = Object.entries(op.responses || {}).find(([code]) => code.startsWith("2"));
  const okSchema = okResponse && okResponse[1].content ? Object.values(okResponse[1].content)[0].schema : null;
  const roles = (op["x-civic-roles"] || []).join("、");
  const scopes = (op["x-civic-scopes"] || []).join("、");
  const requestSchema = op.requestBody ? Object.values(op.requestBody.content)[0].schema : null;
  const details = el("details", { class: "op", "data-search": `${method} ${path} ${op.operationId} ${op.summary || ""}`.toLowerCase() },
    el("summary", {}, el("span", { class: `method ${method}` }, method), el("span", { class: "path" }, path),
      el("span", {}, op.summary || ""), el("span", { class: "opid" }, op.operationId)),
    el("div", { class: "body" },
      op.description && op.description !== op.summary ? el("p", {}, op.description) : null,
      roles || scopes ? el("p", { class: "muted" }, `允许：${[roles, scopes].filter(Boolean).join("；授权范围 ")}`) : null,
      parameterTable(op.parameters || []),
      requestSchema ? [el("h4", {}, "请求体"), el("pre", {}, JSON.stringify(sketch(requestSchema), null, 2))] : null,
      okSchema ? [el("h4", {}, `响应 ${okResponse[0]}`), el("pre", {}, JSON.stringify(sketch(okSchema), null, 2))] : null,
      el("p", { class: "muted" }, "错误：application/problem+json {type, title, status, detail, reason, violations, requestId}"),
      tryIt(path, method, op)));
  return details;
}

function render() {
  document.getElementById("title").textContent = `${spec.info.title} ${spec.info.version}`;
  document.getElementById("description").textContent = spec.info.description || "";
  const byTag = new Map((spec.tags || []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters") continue;
      const merged = { ...op, parameters: [...(item.parameters || []), ...(op.parameters || [])] };
      const tag = (op.tags || ["其他"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationView(path, method, merged));
    }
  }
  const main = document.getElementById("operations");
  main.replaceChildren();
  const descriptions = new Map((spec.tags || []).map((t) => [t.name, t.description]));
  for (const [tag, views] of byTag) {
    if (!views.length) continue;
    main.append(el("section", { "data-tag": tag }, el("h2", {}, tag),
      descriptions.get(tag) ? el("p", { class: "muted" }, descriptions.get(tag)) : null, views));
  }
}

function applyFilter(event) {
  const needle = event.target.value.trim().toLowerCase();
  for (const op of document.querySelectorAll("details.op")) {
    op.classList.toggle("hidden", Boolean(needle) && !op.dataset.search.includes(needle));
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  document.getElementById("signin").addEventListener("submit", signIn);
  document.getElementById("signout").addEventListener("click", signOut);
  document.getElementById("filter").addEventListener("input", applyFilter);
  const response = await fetch("/openapi.json");
  spec = await response.json();
  render();
  showWho();
});
