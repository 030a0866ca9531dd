// Select to make (templates/quizzes/authoring/text_drafts.html): the words selected in the text
// fill the form, with their offsets in the text, read from the segments' data-at.
"use strict";

function offsetIn(node, offset) {
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  const segment = element && element.closest("[data-at]");
  if (!segment) return null;
  const range = document.createRange();
  range.selectNodeContents(segment);
  range.setEnd(node, offset);
  return Number(segment.dataset.at) + range.toString().length;
}

document.addEventListener("selectionchange", () => {
  const form = document.querySelector("[data-selection-form]");
  const text = document.querySelector("[data-selectable]");
  const selection = document.getSelection();
  if (!form || !text || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  if (!text.contains(range.commonAncestorContainer)) return;
  const start = offsetIn(range.startContainer, range.startOffset);
  const end = offsetIn(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return;
  form.elements.start.value = start;
  form.elements.end.value = end;
  form.elements.phrase.value = selection.toString().replace(/\s+/g, " ").trim();
});
