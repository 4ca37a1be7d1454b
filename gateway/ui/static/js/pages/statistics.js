import { get } from "../api.js";
import { $, definitions, today } from "../dom.js";
import { onSubmit, showProblem } from "../forms.js";
import { t } from "../i18n.js";
import { start } from "../shell.js";

const FIGURES = ["marriagesRegistered", "marriagesRetroactive", "divorcesRegistered", "courtDivorces", "courtAnnulments", "certificatesReissued", "recordCertificates",
  "divorceApplications", "divorceWithdrawn", "divorceDeemedWithdrawn", "divorceRefused", "counselingReceived", "counselingReconciled",
  "counselingDomesticViolence", "counselingTraffickingSuspected",
  "historicalImported", "correctionsApproved", "registrationComplianceRate", "archiveRate"];
const session = start();

async function load() {
  $("#stats").replaceChildren(); // no figures of another period beside a refusal
  const stats = await get("/v1/statistics", { officeCode: session.officeCode || session.jurisdiction, fromDate: $("#stats-from").value, toDate: $("#stats-to").value });
  definitions($("#stats"), FIGURES.map((key) => [t(`stats.${key}`), String(stats[key] ?? "")]));
}

if (session) {
  $("#stats-from").value = `${today().slice(0, 4)}-01-01`;
  $("#stats-to").value = today();
  onSubmit($("#stats-form"), load);
  load().catch((error) => showProblem($("#stats-errors"), error));
}
