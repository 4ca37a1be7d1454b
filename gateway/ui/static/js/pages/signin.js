import { signIn } from "../api.js";
import { $ } from "../dom.js";
import { onSubmit } from "../forms.js";

onSubmit($("#signin-form"), async () => {
  await signIn($("#username").value.trim(), $("#password").value);
  const next = new URLSearchParams(location.search).get("next") || "";
  location.assign(next.startsWith("/ui/") ? next : "/ui/");
});
