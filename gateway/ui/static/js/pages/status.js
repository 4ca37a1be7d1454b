import { get } from "../api.js";
import { $, el, fillTable, idOf, partiesText, row } from "../dom.js";
import { onSubmit, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { maritalStatus } from "../lookup.js";
import { auditLink, start } from "../shell.js";

const session = start();

// Records as both look-ups list them (numbers masked, as the API gives them).
function showRecords(table, records, empty) {
  // Only registrars print (the print call shows the numbers in full and is theirs alone), and only a
  // marriage still registered: a dissolved one is certified by a record certificate (补领), not a 结婚证.
  const prints = session.roles.includes("marriage_registrar");
  const actions = (m) => el("span", { class: "row-actions" },
    prints && m.state === "MARRIAGE_STATE_REGISTERED" ? el("a", { href: `/ui/print/certificate/${idOf(m.name)}` }, t("status.print")) : "",
    " ", auditLink(m.name));
  fillTable(table, records.map((m) => row(m.certificateNumber, partiesText(m.parties), m.registerDate, label(m.state), m.endDate,
    actions(m))), empty);
  table.hidden = false;
}

async function lookup() {
  const found = await maritalStatus($("#lookup-idtype").value, $("#lookup-id").value);
  $("#status-figure").textContent = t("status.is", { status: label(found.status) });
  showRecords($("#status-table"), found.records, t("status.noRecords"));
}

// By a party's name as registered (exact), within the user's jurisdiction.
async function byName() {
  const { marriages } = await get("/v1/marriages", { partyName: $("#name-query").value.trim(), pageSize: 50 });
  showRecords($("#name-table"), marriages, t("status.nameNone"));
}

if (session) {
  const checkId = watchId($("#lookup-id"), { typeSelect: $("#lookup-idtype") });
  onSubmit($("#lookup-form"), lookup, { validate: checkId });
  onSubmit($("#name-form"), byName);
}
