import { get, post } from "../api.js";
import { $, definitions, pageParams, partiesText } from "../dom.js";
import { confirmFirst, onSubmit, requestIdFor, showProblem, watchId } from "../forms.js";
import { capacityText, certificatesText, label, t } from "../i18n.js";
import { normalize } from "../idcheck.js";
import { keepRefusal } from "../notice.js";
import { auditLink, start } from "../shell.js";

const RECEIPT_ROLES = ["marriage_registrar", "supervisor"];

const session = start();
const name = `divorceApplications/${pageParams().application_id}`;
const withdrawForm = $("#withdraw-form");
const issueForm = $("#issue-form");
const refuseForm = $("#refuse-form");
// The refusal notice (不予登记告知书) is the refusing office's: its registrars print it.
let refusal = null;

function show(a) {
  const agreement = a.agreement || {};
  definitions($("#application"), [
    [t("col.receipt"), a.receiptNumber], [t("col.state"), label(a.state)], [t("col.parties"), partiesText(a.parties)],
    [t("col.accepted"), a.acceptDate], [t("col.coolingEnd"), a.coolingOffEndDate], [t("col.issueDeadline"), a.issueDeadlineDate],
    [t("col.closeDate"), a.closeDate], [t("col.divorceCertificate"), a.certificateNumber],
    ...(a.refusalReason ? [[t("div.refusalReason"), a.refusalReason]] : []),
    [t("div.capacityShown"), capacityText(a)], [t("div.certificates"), certificatesText(a)],
    [t("div.children"), agreement.childrenArrangement], [t("div.property"), agreement.propertyDivision], [t("div.debts"), agreement.debtHandling],
  ]);
  $("#provisional").hidden = !a.periodsProvisional;
  const link = $("#print-receipt");
  link.href = `/ui/print/receipt/${pageParams().application_id}`;
  // The receipt print is a registrar's or a supervisor's (print.receipt in nav.py), not a counselor's.
  link.hidden = !session.roles.some((r) => RECEIPT_ROLES.includes(r));
  // The divorce certificate, once registered; printing it is a registrar's (an audited disclosure).
  const certificate = $("#print-certificate");
  certificate.href = `/ui/print/divorce-certificate/${pageParams().application_id}`;
  certificate.hidden = a.state !== "DIVORCE_STATE_DIVORCED" || !session.roles.includes("marriage_registrar");
  withdrawForm.closest("section").hidden = a.state !== "DIVORCE_STATE_COOLING_OFF";
  // Registered, or refused, only at the office that accepted the application (rules.md §1.5): elsewhere
  // the page says where to go instead of offering forms the service would refuse.
  const here = a.officeCode === session.officeCode;
  issueForm.closest("section").hidden = a.state !== "DIVORCE_STATE_AWAITING_ISSUE" || !here;
  refuseForm.closest("section").hidden = a.state !== "DIVORCE_STATE_AWAITING_ISSUE" || !here;
  const elsewhere = $("#divorce-elsewhere");
  elsewhere.textContent = t("div.elsewhere", { office: a.officeCode });
  elsewhere.hidden = a.state !== "DIVORCE_STATE_AWAITING_ISSUE" || here || !session.roles.includes("marriage_registrar");
  refusal = a.state === "DIVORCE_STATE_REFUSED" && session.roles.includes("marriage_registrar")
    && a.officeCode === session.officeCode ? a : null;
  $("#divorce-refusal").hidden = !refusal;
}

async function load() {
  show(await get(`/v1/${name}`));
}

if (session) {
  const checkId = watchId($("#withdraw-id"), { typeSelect: $("#withdraw-idtype") });
  onSubmit(withdrawForm, async () => {
    const a = await post(`/v1/${name}:withdraw`, { requestId: requestIdFor(withdrawForm), idType: $("#withdraw-idtype").value, idNumber: normalize($("#withdraw-id").value) });
    show(a);
    withdrawForm.reset();
    $("#divorce-result").textContent = t("div.withdrawn");
  }, { validate: checkId });
  onSubmit(issueForm, async () => {
    const a = await post(`/v1/${name}:register`, { requestId: requestIdFor(issueForm), officeCode: session.officeCode, bothPresent: $("#issue-present").checked });
    show(a);
    $("#divorce-result").textContent = t("div.divorced", { number: a.certificateNumber });
    $("#print-certificate").focus();
  });
  onSubmit(refuseForm, confirmFirst(refuseForm, () => t("div.refuseConfirm"), async () => {
    const a = await post(`/v1/${name}:refuse`, { requestId: requestIdFor(refuseForm), officeCode: session.officeCode, reason: $("#refuse-reason").value.trim() });
    show(a);
    refuseForm.reset();
    $("#divorce-result").textContent = t("div.refused");
    $("#print-refusal").focus();
  }, { final: "div.refuseFinal" }));
  $("#print-refusal").addEventListener("click", () => {
    // The notice is the refusal on record: the gateway reads the application for its reason and day.
    keepRefusal({
      kind: "divorce", application: name, reason: "DIVORCE_REFUSED", detail: refusal.refusalReason, officeCode: refusal.officeCode,
      officeName: session.officeName, parties: refusal.parties.map((p) => ({ name: p.name, idNumber: p.idNumber })),
    });
    location.assign("/ui/print/refusal");
  });
  $("#trail").replaceChildren(auditLink(name));
  load().catch((error) => showProblem($("#load-errors"), error, null));
}
