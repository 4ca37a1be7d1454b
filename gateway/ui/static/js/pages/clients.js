// 数据交换客户端: the account administrator lists exchange clients, creates one (its secret shown
// once, here only: it is kept nowhere — not in the address, the tab's storage or a log) and stops or
// restarts one (/v1/admin/clients*). Scopes and jurisdiction are fixed at creation: the API changes
// only whether a client is active.
import { call, get, requestId } from "../api.js";
import { $, $$, el, fillTable, row } from "../dom.js";
import { onSubmit, requestIdFor, showProblem } from "../forms.js";
import { lang, t } from "../i18n.js";
import { start } from "../shell.js";

const session = start();
const createForm = $("#create-form");
const scopes = () => $$("#create-scopes-set input[type=checkbox]");
const scopeWords = (list) => list.map((s) => t(`scope.${s}`)).join("、");

function said(message) {
  $("#clients-result").replaceChildren(el("p", { class: "ok" }, message));
}

function clientRow(c) {
  const toggle = el("button", { type: "button", onclick: () => setActive(c, !c.active) },
    t(c.active ? "client.stopRow" : "client.startRow", { id: c.clientId }));
  const r = row(c.clientId, c.displayName, scopeWords(c.scopes), c.jurisdiction || t("acct.everywhere"),
    t(c.active ? "acct.isActive" : "acct.isInactive"), c.createTime ? new Date(c.createTime).toLocaleString(lang) : "");
  r.dataset.clientId = c.clientId;
  r.append(el("td", {}, toggle));
  return r;
}

async function load() {
  const { clients } = await get("/v1/admin/clients");
  fillTable($("#clients-table"), clients.map(clientRow), t("client.none"));
}

async function setActive(c, active) {
  try {
    const done = await call("PATCH", `/v1/admin/clients/${encodeURIComponent(c.clientId)}`,
      { body: { active }, requestId: requestId() });
    await load();
    said(t(done.active ? "client.started" : "client.stopped", { id: done.clientId }));
  } catch (error) {
    showProblem($("#clients-errors"), error, null);
  }
}

// The secret, once: shown with a copy button until the administrator says it is kept, then gone.
function showSecret(made) {
  $("#secret-value").value = made.clientSecret;
  $("#secret-copied").textContent = "";
  $("#secret-title").textContent = t("client.secretTitle", { id: made.clientId });
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
      scopes: scopes().filter((b) => b.checked).map((b) => b.value), jurisdiction: $("#create-jurisdiction").value.trim(),
    } });
    createForm.reset();
    $("#create-jurisdiction").value = session.jurisdiction;
    await load();
    said(t("client.created", { id: made.clientId, scopes: scopeWords(made.scopes) }));
    showSecret(made);
  }, { validate: () => (scopes().some((b) => b.checked) ? [] : [{ input: scopes()[0], message: t("client.scopesRequired") }]) });
  load().catch((error) => showProblem($("#clients-errors"), error, null));
}
