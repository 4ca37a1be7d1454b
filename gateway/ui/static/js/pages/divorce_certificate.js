import { post } from "../api.js";
import { DIVORCE_BLANK } from "../blanks.js";
import { $, pageParams } from "../dom.js";
import { label, t } from "../i18n.js";
import { failed, partyRows, qrFor, ready, recordBlank, start } from "../print.js";

const PURPOSE = "打印离婚证";

async function load(session) {
  // The certificate carries the parties' numbers in full: only this call returns them, and the
  // marriage service audits it (who printed which application, and why: in the auditors' language).
  // It refuses an application whose divorce is not registered (APPLICATION_NOT_DIVORCED).
  const a = await post(`/v1/divorceApplications/${pageParams().record_id}:printCertificate`, { purpose: PURPOSE });
  $("#d-number").textContent = a.certificateNumber;
  $("#d-date").textContent = a.closeDate;
  $("#d-office").textContent = session.officeCode === a.officeCode ? session.officeName : a.officeCode;
  $("#d-state").textContent = label(a.state);
  $("#d-parties").replaceChildren(...partyRows(a.parties));
  $("#d-seal").textContent = t("print.seal", { office: $("#d-office").textContent });
  await qrFor(a.name, "divorceCertificate");
  recordBlank(session, DIVORCE_BLANK, a.certificateNumber, a.marriage);
  ready();
}

const session = start();
if (session) load(session).catch(failed);
