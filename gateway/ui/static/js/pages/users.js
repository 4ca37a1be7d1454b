// 用户账号: the account administrator lists, creates and edits staff accounts, unlocks a locked one
// and resets a password (/v1/admin/users*). A registrar's training-assessment date (rules.md §1.4)
// is asked for when 婚姻登记员 is ticked; the list shows the standing the gateway counts from it.
import { atLeastOne, boxes, editedFields, fillEdit, ticked } from "../accounts.js";
import { call, get, requestId } from "../api.js";
import { $, bureauTime, el, fillTable, row, today } from "../dom.js";
import { clearErrors, onSubmit, requestIdFor, showProblem } from "../forms.js";
import { t } from "../i18n.js";
import { start } from "../shell.js";

const REGISTRAR = "marriage_registrar";
const session = start();
const createForm = $("#create-form");
const editForm = $("#edit-form");
const passwordForm = $("#password-form");
let accounts = [];
let editing = null; // the account in the edit form, as the list last showed it

const path = (username, suffix = "") => `/v1/admin/users/${encodeURIComponent(username)}${suffix}`;
const roleWords = (roles) => roles.map((r) => t(`role.${r}`)).join("、");
const lockedNow = (a) => Boolean(a.lockedUntil) && Date.parse(a.lockedUntil) > Date.now();

function standing(a) {
  const q = a.registrarQualification;
  if (!q) return "";
  const words = q.qualifiedUntil ? t("acct.standingUntil", { state: t(`acct.standing.${q.state}`), until: q.qualifiedUntil })
    : t(`acct.standing.${q.state}`);
  return el("span", { class: "standing", "data-state": q.state }, words);
}

function actions(a) {
  return el("span", { class: "row-actions" },
    el("button", { type: "button", onclick: () => edit(a) }, t("acct.editRow", { username: a.username })),
    lockedNow(a) ? el("button", { type: "button", onclick: () => unlock(a) }, t("acct.unlockRow", { username: a.username })) : null);
}

function accountRow(a) {
  const locked = lockedNow(a) ? bureauTime(a.lockedUntil) : ""; // Beijing time, whatever the workstation's zone
  const r = row(a.username, a.displayName, roleWords(a.roles), a.jurisdiction || t("acct.everywhere"),
    t(a.active ? "acct.isActive" : "acct.isInactive"), locked, a.assessedOn || "", standing(a));
  r.dataset.username = a.username;
  r.append(el("td", {}, actions(a)));
  return r;
}

function matches(a, words) {
  const text = [a.username, a.displayName, a.jurisdiction, roleWords(a.roles)].join(" ").toLowerCase();
  return words.every((w) => text.includes(w));
}

function showList() {
  const words = $("#filter-text").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  fillTable($("#users-table"), accounts.filter((a) => matches(a, words)).map(accountRow), t("acct.none"));
}

async function load() {
  accounts = (await get("/v1/admin/users")).users;
  showList();
}

// The assessment date belongs to registrars: shown (and sent) only while 婚姻登记员 is ticked.
function showAssessed(prefix) {
  $(`#${prefix}-assessed-field`).hidden = !ticked(prefix, "roles").includes(REGISTRAR);
}

const atLeastOneRole = (prefix) => atLeastOne(prefix, "roles", t("acct.rolesRequired"));

function said(message) {
  $("#users-result").replaceChildren(el("p", { class: "ok" }, message));
}

function edit(a) {
  editing = a;
  for (const form of [editForm, passwordForm]) {
    form.reset();
    clearErrors(form);
  }
  $("#edit-title").textContent = t("acct.editTitle", { username: a.username, name: a.displayName || a.username });
  fillEdit(a, "roles");
  $("#edit-active").checked = a.active;
  $("#edit-assessed").value = a.assessedOn || "";
  showAssessed("edit");
  $("#edit-section").hidden = false;
  $("#edit-title").focus();
}

// Only what was changed goes out: a change of roles, jurisdiction, status or date ends the person's
// sessions (the API revokes their tokens), so an unchanged field must not be sent as a change.
function changes() {
  const body = editedFields(editing, "roles");
  const roles = ticked("edit", "roles");
  if ($("#edit-active").checked !== editing.active) body.active = $("#edit-active").checked;
  const assessed = $("#edit-assessed").value || null;
  if (roles.includes(REGISTRAR) && assessed !== (editing.assessedOn || null)) body.assessedOn = assessed;
  return body;
}

const SIGNS_OUT = ["roles", "jurisdiction", "active", "assessedOn"];

async function unlock(a) {
  try {
    const done = await call("POST", path(a.username, ":unlock"), { requestId: requestId() });
    await load();
    said(t("acct.unlocked", { username: done.username }));
  } catch (error) {
    showProblem($("#users-errors"), error, null);
  }
}

if (session) {
  for (const prefix of ["create", "edit"]) {
    $(`#${prefix}-assessed`).max = today();
    for (const box of boxes(prefix, "roles")) box.addEventListener("change", () => showAssessed(prefix));
  }
  $("#create-jurisdiction").value = session.jurisdiction;
  $("#filter-text").addEventListener("input", showList);
  onSubmit($("#filter-form"), load);

  onSubmit(createForm, async () => {
    const roles = ticked("create", "roles");
    const made = await call("POST", "/v1/admin/users", { requestId: requestIdFor(createForm), body: {
      username: $("#create-username").value.trim(), displayName: $("#create-name").value.trim(),
      password: $("#create-password").value, roles, jurisdiction: $("#create-jurisdiction").value.trim(),
      ...(roles.includes(REGISTRAR) ? { assessedOn: $("#create-assessed").value || null } : {}),
    } });
    createForm.reset();
    $("#create-jurisdiction").value = session.jurisdiction;
    showAssessed("create");
    await load();
    said(t("acct.created", { username: made.username, roles: roleWords(made.roles) }));
  }, { validate: () => atLeastOneRole("create") });

  onSubmit(editForm, async () => {
    const body = changes();
    if (!Object.keys(body).length) {
      said(t("acct.unchanged", { username: editing.username }));
      return;
    }
    const saved = await call("PATCH", path(editing.username), { body, requestId: requestIdFor(editForm) });
    await load();
    edit(accounts.find((a) => a.username === saved.username) || saved);
    const out = SIGNS_OUT.some((k) => k in body);
    said(t(out ? "acct.savedSignedOut" : "acct.saved", { username: saved.username }));
  }, { validate: () => atLeastOneRole("edit") });
  $("#edit-cancel").addEventListener("click", () => {
    $("#edit-section").hidden = true;
    editing = null;
    $("#filter-text").focus();
  });

  onSubmit(passwordForm, async () => {
    await call("PATCH", path(editing.username), { body: { password: $("#password-new").value },
      requestId: requestIdFor(passwordForm) });
    passwordForm.reset();
    await load();
    said(t("acct.passwordReset", { username: editing.username }));
  }, { validate: () => ($("#password-again").value === $("#password-new").value ? []
    : [{ input: $("#password-again"), message: t("acct.passwordMismatch") }]) });

  load().catch((error) => showProblem($("#users-errors"), error, null));
}
