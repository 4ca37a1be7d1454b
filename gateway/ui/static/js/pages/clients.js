// 数据交换客户端: the account administrator lists exchange clients, creates one (its secret shown
// once, here only: it is kept nowhere — not in the address, the tab's storage or a log), stops or
// restarts one, changes its name, scopes and jurisdiction, and resets its secret when the platform
// lost it or it leaked — the new secret shown once in the same panel (/v1/admin/clients*).
import { atLeastOne, editedFields, fillEdit, ticked } from "../accounts.js";
import { call, get, requestId } from "../api.js";
import { $, bureauTime, el, fillTable, row } from "../dom.js";
import { clearErrors, onSubmit, requestIdFor, showProblem } from "../forms.js";
import { t } from "../i18n.js";
import { start } from "../shell.js";

const session = start();
const createForm = $("#create-form");
const editForm = $("#edit-form");
const rotateForm = $("#rotate-form");
let clients = [];
let editing = null; // the client in the edit form, as the list last showed it
let rotating = null; // the client whose secret the confirmation would reset

const path = (clientId, suffix = "") => `/v1/admin/clients/${encodeURIComponent(clientId)}${suffix}`;
const scopeWords = (list) => list.map((s) => t(`scope.${s}`)).join("、");

function said(message) {
  $("#clients-result").replaceChildren(el("p", { class: "ok" }, message));
}

function actions(c) {
  return el("span", { class: "row-actions" },
    el("button", { type: "button", onclick: () => edit(c) }, t("client.editRow", { id: c.clientId })),
    el("button", { type: "button", onclick: () => askRotate(c) }, t("client.rotateRow", { id: c.clientId })),
    el("button", { type: "button", onclick: () => setActive(c, !c.active) },
      t(c.active ? "client.stopRow" : "client.startRow", { id: c.clientId })));
}

function clientRow(c) {
  const r = row(c.clientId, c.displayName, scopeWords(c.scopes), c.jurisdiction || t("acct.everywhere"),
    t(c.active ? "acct.isActive" : "acct.isInactive"), c.createTime ? bureauTime(c.createTime) : "");
  r.dataset.clientId = c.clientId;
  r.append(el("td", {}, actions(c)));
  return r;
}

async function load() {
  clients = (await get("/v1/admin/clients")).clients;
  fillTable($("#clients-table"), clients.map(clientRow), t("client.none"));
}

const atLeastOneScope = (prefix) => atLeastOne(prefix, "scopes", t("client.scopesRequired"));

function edit(c) {
  closeRotate();
  editing = c;
  editForm.reset();
  clearErrors(editForm);
  $("#edit-title").textContent = t("client.editTitle", { id: c.clientId, name: c.displayName || c.clientId });
  fillEdit(c, "scopes");
  $("#edit-section").hidden = false;
  $("#edit-title").focus();
}

// A change of scopes or jurisdiction ends the client's tokens.
const SIGNS_OUT = ["scopes", "jurisdiction"];

function closeEdit() {
  $("#edit-section").hidden = true;
  editing = null;
}

// Resetting a secret cuts the platform off until it has the new one: the row's button asks first.
function askRotate(c) {
  closeEdit();
  rotating = c;
  clearErrors(rotateForm);
  delete rotateForm.dataset.requestId; // another client, another attempt
  $("#rotate-title").textContent = t("client.rotateTitle", { id: c.clientId });
  $("#rotate-section").hidden = false;
  $("#rotate-title").focus();
}

function closeRotate() {
  $("#rotate-section").hidden = true;
  rotating = null;
}

async function setActive(c, active) {
  try {
    const done = await call("PATCH", path(c.clientId), { body: { active }, requestId: requestId() });
    await load();
    said(t(done.active ? "client.started" : "client.stopped", { id: done.clientId }));
  } catch (error) {
    showProblem($("#clients-errors"), error, null);
  }
}

// The secret, once: shown with a copy button until the administrator says it is kept, then gone.
// The same panel for a new client's secret and a reset one (`title`).
function showSecret(made, title = "client.secretTitle") {
  $("#secret-value").value = made.clientSecret;
  $("#secret-copied").textContent = "";
  $("#secret-title").textContent = t(title, { id: made.clientId });
  $("#secret-panel").hidden = false;
  $("#secret-title").focus();
}

function forgetSecret() {
  $("#secret-value").value = "";
  $("#secret-panel").hidden = true;
}

async function copySecret() {
  const input = $("#secret-value");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    // plain-HTTP intranet hosts have no Clipboard API: the selection is copied the older way
    input.select();
    if (!document.execCommand("copy")) {
      $("#secret-copied").textContent = t("client.copyFailed");
      return;
    }
  }
  $("#secret-copied").textContent = t("client.copied");
}

if (session) {
  $("#create-jurisdiction").value = session.jurisdiction;
  $("#secret-copy").addEventListener("click", copySecret);
  $("#secret-done").addEventListener("click", () => {
    forgetSecret();
    $("#create-id").focus();
  });
  onSubmit(createForm, async () => {
    forgetSecret();
    const made = await call("POST", "/v1/admin/clients", { requestId: requestIdFor(createForm), body: {
      clientId: $("#create-id").value.trim(), displayName: $("#create-name").value.trim(),
      scopes: ticked("create", "scopes"), jurisdiction: $("#create-jurisdiction").value.trim(),
    } });
    createForm.reset();
    $("#create-jurisdiction").value = session.jurisdiction;
    await load();
    said(t("client.created", { id: made.clientId, scopes: scopeWords(made.scopes) }));
    showSecret(made);
  }, { validate: () => atLeastOneScope("create") });

  onSubmit(editForm, async () => {
    const body = editedFields(editing, "scopes");
    if (!Object.keys(body).length) {
      said(t("client.unchanged", { id: editing.clientId }));
      return;
    }
    const saved = await call("PATCH", path(editing.clientId), { body, requestId: requestIdFor(editForm) });
    await load();
    edit(clients.find((c) => c.clientId === saved.clientId) || saved);
    const out = SIGNS_OUT.some((k) => k in body);
    said(t(out ? "client.savedSignedOut" : "client.saved", { id: saved.clientId, scopes: scopeWords(saved.scopes) }));
  }, { validate: () => atLeastOneScope("edit") });
  $("#edit-cancel").addEventListener("click", () => {
    closeEdit();
    $("#clients-title").focus();
  });

  onSubmit(rotateForm, async () => {
    forgetSecret();
    const done = await call("POST", path(rotating.clientId, ":rotateSecret"), { requestId: requestIdFor(rotateForm) });
    closeRotate();
    await load();
    said(t("client.rotated", { id: done.clientId }));
    showSecret(done, "client.newSecretTitle");
  });
  $("#rotate-cancel").addEventListener("click", () => {
    closeRotate();
    $("#clients-title").focus();
  });

  load().catch((error) => showProblem($("#clients-errors"), error, null));
}
