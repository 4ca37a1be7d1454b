// Printable documents: the page's data, its QR code (server-side SVG of a signed link), print.
import { post } from "./api.js";
import { $, el } from "./dom.js";
import { label, nationalityLabel, t } from "./i18n.js";
import { onSubmit, showProblem } from "./forms.js";
import { start } from "./shell.js";
import { useBlank, voidBlank } from "./blanks.js";

export { start };

// The rows of print/_parties.html: as a certificate shows the parties, numbers in full.
export function partyRows(parties) {
  return parties.map((p) => el("tr", {},
    el("td", {}, p.name), el("td", {}, label(p.sex)), el("td", {}, nationalityLabel(p.nationality)), el("td", {}, p.birthDate), el("td", {}, p.idNumber)));
}

export function showQr({ url, qr }) {
  $("#qr").src = qr;
  const link = $("#verify-link");
  link.href = url;
  link.textContent = url;
}

// document: which printed document of the record the code is on, when it has several
// (a divorce application: its receipt, or "divorceCertificate"); number: that document's own number
// where it is not the record's (a replacement BJ…/BL…, a record certificate ZM…), shown when verified.
export async function qrFor(name, document = "", number = "") {
  showQr(await post("/ui/api/verify-links", { name, ...(document ? { document } : {}), ...(number ? { number } : {}) }));
}

export function ready() {
  const button = $("#print");
  button.disabled = false;
  button.addEventListener("click", () => window.print());
  $("#print-status").textContent = t("print.ready");
  $("#back").addEventListener("click", (event) => {
    if (history.length > 1) {
      event.preventDefault();
      history.back();
    }
  });
  button.focus();
}

// Nothing to print: the refusal alone, not an empty certificate or notice beneath it.
export function failed(error) {
  $("#screen").hidden = true;
  showProblem($("#load-errors"), error, null);
}

// The no-print area of print/_blank.html: the clerk records the blank (印制号) the document went on
// and, when it came out spoiled, voids it with a reason (the record keeps its number: print again on
// another blank). kind: CERTIFICATE_BLANK_KIND_MARRIAGE/…_DIVORCE, or "" for a document printed on no blank.
export function recordBlank(session, kind, documentNumber, marriage) {
  if (!kind) return;
  $("#blank-area").hidden = false;
  const useForm = $("#blank-use-form");
  const voidForm = $("#blank-void-form");
  const office = { officeCode: session.officeCode, kind };
  onSubmit(useForm, async () => {
    const blank = await useBlank(useForm, $("#blank-use-serial"), { ...office, documentNumber, marriage });
    useForm.reset();
    $("#blank-void-serial").value = blank.serial;
    $("#blank-result").textContent = t("blank.usedFor", { serial: blank.serial, number: blank.documentNumber });
  });
  onSubmit(voidForm, async () => {
    const blank = await voidBlank(voidForm, $("#blank-void-serial"), { ...office, reason: $("#blank-void-reason").value.trim() });
    voidForm.reset();
    $("#blank-result").textContent = t("blank.voidedAgain", { serial: blank.serial, reason: blank.voidReason });
  });
}
