import { get, post } from "../api.js";
import { voidBlank } from "../blanks.js";
import { $, el, fillTable, row, today } from "../dom.js";
import { onSubmit, requestIdFor, showProblem } from "../forms.js";
import { label, t } from "../i18n.js";
import { auditLink, start } from "../shell.js";

const PAGE = 100;
const session = start();
const receiveForm = $("#receive-form");
const voidForm = $("#void-form");
let nextPage = "";
let listed = null; // the filters of the list on the screen: 显示更多 continues it (as on the audit page)

function showStock(stock) {
  fillTable($("#stock-table"), stock.map((s) => row(label(s.kind), String(s.inStock), String(s.used), String(s.voided))),
    t("dash.none"));
}

// A registrar voids from the list: the void form takes the blank, the reason is still to be given.
function voidButton(b) {
  if (b.state === "CERTIFICATE_BLANK_STATE_VOIDED" || !session.roles.includes("marriage_registrar")) return "";
  return el("button", { type: "button", onclick: () => {
    $("#void-kind").value = b.kind;
    $("#void-serial").value = b.serial;
    $("#void-reason").focus();
  } }, t("blank.voidThis", { serial: b.serial }));
}

// A used or voided blank's history (its receipt is on the row of the range it came in with).
function trailOf(b) {
  if (b.state === "CERTIFICATE_BLANK_STATE_IN_STOCK") return "";
  return auditLink(`certificateBlanks/${b.kind.replace("CERTIFICATE_BLANK_KIND_", "")}/${b.serial}`);
}

function blankRow(b) {
  const actions = el("td", {}, voidButton(b), trailOf(b));
  const r = row(label(b.kind), b.serial, label(b.state), b.documentNumber, b.receivedDate, b.usedDate, b.voidedDate,
    b.voidReason);
  r.append(actions);
  return r;
}

async function show(more = false) {
  if (!more) listed = { officeCode: session.officeCode, kind: $("#list-kind").value, state: $("#list-state").value };
  const found = await get("/v1/certificateBlanks", { ...listed, pageSize: PAGE, pageToken: more ? nextPage : "" });
  showStock(found.stock);
  const rows = found.blanks.map(blankRow);
  if (more) $("#list-table").tBodies[0].append(...rows);
  else fillTable($("#list-table"), rows, t("dash.none"));
  nextPage = found.nextPageToken;
  $("#list-more").hidden = !nextPage;
}

// The stock and the list first: the message says the change once the page shows it.
async function done(message, form) {
  form.reset();
  $("#receive-date").value = today();
  await show();
  $("#blank-result").textContent = message;
}

if (session) {
  $("#receive-date").value = today();
  onSubmit(receiveForm, async () => {
    const got = await post("/v1/certificateBlanks:receive", {
      requestId: requestIdFor(receiveForm), officeCode: session.officeCode, kind: $("#receive-kind").value,
      firstSerial: $("#receive-first").value.trim(), lastSerial: $("#receive-last").value.trim(),
      receivedDate: $("#receive-date").value,
    });
    await done(t("blank.received", { kind: label(got.kind), count: got.count, first: got.firstSerial, last: got.lastSerial }),
      receiveForm);
  });
  onSubmit(voidForm, async () => {
    const blank = await voidBlank(voidForm, $("#void-serial"), { officeCode: session.officeCode,
      kind: $("#void-kind").value, reason: $("#void-reason").value.trim() });
    await done(t("blank.voidedAgain", { serial: blank.serial, reason: blank.voidReason }), voidForm);
  });
  onSubmit($("#list-form"), () => show());
  $("#list-more").addEventListener("click", () => show(true).catch((error) => showProblem($("#list-errors"), error, null)));
  show().catch((error) => showProblem($("#list-errors"), error, null));
}
