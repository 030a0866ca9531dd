// Learning platform launches (templates/quizzes/lms/): no inline scripts, as the CSP requires.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Deep linking's answer goes back to the LMS at once; the button is there without JavaScript.
  const answer = document.querySelector("form[data-auto-submit]");
  if (answer) answer.submit();

  // In a frame, a login needs this site's cookies: continue if the browser keeps them here,
  // else offer a new window, where they are first-party.
  const check = document.querySelector("[data-cookie-check]");
  if (!check) return;
  const secure = window.location.protocol === "https:";
  document.cookie = `quizsite_cookie_check=1; path=/; max-age=60${secure ? "; SameSite=None; Secure" : ""}`;
  if (document.cookie.includes("quizsite_cookie_check=1")) {
    window.location.replace(check.dataset.continue);
    return;
  }
  check.querySelector("[data-cookie-wait]").hidden = true;
  check.querySelector("[data-cookie-blocked]").hidden = false;
});
