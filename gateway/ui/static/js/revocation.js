// A revocation case (撤销婚姻登记, rules.md §1.4) as the case list and the home panel show it.
import { get } from "./api.js";
import { addDays, idOf, partiesText } from "./dom.js";

// The day a decision may first be made: the day after the objection period's last day.
export const decidableFrom = (c) => (c.notice?.objectionDeadlineDate ? addDays(c.notice.objectionDeadlineDate, 1) : "");

// The case on the 撤销婚姻登记案件 screen (revocations.js opens the case asked for).
export const caseHref = (c) => `/ui/marriage/revocations?${new URLSearchParams({ case: idOf(c.name) })}`;

// The marriage a case concerns: its certificate number and parties.
export async function recordOf(c) {
  try {
    const m = await get(`/v1/${c.marriage}`);
    return [m.certificateNumber, " ", partiesText(m.parties)];
  } catch {
    return c.marriage; // out of the reader's jurisdiction or gone: the name, as it is
  }
}
