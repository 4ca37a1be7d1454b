// Resident ID numbers (GB 11643) checked as they are typed, as the services check them:
// full-width folded, spaces dropped, 15-digit numbers upgraded, birth date before check digit.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";
const MIN_BIRTH_YEAR = 1800;
// 民法典 1047: full years on the registration day.
export const LEGAL_AGE = { M: 22, F: 20 };

export function normalize(raw) {
  return (raw || "").normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

export function checkDigit(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function birthDate(digits, today) {
  const [y, m, d] = [Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8))];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { error: "id.birthInvalid" };
  }
  const iso = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (y < MIN_BIRTH_YEAR) return { error: "id.birthYear" };
  if (iso > today) return { error: "id.birthFuture" };
  return { iso };
}

// → {number, birthDate, sex} or {error: i18n key, params}
export function parseResidentId(raw, today) {
  let text = normalize(raw);
  const upgraded = text.length === 15;
  if (text.length !== 15 && text.length !== 18) return { error: "id.length", params: { n: text.length } };
  if (upgraded) {
    if (!/^[0-9]{15}$/.test(text)) return { error: "id.shape15" };
    const first17 = `${text.slice(0, 6)}19${text.slice(6)}`;
    text = first17 + checkDigit(first17);
  } else if (!/^[0-9]{17}[0-9X]$/.test(text)) {
    return { error: "id.shape18" };
  }
  const born = birthDate(text.slice(6, 14), today);
  if (born.error) return { error: born.error, params: { digits: text.slice(6, 14) } };
  if (!upgraded && checkDigit(text.slice(0, 17)) !== text[17]) return { error: "id.checkDigit" };
  return { number: text, birthDate: born.iso, sex: Number(text[16]) % 2 === 1 ? "M" : "F" };
}

export function ageOn(birthIso, dayIso) {
  const [by, bm, bd] = birthIso.split("-").map(Number);
  const [y, m, d] = dayIso.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

// A marriage party's number: valid, of the expected sex, of legal age on `day`.
export function checkMarriageParty(raw, sex, day) {
  const parsed = parseResidentId(raw, day);
  if (parsed.error) return parsed;
  const age = ageOn(parsed.birthDate, day); // the hint shows it whatever the check finds
  if (parsed.sex !== sex) return { ...parsed, age, error: sex === "M" ? "id.notMale" : "id.notFemale" };
  if (age < LEGAL_AGE[sex]) {
    return { ...parsed, age, error: sex === "M" ? "id.underAgeMale" : "id.underAgeFemale", params: { age, min: LEGAL_AGE[sex], date: day } };
  }
  return { ...parsed, age };
}

export function maskId(number) {
  const text = normalize(number);
  return text.length < 15 ? "*".repeat(text.length) : text.slice(0, 4) + "*".repeat(text.length - 8) + text.slice(-4);
}
