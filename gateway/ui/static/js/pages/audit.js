import { get } from "../api.js";
import { $, addDays, bureauTime, el, fillTable, row } from "../dom.js";
import { onSubmit, showProblem } from "../forms.js";
import { actionLabel, t } from "../i18n.js";
import { start } from "../shell.js";

const PAGE = 50;
const PATHS = { marriage: "/v1/marriage/auditRecords", placenames: "/v1/placenames/auditRecords" };
// Times are shown (bureauTime) and days are counted in the bureau's zone (Beijing), whatever the workstation's.
const session = start();
let nextPage = "";
// The trail and filters of the list on the screen: 显示更多 continues it, whatever the form holds by
// then (a page token belongs to the query that made it; the service refuses it with another).
let listed = null;

const dayStart = (iso) => (iso ? new Date(`${iso}T00:00:00+08:00`).toISOString() : "");
const shown = (value) => (value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));

// Before and after side by side, one line per field; the fields the change touched are marked.
function changes(record) {
  const before = record.before || {};
  const after = record.after || {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (!fields.length) return "";
  const lines = fields.map((f) => {
    const [was, now] = [shown(before[f]), shown(after[f])];
    return el("tr", { class: record.before && was !== now ? "changed" : null },
      el("th", { scope: "row" }, f), el("td", {}, was), el("td", {}, now));
  });
  return el("details", {}, el("summary", {}, t("audit.showChanges", { count: fields.length })),
    el("table", { class: "data changes" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("audit.field")),
        el("th", { scope: "col" }, t("audit.before")), el("th", { scope: "col" }, t("audit.after")))),
      el("tbody", {}, ...lines)));
}

function recordRow(r) {
  // The action in words, with its code beside it (what the 操作 filter and support use).
  const action = el("span", {}, actionLabel(r.action), " ", el("code", {}, r.action));
  const line = row(bureauTime(r.time), r.actor, action, r.resource, r.officeCode, r.reason);
  line.append(el("td", {}, changes(r)));
  return line;
}

async function show(more = false) {
  if (!more) {
    const to = $("#audit-to").value;
    listed = { path: PATHS[$("#audit-service").value], filters: {
      resource: $("#audit-resource").value.trim(), officeCode: $("#audit-office").value.trim(),
      actor: $("#audit-actor").value.trim(),
      action: $("#audit-action").value.trim(), fromTime: dayStart($("#audit-from").value),
      toTime: dayStart(to && addDays(to, 1)) } };
  }
  const found = await get(listed.path, { ...listed.filters, pageSize: PAGE, pageToken: more ? nextPage : "" });
  const rows = found.auditRecords.map(recordRow);
  if (more) $("#audit-table").tBodies[0].append(...rows);
  else fillTable($("#audit-table"), rows, t("dash.none"));
  nextPage = found.nextPageToken;
  $("#audit-more").hidden = !nextPage;
}

if (session) {
  // A record's page links here with ?resource=marriages/… (and ?service=) to show its history.
  const asked = new URLSearchParams(window.location.search);
  $("#audit-resource").value = asked.get("resource") || "";
  if (PATHS[asked.get("service")]) $("#audit-service").value = asked.get("service");
  onSubmit($("#audit-form"), () => show());
  $("#audit-more").addEventListener("click", () => show(true).catch((error) => showProblem($("#audit-errors"), error, null)));
  show().catch((error) => showProblem($("#audit-errors"), error, null));
}
