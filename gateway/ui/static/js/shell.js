// Every signed-in page: the session, the nav and sections for the user's roles, sign-out.
import { renewIfDue, session, signOut } from "./api.js";
import { $, $$, el } from "./dom.js";
import { lang, t } from "./i18n.js";

const rolesOf = (node) => (node.dataset.roles || "").split(" ").filter(Boolean);

export function signInUrl() {
  return `/ui/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
}

function showWho(current) {
  const who = $("#who");
  if (!who) return;
  const until = new Date(current.expiresAt).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  who.textContent = t("shell.who", { name: current.displayName, office: current.officeName || current.jurisdiction, until });
}

// 查看审计记录: a record's history on the 审计 screen (service: whose trail; resource: the record's
// name, e.g. marriages/…), for the roles that read the audit trail (nav.AUDIT, given by the page);
// "" for everyone else — the API would refuse them the trail anyway.
export function auditLink(resource, service = "marriage") {
  const { audit, auditRoles } = document.body.dataset;
  const mine = session()?.roles || [];
  if (!resource || !audit || !(auditRoles || "").split(" ").some((r) => mine.includes(r))) return "";
  return el("a", { class: "audit-link", href: `${audit}?${new URLSearchParams({ service, resource })}` }, t("audit.view"));
}

// → the session, or null (after sending the user to sign in, or saying the screen is not theirs).
export function start() {
  const current = session();
  if (!current) {
    location.replace(signInUrl());
    return null;
  }
  const mine = new Set(current.roles);
  for (const node of $$("[data-roles]")) node.hidden = !rolesOf(node).some((r) => mine.has(r));
  showWho(current);
  window.addEventListener("civic:session", (event) => showWho(event.detail));
  // Working in the window keeps the session (typing a long form makes no calls).
  for (const type of ["keydown", "pointerdown"]) document.addEventListener(type, () => { renewIfDue(); }, { passive: true });
  $("#signout")?.addEventListener("click", async () => {
    await signOut().catch(() => {});
    location.assign("/ui/signin");
  });
  const allowed = (document.body.dataset.screenRoles || "").split(" ").filter(Boolean);
  if (allowed.length && !allowed.some((r) => mine.has(r))) {
    $("#denied").hidden = false;
    return null;
  }
  $("#screen").hidden = false;
  return current;
}
