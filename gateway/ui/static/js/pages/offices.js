// 登记机关设置: an office's hours and booking capacity (UpsertOffice), its designation for foreign
// cases (an account administrator's alone), and its special dates (ListSpecialDates; AddSpecialDate).
import { get, post } from "../api.js";
import { $, el, fillTable, row } from "../dom.js";
import { onSubmit, requestIdFor, setFieldError, showProblem } from "../forms.js";
import { lang, t } from "../i18n.js";
import { start } from "../shell.js";

// Who may change what, as the API decides it (the page only spares a refusal).
const EDITS = ["marriage_registrar", "admin"]; // UpsertOffice
const DESIGNATES = "admin"; // foreign_cases (DESIGNATION_BY_ADMIN_ONLY otherwise)
// Refusals of the office's hours that name no field of the form: said at the field as well.
const AT_FIELD = { INVALID_CAPACITY: "#office-capacity", INVALID_OPENING_HOURS: "#office-opens" };

const session = start();
const officeForm = $("#office-form");
const specialForm = $("#special-form");
const rangeForm = $("#range-form");
let offices = [];
let current = null;

const hoursOf = (opens, closes) => (opens ? `${opens}–${closes}` : "");
const designation = (office) => t(office.foreignCases ? "office.designated" : "office.notDesignated");
const weekday = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString(lang, { weekday: "short", timeZone: "UTC" });

async function allOffices() {
  const found = [];
  let pageToken = "";
  do {
    const page = await get("/v1/offices", { pageSize: 100, pageToken });
    found.push(...(page.offices || []));
    pageToken = page.nextPageToken || "";
  } while (pageToken);
  // The offices of the caller's jurisdiction: the API refuses the others' settings.
  return found.filter((o) => o.officeCode.startsWith(session.jurisdiction || ""));
}

function showOffices() {
  fillTable($("#offices-table"), offices.map((o) => row(o.officeCode, o.displayName, hoursOf(o.opensAt, o.closesAt),
    String(o.dailyCapacity || 0), designation(o), o === current ? t("office.selected")
      : el("button", { type: "button", onclick: () => choose(o).catch(failed) }, t("office.select", { name: o.displayName })))),
  t("office.none"));
}

function failed(error) {
  showProblem($("#offices-errors"), error, null);
}

function fill(office) {
  $("#office-editing").textContent = t("office.editing", { name: office.displayName, code: office.officeCode });
  $("#office-name").value = office.displayName;
  $("#office-opens").value = office.opensAt;
  $("#office-closes").value = office.closesAt;
  $("#office-capacity").value = String(office.dailyCapacity || "");
  $("#office-foreign").checked = Boolean(office.foreignCases);
}

async function choose(office) {
  current = office;
  fill(office);
  showOffices();
  await showSpecial();
}

async function load(code) {
  offices = await allOffices();
  const chosen = offices.find((o) => o.officeCode === code) || offices[0];
  if (!chosen) {
    showOffices();
    return;
  }
  await choose(chosen);
}

function sourceOf(day) {
  if (day.builtIn) return el("span", { class: "badge" }, t(day.added ? "office.builtInAdjusted" : "office.builtIn"));
  return t("office.added");
}

async function showSpecial() {
  const query = { fromDate: $("#range-from").value, toDate: $("#range-to").value, pageSize: 1000 };
  const days = [];
  let found;
  do { // two years hold at most 731 dates: a page or so
    found = await get(`/v1/offices/${current.officeCode}/specialDates`, { ...query, pageToken: found?.nextPageToken });
    days.push(...(found.specialDates || []));
  } while (found.nextPageToken);
  $("#range-from").value = found.fromDate;
  $("#range-to").value = found.toDate;
  $("#special-summary").textContent = t("office.specialSummary", { from: found.fromDate, to: found.toDate, count: days.length });
  fillTable($("#special-table"), days.map((d) => row(`${d.date}（${weekday(d.date)}）`, d.label,
    hoursOf(d.opensAt, d.closesAt), String(d.capacity || 0), sourceOf(d))), t("office.specialNone"));
}

function checkHours() {
  const problems = [];
  const capacity = $("#office-capacity");
  if (capacity.value && !(Number.isInteger(Number(capacity.value)) && Number(capacity.value) >= 1)) {
    problems.push({ input: capacity, message: t("office.capacityPositive") });
  }
  const opens = $("#office-opens");
  if (opens.value && $("#office-closes").value && opens.value >= $("#office-closes").value) {
    problems.push({ input: opens, message: t("office.hoursOrder") });
  }
  return problems;
}

async function saveOffice() {
  $("#office-result").replaceChildren();
  const saved = await post("/v1/offices", {
    requestId: requestIdFor(officeForm),
    office: {
      ...current,
      displayName: $("#office-name").value.trim(),
      opensAt: $("#office-opens").value,
      closesAt: $("#office-closes").value,
      dailyCapacity: Number($("#office-capacity").value),
      // UpsertOffice replaces the whole office: the designation goes back as it was unless an
      // administrator changed it (anyone else changing it is refused).
      foreignCases: session.roles.includes(DESIGNATES) ? $("#office-foreign").checked : Boolean(current.foreignCases),
    },
  }).catch((error) => {
    if (AT_FIELD[error.reason]) setFieldError($(AT_FIELD[error.reason]), error.detail);
    throw error;
  });
  await load(saved.officeCode);
  $("#office-result").replaceChildren(el("p", { class: "ok" }, t("office.saved", {
    name: saved.displayName, opens: saved.opensAt, closes: saved.closesAt, capacity: saved.dailyCapacity,
    designation: designation(saved) })));
}

async function addSpecial() {
  $("#special-result").replaceChildren();
  const capacity = $("#special-capacity").value;
  const added = await post(`/v1/offices/${current.officeCode}/specialDates`, {
    requestId: requestIdFor(specialForm),
    specialDate: {
      date: $("#special-date").value, label: $("#special-label").value.trim(), opensAt: $("#special-opens").value,
      closesAt: $("#special-closes").value, capacity: capacity ? Number(capacity) : 0,
    },
  });
  specialForm.reset();
  await showSpecial();
  $("#special-result").replaceChildren(el("p", { class: "ok" }, t("office.specialAdded", { date: added.date, label: added.label || t("office.special") })));
}

if (session) {
  const edits = session.roles.some((r) => EDITS.includes(r));
  const designates = session.roles.includes(DESIGNATES);
  for (const id of ["#office-name", "#office-opens", "#office-closes", "#office-capacity"]) $(id).disabled = !edits;
  $("#office-readonly").hidden = edits;
  $("#office-foreign").disabled = !designates;
  $("#office-foreign-note").hidden = designates;
  onSubmit(officeForm, saveOffice, { validate: checkHours });
  onSubmit(specialForm, addSpecial);
  onSubmit(rangeForm, showSpecial);
  load(session.officeCode).catch(failed);
}
