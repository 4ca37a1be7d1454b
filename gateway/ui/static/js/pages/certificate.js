import { post } from "../api.js";
import { $, el, pageParams } from "../dom.js";
import { label, t } from "../i18n.js";
import { failed, qrFor, ready, start } from "../print.js";

const PURPOSE = "打印结婚证";

async function load(session) {
  // The certificate carries the parties' numbers in full: only this call returns them, and the
  // marriage service audits it (who printed which record, and why: in the auditors' language).
  const marriage = await post(`/v1/marriages/${pageParams().record_id}:printCertificate`, { purpose: PURPOSE });
  $("#c-number").textContent = marriage.certificateNumber;
  $("#c-date").textContent = marriage.registerDate;
  $("#c-office").textContent = session.officeCode === marriage.officeCode ? session.officeName : marriage.officeCode;
  $("#c-state").textContent = label(marriage.state);
  $("#c-parties").replaceChildren(...marriage.parties.map((p) => el("tr", {},
    el("td", {}, p.name), el("td", {}, label(p.sex)), el("td", {}, p.nationality), el("td", {}, p.birthDate), el("td", {}, p.idNumber))));
  $("#c-seal").textContent = t("print.seal", { office: $("#c-office").textContent });
  await qrFor(marriage.name);
  ready();
}

const session = start();
if (session) load(session).catch(failed);
