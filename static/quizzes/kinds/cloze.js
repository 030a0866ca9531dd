/* The cloze passage's editor: select words in the markup and press a button to make them a gap
   ({1:SHORTANSWER:=words}, {1:NUMERICAL:=1925:0}, {1:MULTICHOICE:=words~other~other}); or start
   from the question's excerpt. Without this file the markup is typed by hand. */
(function () {
  "use strict";

  function escape(text) {
    return text.replace(/([}~#\\])/g, "\\$1");
  }

  function gapFor(kind, words) {
    var trimmed = words.trim();
    if (kind === "NUMERICAL") return "{1:NUMERICAL:=" + escape(trimmed) + ":0}";
    if (kind === "MULTICHOICE") return "{1:MULTICHOICE:=" + escape(trimmed) + "~another option~a third option}";
    return "{1:SHORTANSWER:=" + escape(trimmed) + "}";
  }

  function enable(root) {
    root.querySelectorAll("[data-cloze-editor]").forEach(function (editor) {
      if (editor.dataset.ready) return;
      editor.dataset.ready = "1";
      var area = editor.querySelector("textarea");
      var tools = editor.querySelector("[data-cloze-tools]");
      var status = editor.querySelector("[data-cloze-status]");
      tools.hidden = false;
      tools.querySelectorAll("[data-cloze-make]").forEach(function (button) {
        button.addEventListener("click", function () {
          var start = area.selectionStart;
          var end = area.selectionEnd;
          var words = area.value.slice(start, end);
          if (!words.trim()) {
            status.textContent = "First select the words to turn into a gap.";
            area.focus();
            return;
          }
          // Keep the spaces around the selection outside the gap.
          var lead = words.match(/^\s*/)[0];
          var trail = words.match(/\s*$/)[0];
          var gap = gapFor(button.dataset.clozeMake, words);
          area.setRangeText(lead + gap + trail, start, end, "end");
          status.textContent = "Gap made. Edit its answers in the passage.";
          area.focus();
          area.dispatchEvent(new Event("input", { bubbles: true }));
        });
      });
      var fromExcerpt = tools.querySelector("[data-cloze-from-excerpt]");
      fromExcerpt.addEventListener("click", function () {
        var excerpt = area.form && area.form.querySelector("[name=excerpt]");
        if (!excerpt || !excerpt.value.trim()) {
          status.textContent = "Set the excerpt first.";
          return;
        }
        if (area.value.trim() && !window.confirm("Replace the passage with the excerpt?")) return;
        area.value = excerpt.value.replace(/([}~#\\])/g, "\\$1");
        status.textContent = "The excerpt is the passage: now select words to make gaps.";
        area.focus();
        area.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enable(document); });
  document.addEventListener("htmx:load", function (event) { enable(event.detail.elt); });
})();
