import { get, post } from "../api.js";
import { $, el, pagedTable, row, today } from "../dom.js";
import { onSubmit, requestIdFor, showProblem } from "../forms.js";
import { label, t } from "../i18n.js";
import { auditLink, start } from "../shell.js";

const session = start();
const openForm = $("#open-form");
const sessionForm = $("#session-form");
const closeForm = $("#close-form");

function caseText(c) {
  return t("cns.caseOption", { date: c.receivedDate, topic: c.topic });
}

const casePages = pagedTable($("#cases-table"), $("#cases-more"),
  { empty: t("dash.none"), failed: (error) => showProblem($("#cases-errors"), error, null) });

// The open cases listed are the ones to record a session on or close (显示更多 adds the next page's).
function offer(open, first) {
  for (const select of [$("#session-case"), $("#close-case")]) {
    const chosen = select.value;
    if (first) select.replaceChildren(el("option", { value: "" }, t("action.choose")));
    select.append(...open.map((c) => el("option", { value: c.name, selected: c.name === chosen }, caseText(c))));
  }
}

async function cases() {
  const query = { officeCode: session.officeCode, openOnly: $("#cases-open").checked, pageSize: 200 };
  await casePages(async (pageToken) => {
    const found = await get("/v1/counselingCases", { ...query, pageToken });
    offer(found.cases.filter((c) => !c.closeDate), !pageToken);
    return { nextPageToken: found.nextPageToken, rows: found.cases.map((c) => row(c.receivedDate, [c.topic, " ", auditLink(c.name)],
      String(c.sessions.length), label(c.outcome) || t("cns.inProgress"), c.closeDate)) };
  });
}

async function applications() {
  try {
    const { applications: list } = await get("/v1/divorceApplications", { officeCode: session.officeCode, state: "DIVORCE_STATE_COOLING_OFF", pageSize: 200 });
    $("#open-application").append(...list.map((a) => el("option", { value: a.name }, t("cns.applicationOption", { number: a.receiptNumber, parties: a.parties.map((p) => p.name).join("、") }))));
  } catch {
    // linking a divorce application is optional
  }
}

async function done(message, form) {
  form.reset();
  $("#work-result").textContent = message;
  $("#session-date").value = today();
  $("#close-date").value = today();
  $("#session-counselor").value = session.displayName;
  await cases();
}

if (session) {
  $("#cases-open").checked = true;
  $("#open-date").value = today();
  $("#session-date").value = today();
  $("#close-date").value = today();
  $("#session-counselor").value = session.displayName;
  onSubmit(openForm, async () => {
    const opened = await post("/v1/counselingCases", {
      requestId: requestIdFor(openForm),
      counselingCase: { officeCode: session.officeCode, topic: $("#open-topic").value.trim(), receivedDate: $("#open-date").value, divorceApplication: $("#open-application").value },
    });
    openForm.reset();
    $("#open-date").value = today();
    $("#open-result").textContent = t("cns.opened", { topic: opened.topic, date: opened.receivedDate });
    await cases();
  });
  onSubmit(sessionForm, async () => {
    const c = await post(`/v1/${$("#session-case").value}:addSession`, {
      requestId: requestIdFor(sessionForm),
      session: { date: $("#session-date").value, counselor: $("#session-counselor").value.trim(), summary: $("#session-summary").value.trim() },
    });
    await done(t("cns.sessionAdded", { topic: c.topic, n: c.sessions.length }), sessionForm);
  });
  onSubmit(closeForm, async () => {
    const c = await post(`/v1/${$("#close-case").value}:close`, { requestId: requestIdFor(closeForm), outcome: $("#close-outcome").value, closeDate: $("#close-date").value });
    await done(t("cns.closed", { topic: c.topic, outcome: label(c.outcome) }), closeForm);
  });
  onSubmit($("#cases-form"), cases);
  applications();
  cases().catch((error) => showProblem($("#cases-errors"), error, null));
}
