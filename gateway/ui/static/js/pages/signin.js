import { signIn } from "../api.js";
import { $ } from "../dom.js";
import { onSubmit } from "../forms.js";
import { t } from "../i18n.js";

onSubmit($("#signin-form"), async () => {
  try {
    await signIn($("#username").value.trim(), $("#password").value);
  } catch (error) {
    // The API's 401 title speaks of a session that ended; here no one was signed in yet.
    error.title = t("signin.refused");
    throw error;
  }
  const next = new URLSearchParams(location.search).get("next") || "";
  location.assign(next.startsWith("/ui/") ? next : "/ui/");
});
