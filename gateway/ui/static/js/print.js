// Printable documents: the page's data, its QR code (server-side SVG of a signed link), print.
import { post } from "./api.js";
import { $, el } from "./dom.js";
import { label, t } from "./i18n.js";
import { showProblem } from "./forms.js";
import { start } from "./shell.js";

export { start };

// The rows of print/_parties.html: as a certificate shows the parties, numbers in full.
export function partyRows(parties) {
  return parties.map((p) => el("tr", {},
    el("td", {}, p.name), el("td", {}, label(p.sex)), el("td", {}, p.nationality), el("td", {}, p.birthDate), el("td", {}, p.idNumber)));
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

export function failed(error) {
  showProblem($("#load-errors"), error, null);
}
