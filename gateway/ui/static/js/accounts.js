// The accounts screens' shared pieces (pages/users.js, pages/clients.js): the checkbox sets of
// templates/accounts/_accounts.html (a person's roles, a client's scopes: `api`) and the edit form's
// fields both have (#edit-name, the `edit` set, #edit-jurisdiction).
import { $, $$ } from "./dom.js";

export const boxes = (prefix, api) => $$(`#${prefix}-${api}-set input[type=checkbox]`);
export const ticked = (prefix, api) => boxes(prefix, api).filter((b) => b.checked).map((b) => b.value);
const sameSet = (a, b) => [...a].sort().join(" ") === [...b].sort().join(" ");

// A validate() for onSubmit: at least one box of the set ticked.
export function atLeastOne(prefix, api, message) {
  return ticked(prefix, api).length ? [] : [{ input: boxes(prefix, api)[0], message }];
}

// The edit form shows `record` (an account or a client) as the list last showed it.
export function fillEdit(record, api) {
  $("#edit-name").value = record.displayName;
  for (const box of boxes("edit", api)) box.checked = record[api].includes(box.value);
  $("#edit-jurisdiction").value = record.jurisdiction;
}

// Only what was changed of them goes out: a change of roles, scopes or jurisdiction ends the
// record's sessions (the API revokes its tokens), so an unchanged field must not be sent as one.
export function editedFields(record, api) {
  const body = {};
  const name = $("#edit-name").value.trim();
  if (name !== record.displayName) body.displayName = name;
  const names = ticked("edit", api);
  if (!sameSet(names, record[api])) body[api] = names;
  const jurisdiction = $("#edit-jurisdiction").value.trim();
  if (jurisdiction !== record.jurisdiction) body.jurisdiction = jurisdiction;
  return body;
}
