// Finding a person's marriage record by ID number (divorce, reissue and the endings start from it).
import { post } from "./api.js";
import { el, partiesText } from "./dom.js";
import { label, t } from "./i18n.js";
import { normalize } from "./idcheck.js";
import { auditLink } from "./shell.js";

export async function maritalStatus(idType, idNumber) {
  return post("/v1/maritalStatus:lookup", { idType, idNumber: normalize(idNumber) });
}

// A record as the lists of records show it, before their actions column: certificate, parties,
// registration date, state, end date (numbers masked, as the API gives them).
export function recordCells(m) {
  return [m.certificateNumber, partiesText(m.parties), m.registerDate, label(m.state), m.endDate];
}

// The no-spouse proofs the record keeps (parties who are not mainland residents, rules.md §1.3).
function proofsShown(parties) {
  const shown = (parties || []).filter((p) => p.noSpouseProof).map((p) => {
    const proof = p.noSpouseProof;
    return `${p.name}：${label(proof.kind)}，${proof.issuer} ${proof.documentNumber}（${proof.issueDate}）`;
  });
  return shown.length ? [el("dt", {}, t("party.proof")), el("dd", {}, shown.join("；"))] : null;
}

// A court's judgment of a void or annulled marriage, as the record card shows it.
export function annulmentText(a) {
  return t("end.annulmentText", { kind: label(a.kind), ground: label(a.ground), court: a.court,
    document: a.documentNumber, date: a.judgmentDate });
}

export function marriageCard(marriage) {
  const trail = auditLink(marriage.name);
  return el("dl", { class: "record" },
    el("dt", {}, t("col.certificate")), el("dd", {}, marriage.certificateNumber),
    el("dt", {}, t("col.parties")), el("dd", {}, partiesText(marriage.parties)),
    proofsShown(marriage.parties),
    el("dt", {}, t("col.date")), el("dd", {}, marriage.registerDate),
    marriage.cohabitation ? [el("dt", {}, t("reg.retroactive")), el("dd", { class: "cohabitation" },
      t("reg.retroCard", { since: marriage.cohabitation.startDate, effective: marriage.cohabitation.effectiveDate }))] : null,
    el("dt", {}, t("col.state")), el("dd", {}, label(marriage.state)),
    marriage.endDate ? [el("dt", {}, t("col.endDate")), el("dd", {}, marriage.endDate)] : null,
    marriage.annulment ? [el("dt", {}, t("end.annulment")), el("dd", { class: "annulment" }, annulmentText(marriage.annulment))] : null,
    trail ? [el("dt", {}, t("screen.oversight.audit")), el("dd", {}, trail)] : null);
}
