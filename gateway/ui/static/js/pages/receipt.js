import { get } from "../api.js";
import { $, addDays, el, pageParams } from "../dom.js";
import { capacityText, certificatesText, label, t } from "../i18n.js";
import { failed, qrFor, ready, start } from "../print.js";

async function load(session) {
  const a = await get(`/v1/divorceApplications/${pageParams().record_id}`);
  $("#r-number").textContent = a.receiptNumber;
  $("#r-parties").replaceChildren(...a.parties.map((p) => el("tr", {}, el("td", {}, p.name), el("td", {}, label(p.sex)), el("td", {}, p.idNumber))));
  $("#r-accepted").textContent = a.acceptDate;
  $("#r-cooling").textContent = a.coolingOffEndDate;
  $("#r-deadline").textContent = a.issueDeadlineDate;
  $("#r-state").textContent = label(a.state);
  $("#r-capacity").textContent = capacityText(a);
  $("#r-certificates").textContent = certificatesText(a);
  $("#r-text-cooling").textContent = t("print.receiptCooling", { from: addDays(a.acceptDate, 1), to: a.coolingOffEndDate });
  $("#r-text-issue").textContent = t("print.receiptIssue", { from: addDays(a.coolingOffEndDate, 1), to: a.issueDeadlineDate });
  $("#r-provisional").hidden = !a.periodsProvisional;
  const office = session.officeCode === a.officeCode ? session.officeName : a.officeCode;
  $("#r-seal").textContent = t("print.seal", { office });
  await qrFor(a.name);
  ready();
}

const session = start();
if (session) load(session).catch(failed);
