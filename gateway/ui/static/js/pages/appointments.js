import { get, post, requestId } from "../api.js";
import { $, el, fillTable, row, today } from "../dom.js";
import { onSubmit, requestIdFor, setFieldError, showProblem } from "../forms.js";
import { label, t } from "../i18n.js";
import { start } from "../shell.js";

// Refusals about the day chosen name no field: said beside the date as well as in the summary.
const AT_DATE = new Set(["OFFICE_CLOSED", "CAPACITY_EXHAUSTED"]);

const session = start();
const bookForm = $("#book-form");
const dayForm = $("#day-form");

async function cancel(appointment) {
  try {
    await post(`/v1/${appointment.name}:cancel`, { requestId: requestId() });
    await showDay();
    // Said beside the list, where the clicked button was; the keyboard stays there too.
    const said = $("#day-result");
    said.textContent = t("appt.cancelled", { queue: appointment.queueNumber });
    said.focus();
  } catch (error) {
    showProblem($("#day-errors"), error, dayForm);
  }
}

// Cancelling gives a couple's place away: the first click asks (确认取消 N 号), the second cancels;
// leaving the button, or the second click of a double click, does not.
function cancelButton(appointment) {
  const asks = t("appt.cancel", { queue: appointment.queueNumber });
  const button = el("button", { type: "button" }, asks);
  button.addEventListener("click", (event) => {
    if (event.detail > 1) return;
    if (button.dataset.armed) {
      cancel(appointment);
      return;
    }
    button.dataset.armed = "1";
    button.textContent = t("appt.confirmCancel", { queue: appointment.queueNumber });
  });
  button.addEventListener("blur", () => {
    delete button.dataset.armed;
    button.textContent = asks;
  });
  return button;
}

async function showDay() {
  const date = $("#day-date").value;
  $("#day-result").replaceChildren();
  const found = await get("/v1/appointments", { officeCode: session.officeCode, date, pageSize: 200 });
  $("#day-summary").textContent = found.capacity
    ? t("dash.capacity", { booked: found.booked, capacity: found.capacity, opens: found.opensAt, closes: found.closesAt, label: found.dayLabel })
    : t("appt.closed", { date, label: found.dayLabel });
  // Cancelling is a registrar's (CancelAppointment); supervisors and counselors only look.
  const cancels = session.roles.includes("marriage_registrar");
  fillTable($("#day-table"), found.appointments.map((a) => row(String(a.queueNumber), label(a.kind), a.contactName, a.contactPhone, label(a.state),
    cancels && a.state === "APPOINTMENT_STATE_BOOKED" ? cancelButton(a) : "")), t("dash.none"));
}

if (session) {
  $("#book-date").value = today();
  $("#day-date").value = today();
  onSubmit(bookForm, async () => {
    $("#book-result").replaceChildren(); // the last booking's confirmation is not this attempt's
    const booked = await post("/v1/appointments", {
      requestId: requestIdFor(bookForm),
      appointment: {
        officeCode: session.officeCode, date: $("#book-date").value, kind: $("#book-kind").value,
        contactName: $("#book-name").value.trim(), contactPhone: $("#book-phone").value.trim(),
      },
    }).catch((error) => {
      if (AT_DATE.has(error.reason)) setFieldError($("#book-date"), error.detail);
      throw error;
    });
    $("#book-result").replaceChildren(el("p", { class: "ok" }, t("appt.booked", { queue: booked.queueNumber, date: booked.date, kind: label(booked.kind) })));
    $("#book-name").value = "";
    $("#book-phone").value = "";
    $("#day-date").value = booked.date;
    await showDay();
  });
  onSubmit(dayForm, showDay);
  showDay().catch((error) => showProblem($("#day-errors"), error, dayForm));
}
