import { get } from "../api.js";
import { $, addDays, daysBetween, el, fillTable, idOf, partiesText, row, today } from "../dom.js";
import { label, t } from "../i18n.js";
import { caseHref, decidableFrom, recordOf } from "../revocation.js";
import { start } from "../shell.js";

const LAPSING_WITHIN_DAYS = 7;

function failed(table, error) {
  table.closest("section").append(el("p", { class: "panel-error", role: "alert" }, error.detail || t("error.unexpected")));
}

function link(application) {
  return el("a", { href: `/ui/marriage/divorces/${idOf(application.name)}` }, application.receiptNumber);
}

async function appointments(office, day) {
  const table = $("#today-table");
  try {
    const found = await get("/v1/appointments", { officeCode: office, date: day, pageSize: 200 });
    $("#today-summary").textContent = found.capacity
      ? t("dash.capacity", { booked: found.booked, capacity: found.capacity, opens: found.opensAt, closes: found.closesAt, label: found.dayLabel })
      : t("dash.closed", { label: found.dayLabel });
    fillTable(table, found.appointments.map((a) => row(String(a.queueNumber), label(a.kind), a.contactName, label(a.state))), t("dash.none"));
  } catch (error) {
    failed(table, error);
  }
}

async function applications(office, state) {
  const found = await get("/v1/divorceApplications", { officeCode: office, state, pageSize: 200 });
  return found.applications;
}

async function coolingOff(office) {
  const table = $("#cooling-table");
  try {
    const list = await applications(office, "DIVORCE_STATE_COOLING_OFF");
    fillTable(table, list.map((a) => row(link(a), partiesText(a.parties), a.acceptDate, a.coolingOffEndDate)), t("dash.none"));
  } catch (error) {
    failed(table, error);
  }
}

async function lapsing(office, day) {
  const table = $("#lapsing-table");
  try {
    const until = addDays(day, LAPSING_WITHIN_DAYS);
    const list = (await applications(office, "DIVORCE_STATE_AWAITING_ISSUE"))
      .filter((a) => a.issueDeadlineDate && a.issueDeadlineDate <= until)
      .sort((a, b) => a.issueDeadlineDate.localeCompare(b.issueDeadlineDate));
    fillTable(table, list.map((a) => row(link(a), partiesText(a.parties), a.issueDeadlineDate, String(daysBetween(day, a.issueDeadlineDate)))), t("dash.none"));
  } catch (error) {
    failed(table, error);
  }
}

async function recent(office) {
  const table = $("#recent-table");
  try {
    const { marriages } = await get("/v1/marriages", { officeCode: office, pageSize: 8 });
    fillTable(table, marriages.map((m) => row(
      m.state === "MARRIAGE_STATE_REGISTERED" ? el("a", { href: `/ui/print/certificate/${idOf(m.name)}` }, m.certificateNumber)
        : m.certificateNumber, partiesText(m.parties), m.registerDate, label(m.state))), t("dash.none"));
  } catch (error) {
    failed(table, error);
  }
}

// 撤销婚姻登记 — 待决定 (rules.md §1.4): the office's notified cases, the soonest objection deadline
// first — those whose period has run may be decided now, the others say the day their period ends.
async function revocationsDue(office, day) {
  const table = $("#revocations-table");
  try {
    const { revocationCases } = await get("/v1/revocationCases", { officeCode: office, state: "REVOCATION_CASE_STATE_NOTIFIED", pageSize: 200 });
    const list = revocationCases.sort((a, b) => a.notice.objectionDeadlineDate.localeCompare(b.notice.objectionDeadlineDate));
    const ready = list.filter((c) => decidableFrom(c) <= day).length;
    $("#revocations-summary").textContent = list.length ? t("dash.revocationsCount", { ready, running: list.length - ready }) : "";
    const records = await Promise.all(list.map(recordOf));
    fillTable(table, list.map((c, i) => row(el("a", { href: caseHref(c) }, c.documentNumber), records[i],
      c.notice.objectionDeadlineDate, t(decidableFrom(c) <= day ? "dash.revocationReady" : "dash.revocationRunning"))),
    t("dash.revocationsNone"));
  } catch (error) {
    failed(table, error);
  }
}

// The registrar's training assessment (rules.md §1.4), as the gateway counts it by its own today:
// a warning from 60 days before it lapses; lapsed or unrecorded, plainly that no registering is allowed.
const ASSESSMENT_WORDS = { LAPSING: "dash.assessmentLapsing", LAPSED: "dash.assessmentLapsed", UNRECORDED: "dash.assessmentUnrecorded" };

async function assessment() {
  const note = $("#assessment");
  try {
    const standing = (await get("/v1/auth/me")).registrarQualification;
    // On the last qualified day "0 days left" would read as lapsed: it says today is the last day.
    const lastDay = standing?.state === "LAPSING" && standing.daysLeft === 0;
    const words = lastDay ? "dash.assessmentLastDay" : standing && ASSESSMENT_WORDS[standing.state];
    if (!words) return;
    note.textContent = t(words, { assessed: standing.assessedOn, until: standing.qualifiedUntil, days: standing.daysLeft });
    note.className = standing.state === "LAPSING" ? "warn" : "denied";
    note.dataset.state = standing.state;
    note.hidden = false;
  } catch {
    // the dashboard's other panels say when the gateway cannot be reached
  }
}

// A divorce accepted today whose periods reach a year without its State Council holiday notice
// (GetWorkCalendar's divorcePeriodsToday): one line naming the years, none when all is loaded.
async function calendarNotice(day) {
  const note = $("#calendar-missing");
  try {
    const periods = (await get(`/v1/workCalendar/${day.slice(0, 4)}`)).divorcePeriodsToday;
    if (!periods?.provisional) return;
    const years = [...new Set([periods.coolingOffEndDate, periods.issueDeadlineDate].map((d) => d.slice(0, 4)))];
    const missing = [];
    for (const year of years) {
      if (!(await get(`/v1/workCalendar/${year}`)).noticeLoaded) missing.push(year);
    }
    note.textContent = t("dash.calendarMissing", { years: missing.join("、"), end: periods.coolingOffEndDate, deadline: periods.issueDeadlineDate });
    note.hidden = false;
  } catch {
    // a calendar that cannot be read is no reason for a banner: the window works by the periods shown
  }
}

const session = start();
if (session?.roles.includes("marriage_registrar")) {
  const day = today();
  assessment();
  calendarNotice(day);
  appointments(session.officeCode, day);
  coolingOff(session.officeCode);
  lapsing(session.officeCode, day);
  recent(session.officeCode);
  revocationsDue(session.officeCode, day);
}
