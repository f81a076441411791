// The case page's composer: "Use" adds a canned response's text where the cursor is, without a page reload and
// without replacing what was typed; the first [prompt] to fill in is selected. (No inline script: the CSP.)
(function () {
  "use strict";
  var picker = document.getElementById("template-picker");
  var source = document.getElementById("template-drafts");
  var message = document.getElementById("message");
  if (!picker || !source || !message) { return; }
  var drafts = JSON.parse(source.textContent);

  function insert(text) {
    var value = message.value;
    var start = message.selectionStart, end = message.selectionEnd;
    if (document.activeElement !== message && message.dataset.touched !== "yes") {
      start = end = value.length;  // never focused: add after what is there
    }
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n/.test(after) ? "\n\n" : "";
    message.value = before + lead + text + trail + after;
    var from = before.length + lead.length;
    var prompt = /\[[^\[\]\n]+\]/.exec(text);
    message.focus();
    if (prompt) {
      message.setSelectionRange(from + prompt.index, from + prompt.index + prompt[0].length);
    } else {
      message.setSelectionRange(from + text.length, from + text.length);
    }
    message.dispatchEvent(new Event("input", { bubbles: true }));  // the live tone check reads the new text
  }

  message.addEventListener("blur", function () { message.dataset.touched = "yes"; });
  // "Use" is a submit button of the composer's form: without JavaScript the server adds the canned response
  // after the draft and brings both back; here it goes in at the cursor instead, without a reload.
  var use = picker.querySelector("button[type=submit]");
  if (!use) { return; }
  use.addEventListener("mousedown", function (event) { event.preventDefault(); });  // the cursor stays put
  use.addEventListener("click", function (event) {
    var name = document.getElementById("template").value;
    if (!Object.prototype.hasOwnProperty.call(drafts, name) || !drafts[name]) { return; }  // the server adds it
    event.preventDefault();
    insert(drafts[name]);
  });
})();
