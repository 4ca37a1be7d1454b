import { get, post } from "../api.js";
import { $, el, idOf, pagedTable, partiesText, row } from "../dom.js";
import { onSubmit, requestIdFor, showProblem, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { marriageCard, maritalStatus } from "../lookup.js";
import { start } from "../shell.js";

const session = start();
const applyForm = $("#apply-form");
let marriage = null;

async function find() {
  applyForm.hidden = true;
  $("#apply-result").replaceChildren(); // the previous couple's: its receipt is not this one's
  marriage = null;
  const found = await maritalStatus($("#find-idtype").value, $("#find-id").value);
  const current = found.marriage?.state === "MARRIAGE_STATE_REGISTERED" ? found.marriage : null;
  const area = $("#found-marriage");
  if (!current) {
    area.replaceChildren(el("p", { class: "warn" }, t("div.notMarried", { status: label(found.status) })));
    return;
  }
  marriage = current;
  area.replaceChildren(marriageCard(current));
  applyForm.hidden = false;
  $("#apply-capacity").focus();
}

async function apply() {
  const application = await post("/v1/divorceApplications", {
    requestId: requestIdFor(applyForm), marriage: marriage.name, officeCode: session.officeCode,
    declarations: { fullCivilCapacity: $("#apply-capacity").checked },
    certificatesPresented: $("#apply-certificates").value,
    agreement: {
      voluntary: $("#apply-voluntary").checked, childrenArrangement: $("#apply-children").value.trim(),
      propertyDivision: $("#apply-property").value.trim(), debtHandling: $("#apply-debts").value.trim(),
    },
  });
  const id = idOf(application.name);
  applyForm.reset();
  applyForm.hidden = true;
  $("#apply-result").replaceChildren(el("div", { class: "ok" },
    el("p", {}, t("div.accepted", { number: application.receiptNumber, end: application.coolingOffEndDate, deadline: application.issueDeadlineDate })),
    ...(application.periodsProvisional ? [el("p", { class: "warn", id: "apply-provisional" }, t("div.provisional"))] : []),
    el("p", {},
      el("a", { class: "button primary", id: "print-receipt", href: `/ui/print/receipt/${id}` }, t("div.printReceipt")), " ",
      el("a", { class: "button", id: "open-application", href: `/ui/marriage/divorces/${id}` }, t("div.open")))));
  $("#print-receipt").focus();
  await list();
}

const listPages = pagedTable($("#list-table"), $("#list-more"),
  { empty: t("dash.none"), failed: (error) => showProblem($("#list-errors"), error, null) });

async function list() {
  const query = { officeCode: session.officeCode, state: $("#list-state").value, pageSize: 100 };
  await listPages(async (pageToken) => {
    const { applications, nextPageToken } = await get("/v1/divorceApplications", { ...query, pageToken });
    return { nextPageToken, rows: applications.map((a) => row(
      el("a", { href: `/ui/marriage/divorces/${idOf(a.name)}` }, a.receiptNumber), partiesText(a.parties),
      a.acceptDate, a.coolingOffEndDate, a.issueDeadlineDate, label(a.state))) };
  });
}

if (session) {
  const checkId = watchId($("#find-id"), { typeSelect: $("#find-idtype") });
  onSubmit($("#find-form"), find, { validate: checkId });
  onSubmit(applyForm, apply);
  onSubmit($("#list-form"), list);
  list().catch((error) => showProblem($("#list-errors"), error, null));
}
