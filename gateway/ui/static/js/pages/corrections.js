import { get, post, requestId } from "../api.js";
import { $, el, pagedTable, row } from "../dom.js";
import { onSubmit, requestIdFor, showProblem } from "../forms.js";
import { fieldLabel, label, t } from "../i18n.js";
import { auditLink, start } from "../shell.js";

const session = start();
const rejectForm = $("#reject-form");
let rejecting = null;

function actions(c) {
  // Another member of staff decides (the service refuses the proposer: SAME_PERSON_APPROVAL).
  const decides = c.state === "CORRECTION_STATE_PROPOSED" && c.proposedBy !== session.subject;
  return el("span", { class: "row-actions" }, decides ? [
    el("button", { type: "button", onclick: () => approve(c) }, t("corr.approveRow", { field: fieldLabel(c.field) })), " ",
    el("button", { type: "button", onclick: () => startReject(c) }, t("corr.rejectRow", { field: fieldLabel(c.field) })), " ",
  ] : null, auditLink(c.name));
}

// The record each correction is about, as staff know it: certificate number and parties.
async function records(names) {
  const found = await Promise.all([...new Set(names)].map((name) => get(`/v1/${name}`).catch(() => null)));
  return new Map(found.filter(Boolean).map((m) => [m.name, `${m.certificateNumber} ${m.parties.map((p) => p.name).join("、")}`]));
}

const queuePages = pagedTable($("#queue-table"), $("#queue-more"),
  { empty: t("corr.empty"), failed: (error) => showProblem($("#queue-errors"), error, null) });

async function load() {
  const query = { state: $("#filter-state").value, pageSize: 200 };
  await queuePages(async (pageToken) => {
    const { corrections, nextPageToken } = await get("/v1/corrections", { ...query, pageToken });
    const known = await records(corrections.map((c) => c.marriage));
    return { nextPageToken, rows: corrections.map((c) => row(known.get(c.marriage) || c.marriage, fieldLabel(c.field),
      c.originalValue, c.correctedValue, c.reason, c.evidenceReference, c.proposedBy, label(c.state), actions(c))) };
  });
}

async function approve(c) {
  try {
    const done = await post(`/v1/${c.name}:approve`, { requestId: requestId() });
    $("#queue-result").textContent = t("corr.approved", { field: fieldLabel(done.field), value: done.correctedValue });
    await load();
  } catch (error) {
    showProblem($("#queue-errors"), error, null);
  }
}

function startReject(c) {
  rejecting = c;
  $("#reject").hidden = false;
  $("#reject-target").textContent = t("corr.rejecting", { field: fieldLabel(c.field), value: c.correctedValue });
  $("#reject-reason").focus();
}

if (session) {
  onSubmit($("#filter-form"), load);
  onSubmit(rejectForm, async () => {
    await post(`/v1/${rejecting.name}:reject`, { requestId: requestIdFor(rejectForm), reason: $("#reject-reason").value.trim() });
    rejectForm.reset();
    $("#reject").hidden = true;
    $("#queue-result").textContent = t("corr.rejected");
    await load();
  });
  load().catch((error) => showProblem($("#queue-errors"), error, null));
}
