// Quizsite behaviour that needs JavaScript. Every page also works without it: the server keeps
// time, saves answers and closes overdue attempts on its own.
(function () {
  "use strict";

  // Countdown ------------------------------------------------------------------------------

  // Thresholds (seconds left) at which the screen-reader announcement speaks; the visible clock
  // updates every second but is not a live region, so it never chatters.
  var ANNOUNCEMENTS = [
    [300, "5 minutes left."],
    [60, "1 minute left."],
  ];

  function formatClock(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var mm = hours ? String(minutes).padStart(2, "0") : String(minutes);
    var clock = mm + ":" + String(rest).padStart(2, "0");
    return hours ? hours + ":" + clock : clock;
  }

  function startCountdown(timer) {
    if (timer.dataset.countdownStarted) return;
    timer.dataset.countdownStarted = "1";
    var deadline = Date.parse(timer.dataset.deadline);
    // The server's clock is the authority: correct for a student's computer that is off.
    var skew = Date.parse(timer.dataset.now) - Date.now();
    var display = timer.querySelector("[data-countdown-display]");
    var announcer = timer.querySelector("[data-countdown-announce]");
    if (isNaN(deadline) || isNaN(skew) || !display) return;

    function secondsLeft() {
      return Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
    }

    // Thresholds already behind us when the page loads are not announced late.
    var pending = ANNOUNCEMENTS.filter(function (entry) {
      return secondsLeft() > entry[0];
    });

    function announce(text) {
      if (announcer) announcer.textContent = text;
    }

    function tick() {
      var left = secondsLeft();
      display.textContent = formatClock(left);
      timer.classList.toggle("is-low", left <= 300);
      while (pending.length && left <= pending[0][0]) {
        announce(pending.shift()[1]);
      }
      if (left <= 0) {
        window.clearInterval(interval);
        announce("Time is up. Your saved answers are being submitted.");
        // The finish page closes the overdue attempt and shows the results.
        window.location.assign(timer.dataset.finishUrl);
      }
    }

    var interval = window.setInterval(tick, 1000);
    tick();
  }

  function startCountdowns(root) {
    root.querySelectorAll("[data-countdown]").forEach(startCountdown);
  }

  // Focus after a question card swap ----------------------------------------------------------

  // A swapped card is new content: move focus to what the student needs next (an error, the
  // feedback, or the question heading) so keyboard and screen-reader users are not left behind.
  function focusCard() {
    var card = document.getElementById("question-card");
    if (!card) return;
    var target =
      card.querySelector("[data-error]") ||
      card.querySelector("#feedback") ||
      card.querySelector("#question-heading");
    if (target) target.focus();
  }

  function showConnectionProblem(text) {
    var status = document.getElementById("connection-status");
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  }

  function clearConnectionProblem() {
    var status = document.getElementById("connection-status");
    if (status && !status.hidden) {
      status.hidden = true;
      status.textContent = "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    startCountdowns(document);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    startCountdowns(document);
    var target = event.detail && event.detail.target;
    if (target && target.id === "question-card") focusCard();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) clearConnectionProblem();
  });

  document.addEventListener("htmx:sendError", function () {
    showConnectionProblem(
      "Could not reach the server, so nothing was saved. Check your connection and try again."
    );
  });

  document.addEventListener("htmx:responseError", function () {
    showConnectionProblem("Something went wrong on the server. Reload the page and try again.");
  });
})();
