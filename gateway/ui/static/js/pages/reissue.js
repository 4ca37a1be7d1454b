import { post } from "../api.js";
import { $, el, idOf } from "../dom.js";
import { clearErrors, onSubmit, requestIdFor, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { normalize } from "../idcheck.js";
import { marriageCard, maritalStatus } from "../lookup.js";
import { start } from "../shell.js";

const session = start();
const reissueForm = $("#reissue-form");
let marriage = null;

async function find() {
  reissueForm.hidden = true;
  $("#reissue-result").replaceChildren(); // the previous person's: its print button is not this one's
  const found = await maritalStatus($("#find-idtype").value, $("#find-id").value);
  marriage = found.marriage || null;
  const area = $("#found-marriage");
  if (!marriage) {
    area.replaceChildren(el("p", { class: "warn" }, t("reissue.none")));
    return;
  }
  area.replaceChildren(marriageCard(marriage));
  // The person found is a party of this record: most often the one applying (the clerk changes it
  // when the other party, or an agent for the other party, applies).
  reissueForm.reset();
  clearErrors(reissueForm);
  delete reissueForm.dataset.requestId; // another person's application is another request
  $("#reissue-idtype").value = $("#find-idtype").value;
  $("#reissue-id").value = normalize($("#find-id").value);
  $("#reissue-proxy").hidden = true;
  reissueForm.hidden = false;
  $("#reissue-ground").focus();
}

// The applicant: the party whose certificate is reissued, and the agent when one applies for them
// with a notarized power of attorney (rules.md §1.6).
function applicant() {
  const body = { applicantIdType: $("#reissue-idtype").value, applicantIdNumber: normalize($("#reissue-id").value) };
  if ($("#reissue-by-proxy").checked) {
    body.proxy = { idType: $("#proxy-idtype").value, idNumber: normalize($("#proxy-id").value),
      name: $("#proxy-name").value, powerOfAttorney: $("#proxy-poa").value };
  }
  return body;
}

async function reissue() {
  const done = await post(`/v1/${marriage.name}:reissue`, { requestId: requestIdFor(reissueForm), officeCode: session.officeCode, ground: $("#reissue-ground").value, ...applicant() });
  const parts = [el("p", {}, t("reissue.done", { outcome: label(done.outcome), number: done.documentNumber }))];
  if (done.note) parts.push(el("p", {}, done.note));
  // What was issued is what is printed: the replacement under its own BJ/BL number, or the record
  // certificate (ZM) when the status has changed since the registration.
  const printed = done.outcome === "REISSUE_OUTCOME_CERTIFICATE" ? "print.printReissued" : "print.printRecordCertificate";
  const href = `/ui/print/certificate/${idOf(done.marriage.name)}?number=${encodeURIComponent(done.documentNumber)}`;
  parts.push(el("p", {}, el("a", { class: "button primary", href, id: "print-reissued" }, t(printed))));
  $("#reissue-result").replaceChildren(el("div", { class: "ok" }, ...parts));
  reissueForm.hidden = true;
}

if (session) {
  const checkId = watchId($("#find-id"), { typeSelect: $("#find-idtype") });
  onSubmit($("#find-form"), find, { validate: checkId });
  const checkApplicant = watchId($("#reissue-id"), { typeSelect: $("#reissue-idtype") });
  const checkAgent = watchId($("#proxy-id"), { typeSelect: $("#proxy-idtype") });
  $("#reissue-by-proxy").addEventListener("change", (event) => {
    $("#reissue-proxy").hidden = !event.target.checked;
  });
  onSubmit(reissueForm, reissue, {
    validate: () => [...checkApplicant(), ...($("#reissue-by-proxy").checked ? checkAgent() : [])],
  });
}
