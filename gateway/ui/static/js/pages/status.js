import { get } from "../api.js";
import { $, el, fillTable, idOf, pagedTable, row } from "../dom.js";
import { onSubmit, showProblem, watchId } from "../forms.js";
import { label, t } from "../i18n.js";
import { maritalStatus, recordCells } from "../lookup.js";
import { auditLink, start } from "../shell.js";

const session = start();

// A record as both look-ups list it (numbers masked, as the API gives them).
function recordRow(m) {
  // Only registrars print (the print call shows the numbers in full and is theirs alone), and only a
  // marriage still registered: a dissolved one is certified by a record certificate (补领), not a 结婚证.
  // An archive record's own certificate was handed out on paper long ago: a 补领 replaces it.
  const prints = session.roles.includes("marriage_registrar");
  const actions = el("span", { class: "row-actions" },
    prints && m.state === "MARRIAGE_STATE_REGISTERED" && !m.historical
      ? el("a", { href: `/ui/print/certificate/${idOf(m.name)}` }, t("status.print")) : "",
    " ", auditLink(m.name));
  return row(...recordCells(m), actions);
}

function showRecords(table, records, empty) {
  fillTable(table, records.map(recordRow), empty);
  table.hidden = false;
}

// A common name has many records: 显示更多 continues the list of the name searched for.
const namePages = pagedTable($("#name-table"), $("#name-more"),
  { empty: t("status.nameNone"), failed: (error) => showProblem($("#name-errors"), error) });

async function lookup() {
  const found = await maritalStatus($("#lookup-idtype").value, $("#lookup-id").value);
  $("#status-figure").textContent = t("status.is", { status: label(found.status) });
  showRecords($("#status-table"), found.records, t("status.noRecords"));
}

// By a party's name as registered (exact), within the user's jurisdiction.
async function byName() {
  const query = { partyName: $("#name-query").value.trim(), pageSize: 50 };
  await namePages(async (pageToken) => {
    const { marriages, nextPageToken } = await get("/v1/marriages", { ...query, pageToken });
    return { nextPageToken, rows: marriages.map(recordRow) };
  });
  $("#name-table").hidden = false;
}

if (session) {
  const checkId = watchId($("#lookup-id"), { typeSelect: $("#lookup-idtype") });
  onSubmit($("#lookup-form"), lookup, { validate: checkId });
  onSubmit($("#name-form"), byName);
}
