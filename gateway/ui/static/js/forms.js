// Forms: required fields, errors next to each field (aria-live) and as a summary, the server's
// problem (detail + violations) mapped onto the fields, and the ID number checked as typed.
import { ApiError, requestId } from "./api.js";
import { $, $$, el, today } from "./dom.js";
import { reasonLabel, t } from "./i18n.js";
import { checkMarriageParty, normalize, parseResidentId } from "./idcheck.js";

const RESIDENT_ID = "ID_TYPE_RESIDENT_ID";

const errorOf = (input) => document.getElementById(`${input.id}-error`);
const hintOf = (input) => document.getElementById(`${input.id}-hint`);
const visible = (input) => !input.closest("[hidden]") && !input.disabled;

export function setFieldError(input, message) {
  const node = errorOf(input);
  if (node) node.textContent = message || "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function labelOf(input) {
  const text = $(`label[for="${input.id}"]`)?.textContent.replace("*", "").trim() || input.id;
  const legend = input.closest("fieldset")?.querySelector("legend")?.textContent.trim();
  return legend ? `${legend} · ${text}` : text;
}

export function hideSummary(summary) {
  if (summary) summary.hidden = true;
}

// items: [{text, input?}] — an item with an input links to it; code: the reason's code, shown
// beside the title (what the API returns and support asks for).
export function showSummary(summary, { title, code = "", detail = "", items = [] }) {
  summary.querySelector(".error-title").replaceChildren(title, ...(code ? [" ", el("code", {}, code)] : []));
  summary.querySelector(".error-detail").textContent = detail;
  summary.querySelector(".error-list").replaceChildren(...items.map(({ text, input }) => el("li", {},
    input ? el("a", { href: `#${input.id}`, onclick: (e) => { e.preventDefault(); input.focus(); } }, text) : text)));
  summary.hidden = false;
  summary.focus();
}

export function clearErrors(form) {
  for (const input of $$("input, select, textarea", form)) setFieldError(input, "");
  hideSummary($(".error-summary", form));
}

function fieldFor(form, path) {
  if (!form || !path) return null;
  const exact = $$("[data-field]", form).find((i) => i.dataset.field === path && visible(i));
  if (exact) return exact;
  // "parties[0]" or "parties[0].idNumber.x": the closest field that names the same thing
  return $$("[data-field]", form).filter((i) => visible(i) && (path.startsWith(`${i.dataset.field}.`) || i.dataset.field.startsWith(`${path}.`)))[0] || null;
}

// An error from a call → the summary (the server's Chinese detail) and each violation at its field.
export function showProblem(summary, error, form = summary.closest("form")) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    showSummary(summary, { title: t("error.title"), detail: t("error.unexpected") });
    return;
  }
  // A violation of a field this form does not show is said without the API's field path (English,
  // parties[0].sex), and not at all when it only repeats the detail above it.
  const items = error.violations.map((v) => {
    const input = fieldFor(form, v.field);
    if (input) setFieldError(input, v.description);
    return { text: input ? `${labelOf(input)}：${v.description}` : v.description, input };
  }).filter((item) => item.input || item.text !== error.detail);
  let detail = error.detail;
  if (error.status === 0) detail = t("error.network");
  // Refused for want of a valid session (revoked, or ended while the window stood idle — then this
  // tab holds none any more): offer to sign in again. The sign-in form's own 401 is a wrong password.
  const expired = error.status === 401 && location.pathname !== "/ui/signin";
  if (expired) detail = `${error.detail} ${t("error.signInAgain")}`;
  // The reason in words after the title, its code beside them (as the 审计 screen shows actions).
  const title = error.title || t("error.title");
  const words = error.reason ? reasonLabel(error.reason) : "";
  showSummary(summary, { title: words ? t("error.titleReason", { title, reason: words }) : title, code: error.reason,
    detail, items });
  if (expired) {
    summary.querySelector(".error-list").append(el("li", {}, el("a", { href: `/ui/signin?next=${encodeURIComponent(location.pathname)}` }, t("signin.title"))));
  }
}

function missing(form) {
  return $$("[data-required]", form).filter(visible).filter((i) => (i.type === "checkbox" ? !i.checked : !i.value.trim()))
    .map((input) => ({ input, message: t(input.type === "checkbox" ? "error.mustConfirm" : "error.required") }));
}

// Submit handling: Enter or the button submits; required and custom checks first (`validate`
// returns [{input, message}]); the handler's failure is shown on the form.
// One request id per attempt: a plain retry (after a lost answer) reuses it, so the service does
// the change once; editing the form or a success starts a new attempt.
export function requestIdFor(form) {
  form.dataset.requestId ||= requestId();
  return form.dataset.requestId;
}

export function onSubmit(form, handler, { validate } = {}) {
  const summary = $(".error-summary", form);
  const fresh = () => delete form.dataset.requestId;
  form.addEventListener("input", fresh);
  form.addEventListener("change", fresh);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problems = [...missing(form), ...(validate ? validate() : [])];
    if (problems.length) {
      for (const { input, message } of problems) setFieldError(input, message);
      showSummary(summary, { title: t("error.fix"), items: problems.map(({ input, message }) => ({ input, text: `${labelOf(input)}：${message}` })) });
      return;
    }
    const button = $("[type=submit]", form);
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await handler();
      fresh();
    } catch (error) {
      showProblem(summary, error, form);
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
      if (document.activeElement === document.body) button.focus();
    }
  });
}

function describe(result, withAge) {
  const facts = { birth: result.birthDate, sex: t(`sex.${result.sex}`), age: result.age };
  return t(withAge ? "id.okAge" : "id.ok", facts);
}

// The ID number checked as typed. `sex` (M/F) and `day` make it a marriage party's check.
// Returns a validate() for onSubmit; its problems carry the check's message key (`key`).
export function watchId(input, { typeSelect = null, sex = "", day = today() } = {}) {
  const hint = hintOf(input);
  const idle = hint?.textContent || "";
  hint?.setAttribute("aria-live", "polite");
  const isResident = () => !typeSelect || typeSelect.value === RESIDENT_ID;
  let key = "";
  const check = (complete) => {
    key = "";
    if (!isResident()) {
      setFieldError(input, "");
      if (hint) hint.textContent = "";
      return "";
    }
    const n = normalize(input.value).length;
    if (!complete && n < 18) {
      setFieldError(input, "");
      if (hint) hint.textContent = n ? t("id.progress", { n }) : idle;
      return "";
    }
    if (!n) return "";
    const result = sex ? checkMarriageParty(input.value, sex, day) : parseResidentId(input.value, day);
    const message = result.error ? t(result.error, result.params || {}) : "";
    key = result.error || "";
    setFieldError(input, message);
    if (hint) hint.textContent = result.birthDate ? describe(result, Boolean(sex)) : "";
    return message;
  };
  // Checked in full when the clerk leaves a number she has typed — not again when she leaves it
  // unchanged (Enter sends the form and moves the focus to its summary): that would wipe the
  // service's refusal just shown at the field ("not a party of this application").
  let typed = false;
  input.addEventListener("input", () => { typed = true; check(false); });
  input.addEventListener("blur", () => {
    if (input.value && typed) check(true);
    typed = false;
  });
  typeSelect?.addEventListener("change", () => check(Boolean(input.value)));
  return () => {
    typed = false;
    const message = input.value ? check(true) : "";
    return message ? [{ input, message, key }] : [];
  };
}

// A change that cannot be taken back (one that ends a marriage) in two steps: the first submit says
// in the form's `.confirm` panel what will be recorded (`describe` → text, or a refusal thrown), the
// second does it (`handler`). Editing the form, or 返回修改, goes back to the first step. `final`: the
// warning under it (the message key), by default that the marriage ends.
export function confirmFirst(form, describe, handler, { final = "confirm.final" } = {}) {
  const panel = $(".confirm", form);
  const button = $("[type=submit]", form);
  const first = button.textContent;
  const back = () => {
    panel.hidden = true;
    panel.replaceChildren();
    button.textContent = first;
  };
  for (const type of ["input", "change", "reset"]) form.addEventListener(type, back);
  // The second click of a double click on the first step's button is not the confirmation.
  button.addEventListener("click", (event) => { if (event.detail > 1) event.preventDefault(); });
  return async () => {
    if (panel.hidden) {
      const what = await describe();
      panel.replaceChildren(el("p", {}, what), el("p", {}, t(final)),
        el("button", { type: "button", onclick: () => { back(); button.focus(); } }, t("confirm.back")));
      panel.hidden = false;
      button.textContent = t("confirm.submit");
      return;
    }
    await handler();
    back();
  };
}
