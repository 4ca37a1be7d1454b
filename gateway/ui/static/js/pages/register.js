import { ApiError, get, post } from "../api.js";
import { $, el, idOf, today } from "../dom.js";
import { onSubmit, requestIdFor, setFieldError, watchId } from "../forms.js";
import { t } from "../i18n.js";
import { maskId, normalize } from "../idcheck.js";
import { keepRefusal } from "../notice.js";
import { start } from "../shell.js";

const RESIDENT_ID = "ID_TYPE_RESIDENT_ID";
// Refusals on the law's grounds get a written notice (不予登记告知书); input mistakes do not.
const REFUSALS = new Set(["PARTY_ALREADY_MARRIED", "UNDER_LEGAL_AGE", "DECLARATION_MISSING",
  "PARTIES_NOT_MALE_AND_FEMALE", "SAME_PERSON"]);

// Checks of a party's number (idcheck.js keys) that are the law's bars, not input mistakes.
const LEGAL_BARS = new Set(["id.underAgeMale", "id.underAgeFemale"]);
const SEX_CHECKS = new Set(["id.notMale", "id.notFemale"]);

const session = start();
const form = $("#register-form");
const day = today();

const parties = [0, 1].map((i) => ({
  sex: i === 0 ? "M" : "F",
  type: $(`#p${i}-idtype`), id: $(`#p${i}-id`), name: $(`#p${i}-name`),
  birth: $(`#p${i}-birth`), nationality: $(`#p${i}-nationality`), docs: $(`fieldset[data-party="${i}"] .docs-only`),
  proof: $(`fieldset[data-party="${i}"] .proof-only`), proofKind: $(`#p${i}-proof-kind`),
  proofIssuer: $(`#p${i}-proof-issuer`), proofNumber: $(`#p${i}-proof-number`), proofDate: $(`#p${i}-proof-date`),
}));

// Not a mainland resident: a passport or permit, or a resident-ID-shaped number of a 港澳台居民居住证
// (81, 82, 83) or a 外国人永久居留身份证 (9) — as the service's parties.party_case_kind decides.
function needsProof(p) {
  return p.type.value !== RESIDENT_ID || /^(8[123]|9)/.test(normalize(p.id.value));
}

function showFor(p) {
  p.docs.hidden = p.type.value === RESIDENT_ID;
  p.proof.hidden = !needsProof(p);
}

function partyBody(p) {
  let body = { idType: p.type.value, idNumber: normalize(p.id.value), name: p.name.value.trim() };
  if (needsProof(p)) {
    body.noSpouseProof = { kind: p.proofKind.value || undefined, issuer: p.proofIssuer.value.trim(),
      documentNumber: p.proofNumber.value.trim(), issueDate: p.proofDate.value };
  }
  if (p.type.value === RESIDENT_ID) return body;
  body = { ...body, sex: p.sex === "M" ? "SEX_MALE" : "SEX_FEMALE", birthDate: p.birth.value };
  return { ...body, nationality: p.nationality.value.trim().toUpperCase() };
}

// Today's open marriage bookings; loaded again after each registration (which serves one).
async function loadAppointments() {
  const select = $("#reg-appointment");
  const wanted = new URLSearchParams(location.search).get("appointment");
  try {
    const found = await get("/v1/appointments", { officeCode: session.officeCode, date: day, pageSize: 200 });
    const open = found.appointments.filter((a) => a.state === "APPOINTMENT_STATE_BOOKED" && a.kind === "APPOINTMENT_KIND_MARRIAGE");
    select.replaceChildren(select.options[0]); // 无预约
    select.append(...open.map((a) => el("option", { value: a.name, selected: a.name === wanted }, t("reg.appointmentOption", { queue: a.queueNumber, name: a.contactName }))));
  } catch {
    // registering without a booking is allowed; the list is a convenience
  }
}

function refused(error) {
  const index = Number(error.metadata.party);
  if (Number.isInteger(index) && parties[index]) setFieldError(parties[index].id, error.detail);
  keepRefusal({
    reason: error.reason, detail: error.detail, officeCode: session.officeCode, officeName: session.officeName,
    parties: parties.map((p) => ({ name: p.name.value.trim(), idNumber: maskId(p.id.value), sex: p.sex })),
  });
  $("#register-refusal").hidden = false;
}

const retro = $("#reg-retro");
const showRetro = () => { $(".retro-only").hidden = !retro.checked; };

function registered(marriage) {
  const id = idOf(marriage.name);
  const cohabitation = marriage.cohabitation;
  $("#register-result").replaceChildren(el("div", { class: "ok" },
    el("p", {}, t("reg.done", { number: marriage.certificateNumber, parties: marriage.parties.map((p) => p.name).join("、") })),
    cohabitation ? el("p", { id: "retro-effect" }, t("reg.retroDone", { since: cohabitation.startDate, effective: cohabitation.effectiveDate })) : "",
    el("p", {}, el("a", { class: "button primary", href: `/ui/print/certificate/${id}`, id: "print-certificate" }, t("reg.printCertificate")),
      " ", el("a", { class: "button", href: `/ui/print/declarations/${id}`, id: "print-declarations" }, t("reg.printDeclarations")))));
  form.reset();
  for (const p of parties) showFor(p);
  showRetro();
  loadAppointments();
  $("#print-certificate").focus();
}

if (session) {
  const checks = parties.map((p) => {
    p.type.addEventListener("change", () => showFor(p));
    p.id.addEventListener("input", () => showFor(p));
    return watchId(p.id, { typeSelect: p.type, sex: p.sex, day });
  });
  const samePerson = () => (parties[0].id.value && normalize(parties[0].id.value) === normalize(parties[1].id.value)
    ? [{ input: parties[1].id, message: t("reg.samePerson") }] : []);
  // The law's bars seen in the numbers (under age; two men or two women) are flagged as typed, but
  // refusing is the registry's decision: the service refuses with its reason, which gets the written
  // notice. Input mistakes stop here: a wrong number, or the two columns swapped (both flagged).
  const inputMistakes = () => {
    const found = checks.flatMap((check) => check());
    const wrongSex = found.filter((p) => SEX_CHECKS.has(p.key));
    return found.filter((p) => !LEGAL_BARS.has(p.key) && !(SEX_CHECKS.has(p.key) && wrongSex.length === 1));
  };
  retro.addEventListener("change", showRetro);
  loadAppointments();
  onSubmit(form, async () => {
    $("#register-refusal").hidden = true;
    $("#register-result").replaceChildren();
    try {
      registered(await post("/v1/marriages:register", {
        requestId: requestIdFor(form), officeCode: session.officeCode, appointment: $("#reg-appointment").value,
        parties: parties.map(partyBody),
        declarations: { noSpouse: $("#reg-nospouse").checked, noProhibitedKinship: $("#reg-nokin").checked },
        cohabitationStartDate: retro.checked ? $("#reg-cohabitation").value : undefined,
      }));
    } catch (error) {
      if (error instanceof ApiError && REFUSALS.has(error.reason)) {
        refused(error);
        error.title = t("reg.refused");
      }
      throw error;
    }
  }, { validate: () => [...inputMistakes(), ...samePerson()] });
  $("#print-refusal").addEventListener("click", () => location.assign("/ui/print/refusal"));
}
