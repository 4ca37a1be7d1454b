import { call, get, post } from "../api.js";
import { $, definitions, el, fillTable, pagedTable, row } from "../dom.js";
import { onSubmit, requestIdFor, showProblem } from "../forms.js";
import { defectLabel, fieldLabel, t } from "../i18n.js";
import { auditLink, start } from "../shell.js";

const FORMATS = { csv: "IMPORT_FORMAT_CSV", txt: "IMPORT_FORMAT_CSV", xlsx: "IMPORT_FORMAT_XLSX", jsonl: "IMPORT_FORMAT_JSONL", ndjson: "IMPORT_FORMAT_JSONL" };
const session = start();
const uploadForm = $("#upload-form");
const proposeForm = $("#propose-form");
let target = null;

function formatOf(file) {
  return $("#upload-format").value || FORMATS[file.name.split(".").pop().toLowerCase()] || "";
}

function propose(defect) {
  target = defect;
  $("#propose").hidden = false;
  $("#propose-target").textContent = t("imp.target", { row: defect.rowNumber, code: defectLabel(defect.code), message: defect.message });
  if (defect.field) $("#propose-field").value = defect.field;
  $("#propose-result").replaceChildren();
  $("#propose-value").focus();
}

// Every open defect of a row that was read can be corrected — also one that left the row without a
// record (an impossible date, a missing kind): approving the correction makes the record. A row that
// could not be read at all (PARSE_ERROR) has no fields to correct.
function correctable(defect) {
  return !defect.resolved && defect.code !== "PARSE_ERROR";
}

const defectPages = pagedTable($("#defects-table"), $("#defects-more"),
  { empty: t("imp.noDefects"), failed: (error) => showProblem($("#upload-errors"), error, null) });

async function defects(importName) {
  await defectPages(async (pageToken) => {
    const found = await get("/v1/defects", { import: importName, pageSize: 200, pageToken });
    return { nextPageToken: found.nextPageToken, rows: found.defects.map((d) => row(String(d.rowNumber), defectLabel(d.code),
      fieldLabel(d.field), d.message, el("span", { class: "row-actions" },
        correctable(d) ? el("button", { type: "button", onclick: () => propose(d) }, t("imp.proposeFor", { row: d.rowNumber })) : "",
        " ", auditLink(d.marriage)))) };
  });
}

async function upload() {
  // The report on screen is this file's, or none: not the previous file's beside this one's refusal.
  $("#upload-result").replaceChildren();
  $("#report").hidden = true;
  const file = $("#upload-file").files[0];
  const report = await call("POST", "/v1/historicalImports", {
    file, query: { requestId: requestIdFor(uploadForm), format: formatOf(file), encoding: $("#upload-encoding").value, sourceName: file.name },
  });
  $("#report").hidden = false;
  definitions($("#report-figures"), [
    [t("imp.rowsRead"), report.rowsRead], [t("imp.rowsImported"), report.rowsImported],
    [t("imp.rowsWithDefects"), report.rowsWithDefects], [t("imp.rowsUnreadable"), report.rowsUnreadable]]);
  fillTable($("#report-codes"), report.defects.map((d) => row(defectLabel(d.code), String(d.count))), t("imp.noDefects"));
  $("#upload-result").textContent = t("imp.done", { name: file.name, imported: report.rowsImported, read: report.rowsRead });
  await defects(report.name);
}

if (session) {
  onSubmit(uploadForm, upload);
  onSubmit(proposeForm, async () => {
    await post("/v1/corrections", {
      requestId: requestIdFor(proposeForm),
      correction: {
        marriage: target.marriage, defect: target.name, field: $("#propose-field").value.trim(),
        correctedValue: $("#propose-value").value.trim(), reason: $("#propose-reason").value.trim(),
        evidenceReference: $("#propose-evidence").value.trim(),
      },
    });
    proposeForm.reset();
    $("#propose-result").textContent = t("imp.proposed");
  });
  defects("").catch((error) => showProblem($("#upload-errors"), error, null));
}
