import { post } from "../api.js";
import { $, $$, el, pageParams } from "../dom.js";
import { label, nationalityLabel, t } from "../i18n.js";
import { failed, ready, start } from "../print.js";

// The party's facts as the declaration states them, one row each (the numbers in full: the sheet is
// signed and filed, as the certificate is).
function facts(p) {
  return [["party.name", p.name], ["party.sex", label(p.sex)], ["party.birthDate", p.birthDate],
    ["party.nationality", nationalityLabel(p.nationality)], ["party.idType", label(p.idType)], ["party.idNumber", p.idNumber]]
    .map(([key, value]) => el("tr", {}, el("th", { scope: "row" }, t(key)), el("td", {}, value)));
}

async function load(session) {
  // The declarations carry the parties' numbers in full: only this call returns them, and the
  // marriage service audits it with the purpose (who printed which record, and why).
  const marriage = await post(`/v1/marriages/${pageParams().record_id}:printCertificate`, { purpose: "打印申请结婚登记声明书" });
  const office = session.officeCode === marriage.officeCode ? session.officeName : marriage.officeCode;
  for (const node of $$(".d-number")) node.textContent = marriage.certificateNumber;
  for (const node of $$(".d-office")) node.textContent = office;
  for (const node of $$(".d-date")) node.textContent = marriage.registerDate;
  marriage.parties.forEach((p, i) => {
    const other = marriage.parties[1 - i];
    $(`#d${i}-facts`).replaceChildren(...facts(p));
    $(`#d${i}-text`).textContent = t("print.declarationText", { other: other.name });
    const cohabitation = marriage.cohabitation;
    $(`#d${i}-cohabitation`).hidden = !cohabitation;
    if (cohabitation) $(`#d${i}-cohabitation`).textContent = t("print.declarationCohabitation", { since: cohabitation.startDate });
  });
  ready();
}

const session = start();
if (session) load(session).catch(failed);
