import { get, post } from "../api.js";
import { $, $$, el, pagedTable, row, today } from "../dom.js";
import { onSubmit, requestIdFor, showProblem } from "../forms.js";
import { label, t } from "../i18n.js";
import { auditLink, start } from "../shell.js";

const session = start();
const openForm = $("#open-form");
const sessionForm = $("#session-form");
const closeForm = $("#close-form");
const concernForm = $("#concern-form");
const VIOLENCE = "COUNSELING_CONCERN_KIND_DOMESTIC_VIOLENCE";
const TRAFFICKING = "COUNSELING_CONCERN_KIND_TRAFFICKING_SUSPECTED";
const HELP = ["VICTIM_HELP_POLICE", "VICTIM_HELP_WOMENS_FEDERATION", "VICTIM_HELP_PROTECTION_ORDER", "VICTIM_HELP_SHELTER", "VICTIM_HELP_LEGAL_AID"];
const helpBoxes = () => $$("#concern-help input[type=checkbox]");

function caseText(c) {
  return t("cns.caseOption", { date: c.receivedDate, topic: c.topic });
}

const casePages = pagedTable($("#cases-table"), $("#cases-more"),
  { empty: t("dash.none"), failed: (error) => showProblem($("#cases-errors"), error, null) });

// The open cases listed are the ones to record a session on or close (显示更多 adds the next page's).
function offer(open, first) {
  for (const select of [$("#session-case"), $("#close-case"), $("#concern-case")]) {
    const chosen = select.value;
    if (first) select.replaceChildren(el("option", { value: "" }, t("action.choose")));
    select.append(...open.map((c) => el("option", { value: c.name, selected: c.name === chosen }, caseText(c))));
  }
}

// A recorded concern in words: the help a victim was told of, the report to the police.
function concernText(k) {
  if (k.kind === TRAFFICKING) {
    // What staff did is optional here (the report is what is required): shown when it was typed.
    return t(k.action ? "cns.concernTraffickingAction" : "cns.concernTrafficking", { date: k.date,
      time: (k.policeReport?.reportTime || "").slice(0, 16).replace("T", " "), reference: k.policeReport?.reference || "",
      action: k.action });
  }
  return t("cns.concernViolence", { date: k.date, help: (k.help || []).map(label).join("、"), action: k.action });
}

function concernsCell(c) {
  return (c.concerns || []).length ? el("ul", { class: "warn concerns" }, ...c.concerns.map((k) => el("li", {}, concernText(k)))) : "";
}

async function cases() {
  const query = { officeCode: session.officeCode, openOnly: $("#cases-open").checked, withConcern: $("#cases-concern").checked, pageSize: 200 };
  await casePages(async (pageToken) => {
    const found = await get("/v1/counselingCases", { ...query, pageToken });
    offer(found.cases.filter((c) => !c.closeDate), !pageToken);
    return { nextPageToken: found.nextPageToken, rows: found.cases.map((c) => row(c.receivedDate, [c.topic, " ", auditLink(c.name)],
      String(c.sessions.length), concernsCell(c), label(c.outcome) || t("cns.inProgress"), c.closeDate)) };
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

async function done(message, form, result = $("#work-result")) {
  form.reset();
  result.textContent = message;
  $("#session-date").value = today();
  $("#close-date").value = today();
  $("#concern-date").value = today();
  $("#session-counselor").value = session.displayName;
  showConcernFields();
  await cases();
}

// Domestic violence asks for the help the victim was told of; suspected trafficking for the police report.
function showConcernFields() {
  const kind = $("#concern-kind").value;
  $("#concern-help").hidden = kind !== VIOLENCE;
  $("#concern-report").hidden = kind !== TRAFFICKING;
}

function concernBody() {
  const kind = $("#concern-kind").value;
  const concern = { kind, date: $("#concern-date").value, action: $("#concern-action").value.trim() };
  if (kind === VIOLENCE) concern.help = helpBoxes().flatMap((box, i) => (box.checked ? [HELP[i]] : []));
  if (kind === TRAFFICKING) concern.policeReport = { reportTime: $("#concern-report-time").value, reference: $("#concern-report-reference").value.trim() };
  return concern;
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
  $("#concern-date").value = today();
  $("#concern-kind").addEventListener("change", showConcernFields);
  onSubmit(concernForm, async () => {
    const c = await post(`/v1/${$("#concern-case").value}:recordConcern`, { requestId: requestIdFor(concernForm), concern: concernBody() });
    const recorded = c.concerns[c.concerns.length - 1];
    await done(t("cns.concernRecorded", { topic: c.topic, kind: label(recorded.kind) }), concernForm, $("#concern-result"));
  }, { validate: () => ($("#concern-kind").value === VIOLENCE && !helpBoxes().some((box) => box.checked)
    ? [{ input: helpBoxes()[0], message: t("reason.HELP_REQUIRED") }] : []) });
  onSubmit($("#cases-form"), cases);
  applications();
  cases().catch((error) => showProblem($("#cases-errors"), error, null));
}
