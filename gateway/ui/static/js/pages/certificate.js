import { post } from "../api.js";
import { DIVORCE_BLANK, MARRIAGE_BLANK } from "../blanks.js";
import { $, pageParams } from "../dom.js";
import { label, t } from "../i18n.js";
import { failed, partyRows, qrFor, ready, recordBlank, start } from "../print.js";

// Which document of the record: its marriage certificate, or one issued on it since (?number=):
// a replacement (BJ…, BL…), its divorce certificate (L…) or a marriage-record certificate (ZM…).
// blank: the booklet it is printed on (a record certificate is printed on plain paper).
const DOCUMENTS = {
  J: { title: "print.certificate", purpose: "打印结婚证", blank: MARRIAGE_BLANK },
  BJ: { title: "print.certificate", purpose: "打印补发结婚证", reissued: true, blank: MARRIAGE_BLANK },
  L: { title: "print.divorceCertificate", purpose: "打印离婚证", divorce: true, blank: DIVORCE_BLANK },
  BL: { title: "print.divorceCertificate", purpose: "打印补发离婚证", divorce: true, reissued: true, blank: DIVORCE_BLANK },
  ZM: { title: "print.recordCertificate", purpose: "打印婚姻登记记录证明", record: true, blank: "" },
};

function documentOf(number) {
  const kind = (number.match(/^(BJ|BL|ZM|J|L)\d/) || [])[1] || "J";
  return DOCUMENTS[kind];
}

async function load(session) {
  const number = (new URLSearchParams(location.search).get("number") || "").trim().toUpperCase();
  const doc = number ? documentOf(number) : DOCUMENTS.J;
  // The certificate carries the parties' numbers in full: only this call returns them, and the
  // marriage service audits it (who printed which record and document, and why: in the auditors' language).
  const marriage = await post(`/v1/marriages/${pageParams().record_id}:printCertificate`,
    { purpose: doc.purpose, ...(number ? { documentNumber: number } : {}) });
  $("#doc-title").textContent = t(doc.title) + (doc.reissued ? t("print.reissued") : "");
  if (number) $("#c-number-label").textContent = t("print.documentNumber");
  $("#c-number").textContent = number || marriage.certificateNumber;
  if (doc.divorce) $("#c-date-label").textContent = t("print.divorceDate");
  $("#c-date").textContent = doc.divorce ? marriage.endDate : marriage.registerDate;
  if (doc.divorce) $("#c-note").textContent = t("print.divorceCertificateNote");
  if (doc.record) $("#c-note").textContent = t("print.recordCertificateNote", { original: marriage.certificateNumber });
  $("#c-office").textContent = session.officeCode === marriage.officeCode ? session.officeName : marriage.officeCode;
  // A record certificate states the status as it is now, with the day it changed.
  $("#c-state").textContent = label(marriage.state) + (doc.record && marriage.endDate ? `（${marriage.endDate}）` : "");
  $("#c-parties").replaceChildren(...partyRows(marriage.parties));
  $("#c-seal").textContent = t("print.seal", { office: $("#c-office").textContent });
  await qrFor(marriage.name, doc.divorce ? "divorceCertificate" : doc.record ? "recordCertificate" : "", number);
  recordBlank(session, doc.blank, $("#c-number").textContent, marriage.name);
  ready();
}

const session = start();
if (session) load(session).catch(failed);
