// Blank certificate booklets (空白证书): recording the blank a certificate is printed on, voiding
// a spoiled one — on the blanks screen and beside each certificate print.
import { post } from "./api.js";
import { requestIdFor, setFieldError } from "./forms.js";

export const MARRIAGE_BLANK = "CERTIFICATE_BLANK_KIND_MARRIAGE"; // J…, BJ…
export const DIVORCE_BLANK = "CERTIFICATE_BLANK_KIND_DIVORCE"; // L…, BL…

// Refusals about the blank itself name no field: shown beside the serial as well as in the summary.
const AT_SERIAL = new Set(["BLANK_NOT_FOUND", "BLANK_NOT_IN_STOCK", "BLANK_ALREADY_VOIDED", "BLANK_KIND_MISMATCH"]);

async function atSerial(input, call) {
  try {
    return await call();
  } catch (error) {
    if (AT_SERIAL.has(error.reason)) setFieldError(input, error.detail);
    throw error;
  }
}

// form: the submitting form (its request id); serial: its serial input. → the blank.
export function useBlank(form, serial, fields) {
  return atSerial(serial, () => post("/v1/certificateBlanks:use",
    { requestId: requestIdFor(form), serial: serial.value.trim(), ...fields }));
}

export function voidBlank(form, serial, fields) {
  return atSerial(serial, () => post("/v1/certificateBlanks:void",
    { requestId: requestIdFor(form), serial: serial.value.trim(), ...fields }));
}
