import { get, post } from "../api.js";
import { $, el, pagedTable, row, today } from "../dom.js";
import { confirmFirst, onSubmit, requestIdFor, showProblem, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { marriageCard, maritalStatus } from "../lookup.js";
import { decidableFrom, recordOf } from "../revocation.js";
import { auditLink, start } from "../shell.js";

const session = start();
const openForm = $("#open-form");
const stepForms = { notice: $("#notice-form"), decide: $("#decide-form"), serve: $("#serve-form"), file: $("#file-form") };
const S = (name) => `REVOCATION_CASE_STATE_${name}`;
// The one step each state waits for (rules.md §1.4: 审查 → 告知 → 决定 → 送达 → 归档).
const NEXT = { [S("REVIEWING")]: "notice", [S("NOTIFIED")]: "decide", [S("REVOKED")]: "serve", [S("DECLINED")]: "serve", [S("SERVED")]: "file" };
let marriage = null;
let current = null; // the case a step acts on, as it was read: its etag goes with the step

const registrar = () => (session?.roles || []).includes("marriage_registrar");

function datesCell(c) {
  const lines = [];
  if (c.notice?.noticeDate) {
    lines.push(t("rev.noticed", { date: c.notice.noticeDate, method: label(c.notice.method) }));
    lines.push(t("rev.deadline", { date: c.notice.objectionDeadlineDate }));
  }
  if (c.decision?.decisionDate) lines.push(t("rev.decided", { date: c.decision.decisionDate, number: c.decision.decisionNumber }));
  if (c.decision?.declinedReason) lines.push(t("rev.declinedBecause", { reason: c.decision.declinedReason }));
  if (c.serviceDate) lines.push(t("rev.served", { date: c.serviceDate }));
  if (c.filedDate) lines.push(t("rev.filed", { date: c.filedDate }));
  return lines.length ? el("ul", { class: "dates" }, ...lines.map((line) => el("li", {}, line))) : "";
}

// The case's next legal step when a registrar may take it now ("" before the objection period has run).
function stepNow(c) {
  const step = registrar() ? NEXT[c.state] : "";
  return step === "decide" && today() < decidableFrom(c) ? "" : step || "";
}

// The next legal step only: a button for it, or — before the objection period has run — the day it opens.
function actionCell(c) {
  const step = stepNow(c);
  if (step) return el("button", { type: "button", class: "step", "data-step": step, onclick: () => choose(c, step) }, t(`rev.action.${step}`));
  return registrar() && NEXT[c.state] === "decide" ? el("span", { class: "hint" }, t("rev.decideFrom", { date: decidableFrom(c) })) : "";
}

const casePages = pagedTable($("#cases-table"), $("#cases-more"),
  { empty: t("dash.none"), failed: (error) => showProblem($("#cases-errors"), error, null) });

async function cases() {
  const query = { officeCode: session.officeCode, state: $("#cases-state").value, pageSize: 50 };
  await casePages(async (pageToken) => {
    const found = await get("/v1/revocationCases", { ...query, pageToken });
    const records = await Promise.all(found.revocationCases.map(recordOf));
    return { nextPageToken: found.nextPageToken, rows: found.revocationCases.map((c, i) => {
      const tr = row(c.receivedDate, [label(c.source), " ", c.documentNumber, " ", auditLink(c.name)], records[i],
        label(c.state), datesCell(c), actionCell(c));
      tr.dataset.case = c.name;
      return tr;
    }) };
  });
}

function hideSteps() {
  for (const form of Object.values(stepForms)) {
    form.reset();
    form.hidden = true;
  }
  $("#step").hidden = true;
  current = null;
}

function choose(c, step) {
  hideSteps();
  current = c;
  $("#step-result").replaceChildren();
  $("#step-case").replaceChildren(el("p", {}, t("rev.stepFor", { document: c.documentNumber, state: label(c.state), step: t(`rev.action.${step}`) })));
  const form = stepForms[step];
  for (const input of form.querySelectorAll("input[type=date]")) input.value = today();
  $("#step").hidden = false;
  form.hidden = false;
  form.querySelector("select, input")?.focus();
}

async function stepDone(c, key, params = {}) {
  hideSteps();
  $("#step-result").replaceChildren(el("div", { class: "ok" }, el("p", {}, t(key, { state: label(c.state), ...params }))));
  await cases();
}

// A link to one case (?case=<id>, as the home panel's 待决定 gives): its next step opened when it may
// be taken now; otherwise the case with its dates, and the day a decision may be made.
async function openAsked() {
  const asked = new URLSearchParams(location.search).get("case");
  if (!asked) return;
  const c = await get(`/v1/revocationCases/${encodeURIComponent(asked)}`);
  const step = stepNow(c);
  if (step) {
    choose(c, step);
    return;
  }
  hideSteps();
  $("#step-case").replaceChildren(el("p", {}, t("rev.caseIs", { document: c.documentNumber, state: label(c.state) })),
    datesCell(c), actionCell(c));
  $("#step").hidden = false;
}

async function find() {
  openForm.hidden = true;
  $("#open-result").replaceChildren();
  marriage = null;
  const found = await maritalStatus($("#find-idtype").value, $("#find-id").value);
  // The record a revocation concerns is the one registered with the number typed, whatever ended it since.
  const record = found.records?.find((r) => r.state !== "MARRIAGE_STATE_REVOKED");
  if (!record) {
    $("#found-marriage").replaceChildren(el("p", { class: "warn" }, t("rev.none")));
    return;
  }
  marriage = record;
  $("#found-marriage").replaceChildren(marriageCard(record));
  openForm.hidden = false;
  $("#open-date").value = today();
  $("#open-source").focus();
}

if (session) {
  const checkId = watchId($("#find-id"), { typeSelect: $("#find-idtype") });
  onSubmit($("#find-form"), find, { validate: checkId });
  onSubmit(openForm, async () => {
    const opened = await post("/v1/revocationCases", {
      requestId: requestIdFor(openForm),
      revocationCase: { marriage: marriage.name, source: $("#open-source").value, documentNumber: $("#open-document").value.trim(), receivedDate: $("#open-date").value },
    });
    openForm.reset();
    openForm.hidden = true;
    $("#open-result").replaceChildren(el("div", { class: "ok" }, el("p", {}, t("rev.opened", { document: opened.documentNumber, state: label(opened.state) }))));
    await cases();
  });

  const notice = stepForms.notice;
  onSubmit(notice, async () => {
    const c = await post(`/v1/${current.name}:recordNotice`, {
      requestId: requestIdFor(notice), etag: current.etag, notice: { method: $("#notice-method").value, noticeDate: $("#notice-date").value },
    });
    await stepDone(c, "rev.noticeDone", { deadline: c.notice.objectionDeadlineDate, from: decidableFrom(c) });
  });

  const decide = stepForms.decide;
  const REVOKE = "REVOCATION_OUTCOME_REVOKE";
  onSubmit(decide, confirmFirst(decide,
    () => t($("#decide-outcome").value === REVOKE ? "rev.revokeConfirm" : "rev.declineConfirm", { document: current.documentNumber, number: $("#decide-number").value.trim() }),
    async () => {
      const c = await post(`/v1/${current.name}:decide`, {
        requestId: requestIdFor(decide), etag: current.etag, reason: $("#decide-reason").value.trim(),
        decision: { outcome: $("#decide-outcome").value, decisionNumber: $("#decide-number").value.trim(), decisionDate: $("#decide-date").value, declinedReason: $("#decide-declined").value.trim() },
      });
      await stepDone(c, "rev.decideDone");
    }, { final: "rev.confirmFinal" }), { validate: () => ($("#decide-outcome").value !== REVOKE && $("#decide-outcome").value && !$("#decide-declined").value.trim()
    ? [{ input: $("#decide-declined"), message: t("reason.DECLINE_REASON_REQUIRED") }] : []) });

  const serve = stepForms.serve;
  onSubmit(serve, async () => {
    const c = await post(`/v1/${current.name}:recordService`, { requestId: requestIdFor(serve), etag: current.etag, serviceDate: $("#serve-date").value });
    await stepDone(c, "rev.serveDone");
  });

  const file = stepForms.file;
  onSubmit(file, async () => {
    const c = await post(`/v1/${current.name}:file`, { requestId: requestIdFor(file), etag: current.etag, filedDate: $("#file-date").value });
    await stepDone(c, "rev.fileDone");
  });

  $("#step-cancel").addEventListener("click", hideSteps);
  onSubmit($("#cases-form"), cases);
  cases().catch((error) => showProblem($("#cases-errors"), error, null));
  openAsked().catch((error) => showProblem($("#step-errors"), error, null));
}
