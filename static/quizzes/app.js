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
        announce(timer.dataset.timeUp || "Time is up.");
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

  // Saving answers ----------------------------------------------------------------------------

  // Every save carries a version (seq): a clock reading corrected to the server's clock, rising
  // with each save from this page. The server keeps the answer with the highest version, so a
  // delayed or retried older save can never overwrite a newer one. While an answer is not yet
  // acknowledged it is kept in sessionStorage (per tab, gone when the tab closes) and restored
  // on reload if it is newer than the one the server has.
  var DRAFT_PREFIX = "quizsite:answer:";
  var skew = 0;
  var lastSeq = 0;
  var lastChangeSeq = 0; // version of the latest edit on this question
  var savedSeq = 0; // highest version the server acknowledged
  var ownSeq = 0; // the version this page itself last saved: a save over another is refused
  var retryDelay = 0;
  var retryTimer = null;

  function nextSeq() {
    lastSeq = Math.max(Date.now() + skew, lastSeq + 1);
    return lastSeq;
  }

  function answerForm() {
    return document.querySelector("[data-answer-form]");
  }

  function autosaveTarget() {
    var form = answerForm();
    return form && form.querySelector("[data-autosave]");
  }

  function isAutosave(elt) {
    return !!(elt && elt.hasAttribute && elt.hasAttribute("data-autosave"));
  }

  function draftKey(form) {
    return DRAFT_PREFIX + form.dataset.attempt + ":" + form.dataset.position;
  }

  function answerControls(form) {
    return form.querySelectorAll("fieldset input[name], fieldset select[name], fieldset textarea[name]");
  }

  function readAnswer(form) {
    var values = {};
    answerControls(form).forEach(function (control) {
      values[control.name] = values[control.name] || [];
      var ticked = control.type !== "radio" && control.type !== "checkbox";
      if (ticked || control.checked) values[control.name].push(control.value);
    });
    return values;
  }

  function writeAnswer(form, values) {
    answerControls(form).forEach(function (control) {
      var wanted = values[control.name];
      if (!wanted) return;
      if (control.type === "radio" || control.type === "checkbox") {
        control.checked = wanted.indexOf(control.value) !== -1;
      } else if (wanted.length) {
        control.value = wanted[0];
      }
    });
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage disabled: autosave still works, only reload recovery is lost
    }
  }

  function setSaveStatus(text) {
    var status = document.getElementById("save-status");
    if (status) status.textContent = text;
  }

  function keepDraft(form) {
    var store = storage();
    if (!store) return;
    try {
      store.setItem(draftKey(form), JSON.stringify({ seq: lastChangeSeq, values: readAnswer(form) }));
    } catch (error) {
      // Quota or privacy mode: nothing more to do.
    }
  }

  function setUpAnswerForm() {
    var form = answerForm();
    if (!form || form.dataset.saveReady) return;
    form.dataset.saveReady = "1";
    var serverMs = Number(form.dataset.serverMs);
    if (serverMs) skew = serverMs - Date.now();
    savedSeq = Number(form.dataset.storedSeq) || 0;
    ownSeq = 0;
    lastChangeSeq = savedSeq;
    retryDelay = 0;
    var store = storage();
    var draft = null;
    try {
      draft = store && JSON.parse(store.getItem(draftKey(form)) || "null");
    } catch (error) {
      draft = null;
    }
    if (!draft || !(draft.seq > savedSeq) || form.querySelector("fieldset[disabled]")) {
      if (store) store.removeItem(draftKey(form));
      return;
    }
    // An answer typed here that never reached the server (a reload, a dropped connection).
    writeAnswer(form, draft.values || {});
    lastChangeSeq = nextSeq();
    var target = autosaveTarget();
    if (target) {
      setSaveStatus("Restored your unsaved answer. Saving…");
      window.htmx.trigger(target, "autosave-now");
    } else {
      setSaveStatus("Restored your unsaved answer. Press the button to save it.");
    }
  }

  function clearFinishedDrafts() {
    var marker = document.querySelector("[data-clear-drafts]");
    var store = storage();
    if (!marker || !store) return;
    var prefix = DRAFT_PREFIX + marker.dataset.clearDrafts + ":";
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) store.removeItem(key);
    }
  }

  function unsaved() {
    return !!autosaveTarget() && lastChangeSeq > savedSeq;
  }

  function scheduleRetry() {
    var target = autosaveTarget();
    if (!target || retryTimer) return;
    retryDelay = Math.min(30000, retryDelay ? retryDelay * 2 : 1000);
    setSaveStatus("Not saved — retrying…");
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      var current = autosaveTarget();
      if (current) window.htmx.trigger(current, "autosave-now");
    }, retryDelay);
  }

  // Save now and resolve when the server has answered (or after a few seconds regardless), so a
  // link can wait for the answer before leaving the question.
  function flushSave() {
    var target = autosaveTarget();
    if (!target || !unsaved()) return Promise.resolve();
    return new Promise(function (resolve) {
      var done = false;
      function finish() {
        if (done) return;
        done = true;
        target.removeEventListener("htmx:afterRequest", finish);
        resolve();
      }
      target.addEventListener("htmx:afterRequest", finish);
      window.setTimeout(finish, 5000);
      window.htmx.trigger(target, "autosave-now");
    });
  }

  document.addEventListener("input", function (event) {
    var form = answerForm();
    if (!form || !form.contains(event.target) || !event.target.name) return;
    if (event.target.name === "seq" || event.target.name === "csrfmiddlewaretoken") return;
    lastChangeSeq = nextSeq();
    keepDraft(form);
  });

  // Version every save of an answer (autosave and the button) at the moment it is sent.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = answerForm();
    var elt = event.detail.elt;
    if (!form || !(elt === form || form.contains(elt))) return;
    if (event.detail.verb !== "post" || elt.closest("#flag-form")) return;
    var seq = nextSeq();
    event.detail.parameters.seq = String(seq);
    if (ownSeq) event.detail.parameters.base = String(ownSeq);
    elt.dataset.sentSeq = String(seq);
  });

  // Leaving the question (Previous, Next, the navigator fetch the card): save first.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (!unsaved() || !elt.matches || !elt.matches("[hx-get]")) return;
    event.preventDefault();
    flushSave().then(function () {
      event.detail.issueRequest(true);
    });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.matches("[hx-get], [hx-boost] a") || link.target || !unsaved()) return;
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    flushSave().then(function () {
      window.location.assign(link.href);
    });
  });

  window.addEventListener("online", function () {
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
      var target = autosaveTarget();
      if (target) window.htmx.trigger(target, "autosave-now");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    startCountdowns(document);
    clearFinishedDrafts();
    setUpAnswerForm();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    startCountdowns(document);
    var target = event.detail && event.detail.target;
    if (target && target.id === "question-card") {
      focusCard();
      setUpAnswerForm();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    if (!detail.successful) return;
    clearConnectionProblem();
    if (!isAutosave(detail.elt)) return;
    var match = /data-save-state="(\w+)"/.exec((detail.xhr && detail.xhr.responseText) || "");
    var state = match && match[1];
    if (state === "saved") ownSeq = Number(detail.elt.dataset.sentSeq) || ownSeq;
    if (state === "saved" || state === "stale" || state === "conflict") {
      retryDelay = 0;
      savedSeq = Math.max(savedSeq, Number(detail.elt.dataset.sentSeq) || 0);
      var form = answerForm();
      var store = storage();
      if (form && store && !unsaved()) store.removeItem(draftKey(form));
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (isAutosave(event.detail && event.detail.elt)) {
      scheduleRetry();
      return;
    }
    showConnectionProblem(
      "Could not reach the server, so nothing was saved. Check your connection and try again."
    );
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (isAutosave(event.detail && event.detail.elt)) {
      scheduleRetry();
      return;
    }
    showConnectionProblem("Something went wrong on the server. Reload the page and try again.");
  });
})();
