import { $, el, fillTable, idOf, partiesText, row } from "../dom.js";
import { onSubmit, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { maritalStatus } from "../lookup.js";
import { start } from "../shell.js";

const session = start();

async function lookup() {
  const found = await maritalStatus($("#lookup-idtype").value, $("#lookup-id").value);
  $("#status-figure").textContent = t("status.is", { status: label(found.status) });
  const table = $("#status-table");
  // Only registrars print (the print call shows the numbers in full and is theirs alone).
  const prints = session.roles.includes("marriage_registrar");
  fillTable(table, found.records.map((m) => row(m.certificateNumber, partiesText(m.parties), m.registerDate, label(m.state), m.endDate,
    prints ? el("a", { href: `/ui/print/certificate/${idOf(m.name)}` }, t("status.print")) : "")), t("status.noRecords"));
  table.hidden = false;
}

if (session) {
  const checkId = watchId($("#lookup-id"), { typeSelect: $("#lookup-idtype") });
  onSubmit($("#lookup-form"), lookup, { validate: checkId });
}
