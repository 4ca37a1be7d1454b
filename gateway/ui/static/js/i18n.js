// The page's messages (the server embeds the chosen language's dict) and label helpers.
const node = document.getElementById("ui-messages");
const messages = node ? JSON.parse(node.textContent) : {};

export const lang = document.documentElement.lang || "zh-CN";

export function t(key, params = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// A message that only some cases have (the legal basis of one refusal reason): "" where there is none.
export function optional(key) {
  return messages[key] ?? "";
}

// Proto enum value names (MARRIAGE_STATE_REGISTERED) → words.
export function label(value) {
  if (!value || value.endsWith("_UNSPECIFIED")) return "";
  return messages[`enum.${value}`] ?? value;
}

// What a divorce application's acceptance rested on (rules.md §1.5); 未记录 on one accepted before
// it was recorded (no declarations; certificates NOT_RECORDED).
export function capacityText(application) {
  return application.declarations?.fullCivilCapacity ? t("div.capacityConfirmed") : t("div.notRecorded");
}

export function certificatesText(application) {
  return label(application.certificatesPresented) || t("div.notRecorded");
}

// Nationality codes (CHN) → words (中国), as a certificate states them; a code not listed as it is.
export function nationalityLabel(code) {
  return messages[`nationality.${code}`] ?? code ?? "";
}

// Archive field names (man_id) → words; unknown names as they are.
export function fieldLabel(name) {
  return messages[`field.${name}`] ?? name;
}

// Import defect codes (BAD_CHECK_DIGIT) → words; a code the UI does not know yet as it is.
export function defectLabel(code) {
  return messages[`defect.${code}`] ?? code;
}

// Audit actions (marriage.register) → words; an action the UI does not know yet as it is.
export function actionLabel(action) {
  return messages[`action.${action}`] ?? action;
}

// Reasons a call is refused with (PARTY_ALREADY_MARRIED) → words; "" for one the UI does not know.
export function reasonLabel(reason) {
  return messages[`reason.${reason}`] ?? "";
}
