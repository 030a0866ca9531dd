/* Authoring pages, for instructors: every page works without this file; it adds
   - "Add a row" to the key editors' tables of options, items and pairs (kinds/authoring.py),
   - selecting the excerpt in the text beside the question editor (its offsets go with it),
   - drag and drop in the quiz builder's list (the Up and Down buttons remain, for the keyboard).
   It runs again on content htmx swaps in. */
(function () {
  "use strict";

  // Key rows: clone the last row with the next index, empty.
  function enableRows(root) {
    root.querySelectorAll("[data-key-rows]").forEach(function (table) {
      var button = table.querySelector("[data-key-rows-add]");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var body = table.querySelector("[data-key-rows-body]");
        var count = table.querySelector("[data-key-rows-count]");
        var rows = body.querySelectorAll("[data-key-row]");
        var last = rows[rows.length - 1];
        var index = rows.length;
        var name = table.dataset.name;
        var row = last.cloneNode(true);
        row.querySelectorAll("input").forEach(function (input) {
          var column = input.dataset.keyCell;
          if (input.type === "radio") {
            input.value = String(index);
            input.checked = false;
          } else {
            input.name = name + "-" + index + "-" + column;
            if (input.type === "checkbox") input.checked = false;
            else input.value = "";
          }
          if (input.id) input.id = "id_" + name + "-" + index + "-" + column;
          var label = input.getAttribute("aria-label");
          if (label) input.setAttribute("aria-label", label.replace(/\d+/, String(index + 1)));
        });
        var number = row.querySelector("[data-key-row-number]");
        if (number) number.textContent = String(index + 1);
        body.appendChild(row);
        count.value = String(index + 1);
        var first = row.querySelector("input[type=text]");
        if (first) first.focus();
      });
    });
  }

  // The excerpt: a selection inside the text picker, as offsets into the text.
  function offsetIn(paragraph, node, offset) {
    var text = paragraph.querySelector("[data-paragraph-text]");
    var range = document.createRange();
    range.selectNodeContents(text);
    try {
      range.setEnd(node, offset);
    } catch (error) {
      return null;
    }
    return Number(paragraph.dataset.start) + range.toString().length;
  }

  function currentSelection(picker) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var startParagraph = closestParagraph(range.startContainer);
    var endParagraph = closestParagraph(range.endContainer);
    if (!startParagraph || !endParagraph || !picker.contains(startParagraph)) return null;
    var start = offsetIn(startParagraph, range.startContainer, range.startOffset);
    var end = offsetIn(endParagraph, range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    return { start: start, end: end, text: selection.toString() };
  }

  function closestParagraph(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    return element ? element.closest(".picker-paragraph") : null;
  }

  function enablePicker(root) {
    var pickers = root.matches && root.matches("[data-text-picker]") ? [root] : [];
    root.querySelectorAll("[data-text-picker]").forEach(function (picker) { pickers.push(picker); });
    pickers.forEach(function (picker) {
      var button = picker.querySelector("[data-use-selection]");
      var status = picker.querySelector("[data-selection-status]");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "1";
      var chosen = null;
      document.addEventListener("selectionchange", function () {
        var found = currentSelection(picker);
        if (found) chosen = found;
        button.disabled = !chosen;
      });
      button.addEventListener("click", function () {
        if (!chosen) return;
        var form = document.querySelector("[data-question-editor]");
        var excerpt = form.querySelector("[name=excerpt]");
        excerpt.value = chosen.text;
        form.querySelector("[name=selected_start]").value = String(chosen.start);
        form.querySelector("[name=selected_end]").value = String(chosen.end);
        status.textContent = "Excerpt set: characters " + chosen.start + " to " + chosen.end + ".";
        excerpt.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    // A pasted or typed excerpt is located in the text by the server; old offsets would not fit.
    root.querySelectorAll("[data-question-editor] [name=excerpt]").forEach(function (excerpt) {
      if (excerpt.dataset.ready) return;
      excerpt.dataset.ready = "1";
      excerpt.addEventListener("input", function (event) {
        if (!event.isTrusted) return;
        var form = excerpt.form;
        form.querySelector("[name=selected_start]").value = "";
        form.querySelector("[name=selected_end]").value = "";
      });
    });
  }

  // The builder: drag a slot to its new place, then post the whole order.
  function enableSorting(root) {
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      if (list.dataset.ready) return;
      list.dataset.ready = "1";
      var dragged = null;
      list.addEventListener("dragstart", function (event) {
        dragged = event.target.closest("[data-slot]");
        if (!dragged) return;
        dragged.classList.add("is-dragged");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.dataset.slot);
      });
      list.addEventListener("dragover", function (event) {
        var over = event.target.closest("[data-slot]");
        if (!dragged || !over || over === dragged) return;
        event.preventDefault();
        var box = over.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? over.nextSibling : over);
      });
      list.addEventListener("dragend", function () {
        if (!dragged) return;
        dragged.classList.remove("is-dragged");
        dragged = null;
        var order = Array.prototype.map.call(list.querySelectorAll("[data-slot]"), function (item) {
          return item.dataset.slot;
        });
        htmx.ajax("POST", list.dataset.orderUrl, {
          source: list,
          target: "#builder-slots",
          swap: "outerHTML",
          values: { order: order.join(",") },
        });
      });
    });
  }

  function enable(root) {
    enableRows(root);
    enablePicker(root);
    enableSorting(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enable(document); });
  document.addEventListener("htmx:load", function (event) { enable(event.detail.elt); });
})();
