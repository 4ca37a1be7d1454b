import { ApiError, post } from "../api.js";
import { $, el, fillTable, row } from "../dom.js";
import { confirmFirst, onSubmit, requestIdFor, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { normalize } from "../idcheck.js";
import { marriageCard, maritalStatus, recordCells } from "../lookup.js";
import { start } from "../shell.js";

const REGISTERED = "MARRIAGE_STATE_REGISTERED";
const session = start();
const forms = { court: $("#court-form"), death: $("#death-form"), revoke: $("#revoke-form"), annul: $("#annul-form") };
// Records that are no marriage in law: nothing more is recorded on them here.
const VOIDED = ["MARRIAGE_STATE_REVOKED", "MARRIAGE_STATE_VOID"];
let marriage = null;
let records = []; // the person's records, newest first, as last read or recorded

// The record as it stands, and the changes it still allows: a court divorce and a death end a
// current marriage only; a registration is revoked once, and a court's judgment of a void or
// annulled marriage recorded once, whatever ended it since (a divorce or a death stays beside it).
function show(m) {
  marriage = m;
  records = records.map((r) => (r.name === m.name ? m : r));
  showRecords();
  $("#found-marriage").replaceChildren(marriageCard(m));
  forms.court.closest("section").hidden = m.state !== REGISTERED;
  forms.death.closest("section").hidden = m.state !== REGISTERED;
  forms.revoke.closest("section").hidden = VOIDED.includes(m.state);
  forms.annul.closest("section").hidden = VOIDED.includes(m.state);
  $("#endings").hidden = VOIDED.includes(m.state);
}

// A person with more than one record chooses the one the change is for: a court may judge void or
// annul a marriage that already ended. A revoked or void record is listed with nothing to choose.
function showRecords() {
  $("#records").hidden = records.length < 2;
  fillTable($("#records-table"), records.map((r) => {
    const action = r.name === marriage?.name ? el("strong", {}, t("end.recordShown"))
      : VOIDED.includes(r.state) ? t("end.recordNothing")
        : el("button", { type: "button", onclick: () => choose(r) }, t("end.recordChoose"));
    const tr = row(...recordCells(r), action);
    if (r.name === marriage?.name) tr.setAttribute("aria-current", "true");
    return tr;
  }), "");
}

// Nothing of the previous record's left: its result, what was typed in its forms.
function clear() {
  $("#ending-result").replaceChildren();
  for (const form of Object.values(forms)) form.reset();
  offerGrounds();
}

function choose(m) {
  clear();
  show(m);
  $("#found-marriage").scrollIntoView({ block: "nearest" });
}

// Only the grounds of the judgment chosen: void for bigamy, kinship or age (1051), annulled for
// coercion or a concealed illness (1052, 1053).
function offerGrounds() {
  const kind = $("#annul-kind").value;
  const ground = $("#annul-ground");
  for (const option of ground.options) {
    if (!option.dataset.kind) continue;
    option.hidden = option.disabled = option.dataset.kind !== kind;
  }
  if (ground.selectedOptions[0]?.disabled) ground.value = "";
}

async function find() {
  $("#endings").hidden = true;
  clear(); // the previous person's
  const found = await maritalStatus($("#find-idtype").value, $("#find-id").value);
  records = found.records || [];
  if (!found.marriage) {
    marriage = null;
    $("#records").hidden = true;
    $("#found-marriage").replaceChildren(el("p", { class: "warn" }, t("reissue.none")));
    return;
  }
  show(found.marriage);
}

function recorded(form, key, m) {
  $("#ending-result").replaceChildren(el("div", { class: "ok" },
    el("p", {}, t(key, { state: label(m.state), date: m.endDate }))));
  form.reset();
  offerGrounds();
  show(m);
  $("#ending-result").focus();
}

// The deceased must be a party of the marriage shown: the number typed is looked up first, so a
// slip of the keyboard cannot end someone else's marriage.
async function deceasedIsParty() {
  const found = await maritalStatus($("#death-idtype").value, $("#death-id").value);
  if (found.marriage?.name !== marriage.name || found.marriage.state !== REGISTERED) {
    const description = t("end.deathNotParty");
    throw new ApiError(400, { title: t("error.title"), detail: description, violations: [{ field: "idNumber", description }] });
  }
  return t("end.deathConfirm", { date: $("#death-date").value, certificate: $("#death-certificate").value.trim() });
}

if (session) {
  const checkId = watchId($("#find-id"), { typeSelect: $("#find-idtype") });
  onSubmit($("#find-form"), find, { validate: checkId });

  const court = forms.court;
  onSubmit(court, confirmFirst(court,
    () => t("end.courtConfirm", { court: $("#court-name").value.trim(), document: $("#court-document").value.trim(), date: $("#court-date").value }),
    async () => recorded(court, "end.courtDone", await post(`/v1/${marriage.name}:recordCourtDivorce`, {
      requestId: requestIdFor(court), court: $("#court-name").value.trim(),
      documentNumber: $("#court-document").value.trim(), effectiveDate: $("#court-date").value,
    }))));

  const death = forms.death;
  const checkDeceased = watchId($("#death-id"), { typeSelect: $("#death-idtype") });
  onSubmit(death, confirmFirst(death, deceasedIsParty, async () => {
    const done = await post("/v1/marriages:recordDeath", {
      requestId: requestIdFor(death), idType: $("#death-idtype").value, idNumber: normalize($("#death-id").value),
      deathDate: $("#death-date").value, deathCertificateNumber: $("#death-certificate").value.trim(),
    });
    if (done.marriage) recorded(death, "end.deathDone", done.marriage);
    else $("#ending-result").replaceChildren(el("p", { class: "warn" }, t("end.deathNothing")));
  }), { validate: checkDeceased });

  const revoke = forms.revoke;
  onSubmit(revoke, confirmFirst(revoke,
    () => t("end.revokeConfirm", { authority: label($("#revoke-authority").value), document: $("#revoke-document").value.trim() }),
    async () => recorded(revoke, "end.revokeDone", await post(`/v1/${marriage.name}:revoke`, {
      requestId: requestIdFor(revoke), authority: $("#revoke-authority").value,
      documentReference: $("#revoke-document").value.trim(), reason: $("#revoke-reason").value.trim(),
    }))));

  const annul = forms.annul;
  $("#annul-kind").addEventListener("change", offerGrounds);
  onSubmit(annul, confirmFirst(annul,
    () => t("end.annulConfirm", { court: $("#annul-court").value.trim(), document: $("#annul-document").value.trim(),
      date: $("#annul-date").value, kind: label($("#annul-kind").value), ground: label($("#annul-ground").value) }),
    async () => {
      const done = await post(`/v1/${marriage.name}:recordCourtAnnulment`, {
        requestId: requestIdFor(annul), kind: $("#annul-kind").value, ground: $("#annul-ground").value,
        court: $("#annul-court").value.trim(), documentNumber: $("#annul-document").value.trim(),
        judgmentDate: $("#annul-date").value,
      });
      $("#ending-result").replaceChildren(el("div", { class: "ok" },
        el("p", {}, t("end.annulDone", { state: label(done.state), date: done.annulment.judgmentDate }))));
      annul.reset();
      offerGrounds();
      show(done);
      $("#ending-result").focus();
    }));
}
