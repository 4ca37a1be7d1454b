// Small DOM and date helpers. Text always goes in as text (never as markup).

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// Replace a table body's rows; `empty` is shown in one cell when there are none.
export function fillTable(table, rows, empty) {
  const body = table.tBodies[0];
  const columns = table.tHead.rows[0].cells.length;
  body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: columns, class: "empty" }, empty))]));
}

export function row(...cells) {
  return el("tr", {}, ...cells.map((c) => el("td", {}, c ?? "")));
}

export function definitions(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value ?? "")]));
}

// Calendar days are the bureau's (Beijing), whatever the workstation's time zone.
const bureauDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

// A moment (an RFC 3339 timestamp) as the bureau's clock shows it: "2024-03-05 14:30:00" (Beijing).
const bureauClock = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
  day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function bureauTime(iso) {
  return bureauClock.format(new Date(iso));
}

export function today() {
  return bureauDay.format(new Date());
}

export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(fromIso, toIso) {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86400000);
}

export function idOf(name) {
  return name ? name.slice(name.indexOf("/") + 1) : "";
}

export function partiesText(parties) {
  return (parties || []).map((p) => `${p.name}（${p.idNumber}）`).join("、");
}

export function pageParams() {
  try {
    return JSON.parse(document.body.dataset.params || "{}");
  } catch {
    return {};
  }
}

// A list shown page by page, as the 审计 screen and the blanks' account show theirs: the returned
// show(fetchPage) lists the first page (replacing the rows), and the `more` button (显示更多, shown
// while the service says there are more) appends the next page of that same query — a page token
// belongs to the query that made it. fetchPage(pageToken) → { rows, nextPageToken }.
export function pagedTable(table, more, { empty, failed }) {
  let fetchPage = null;
  let next = "";
  const put = (page, append) => {
    if (append) table.tBodies[0].append(...page.rows);
    else fillTable(table, page.rows, empty);
    next = page.nextPageToken || "";
    more.hidden = !next;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      put(await fetchPage(next), true);
    } catch (error) {
      failed(error);
    } finally {
      more.disabled = false;
    }
  });
  return async (pages) => {
    fetchPage = pages;
    more.hidden = true;
    put(await pages(""), false);
  };
}
