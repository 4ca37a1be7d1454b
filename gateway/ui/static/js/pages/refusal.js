import { ApiError, post } from "../api.js";
import { $ } from "../dom.js";
import { optional, t } from "../i18n.js";
import { refusalToPrint } from "../notice.js";
import { failed, ready, showQr, start } from "../print.js";

async function load() {
  const refusal = refusalToPrint();
  if (!refusal) throw new ApiError(404, { title: t("print.noRefusal"), detail: t("print.noRefusalDetail") });
  // A marriage's refusal (the registration form) or a divorce's (the application's page): the same
  // notice, titled and worded for its registration.
  const divorce = refusal.kind === "divorce";
  // A divorce's refusal is on record: its notice is the application's (reason, day and number from
  // the record, the same on every print); a marriage's is issued from what the window refused.
  const notice = await post("/ui/api/refusal-notices", divorce
    ? { kind: "divorce", application: refusal.application, officeName: refusal.officeName }
    : {
      kind: "marriage", reason: refusal.reason, detail: refusal.detail, officeCode: refusal.officeCode, officeName: refusal.officeName,
      parties: refusal.parties.map((p) => ({ name: p.name, idNumber: p.idNumber })),
    });
  if (divorce) $("#doc-title").textContent = t("print.refusalDivorce");
  $("#n-number").textContent = notice.number;
  $("#n-addressee").textContent = t("print.refusalTo", { names: refusal.parties.map((p, i) => `${p.name}（${notice.parties[i].idNumber}）`).join("、") });
  $("#n-text").textContent = t(divorce ? "print.refusalTextDivorce" : "print.refusalText");
  $("#n-reason").textContent = notice.detail;
  const basis = optional(`print.refusalBasis.${refusal.reason}`);
  $("#n-basis").textContent = basis ? t("print.refusalBasis", { basis }) : "";
  $("#n-basis").hidden = !basis;
  $("#n-office").textContent = refusal.officeName;
  $("#n-date").textContent = notice.date;
  showQr(notice);
  ready();
}

if (start()) load().catch(failed);
