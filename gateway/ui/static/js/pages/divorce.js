import { get, post } from "../api.js";
import { $, definitions, pageParams, partiesText } from "../dom.js";
import { onSubmit, requestIdFor, showProblem, watchId } from "../forms.js";
import { capacityText, certificatesText, label, t } from "../i18n.js";
import { normalize } from "../idcheck.js";
import { auditLink, start } from "../shell.js";

const RECEIPT_ROLES = ["marriage_registrar", "supervisor"];

const session = start();
const name = `divorceApplications/${pageParams().application_id}`;
const withdrawForm = $("#withdraw-form");
const issueForm = $("#issue-form");

function show(a) {
  const agreement = a.agreement || {};
  definitions($("#application"), [
    [t("col.receipt"), a.receiptNumber], [t("col.state"), label(a.state)], [t("col.parties"), partiesText(a.parties)],
    [t("col.accepted"), a.acceptDate], [t("col.coolingEnd"), a.coolingOffEndDate], [t("col.issueDeadline"), a.issueDeadlineDate],
    [t("col.closeDate"), a.closeDate], [t("col.divorceCertificate"), a.certificateNumber],
    [t("div.capacityShown"), capacityText(a)], [t("div.certificates"), certificatesText(a)],
    [t("div.children"), agreement.childrenArrangement], [t("div.property"), agreement.propertyDivision], [t("div.debts"), agreement.debtHandling],
  ]);
  const link = $("#print-receipt");
  link.href = `/ui/print/receipt/${pageParams().application_id}`;
  // The receipt print is a registrar's or a supervisor's (print.receipt in nav.py), not a counselor's.
  link.hidden = !session.roles.some((r) => RECEIPT_ROLES.includes(r));
  // The divorce certificate, once registered; printing it is a registrar's (an audited disclosure).
  const certificate = $("#print-certificate");
  certificate.href = `/ui/print/divorce-certificate/${pageParams().application_id}`;
  certificate.hidden = a.state !== "DIVORCE_STATE_DIVORCED" || !session.roles.includes("marriage_registrar");
  withdrawForm.closest("section").hidden = a.state !== "DIVORCE_STATE_COOLING_OFF";
  issueForm.closest("section").hidden = a.state !== "DIVORCE_STATE_AWAITING_ISSUE";
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
  $("#trail").replaceChildren(auditLink(name));
  load().catch((error) => showProblem($("#load-errors"), error, null));
}
