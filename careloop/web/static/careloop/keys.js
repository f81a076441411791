// Keyboard use (issue 15, item 7), on every page; no inline script (the CSP).
// - the queue: j / k move a visible focus down / up the rows, Enter opens the case (the row's link has the focus);
// - a case page: r puts the cursor in the composer;
// - any text box of a form: Ctrl+Enter (Cmd+Enter on a Mac) sends the form, as its button would;
// - ? shows the keys, Escape hides them;
// - after a step, what it said shows in the panel the page came back to.
// Letter keys do nothing while you type in a field, or with Ctrl, Cmd or Alt held.
(function () {
  "use strict";
  var help = document.getElementById("key-help");
  var current = null;  // the case id of the queue row j/k is on (the rows refresh themselves every 15 s)

  function typing(el) {
    if (!el || el === document.body) { return false; }
    if (el.isContentEditable) { return true; }
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    return !/^(checkbox|radio|button|submit|reset|image|range|color|file)$/i.test(el.type || "text");
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"))
      .filter(function (tr) { return tr.querySelector("a.case-link"); });
  }

  function mark(tr, focus) {
    rows().forEach(function (other) { other.classList.remove("kbd-current"); });
    if (!tr) { return; }
    tr.classList.add("kbd-current");
    var link = tr.querySelector("a.case-link");
    current = link.getAttribute("href");
    if (focus) {
      link.focus({ preventScroll: true });
      tr.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var list = rows();
    if (!list.length) { return false; }
    var at = -1;
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains("kbd-current")) { at = i; break; }
    }
    var next = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(Math.max(at + step, 0), list.length - 1);
    mark(list[next], true);
    return true;
  }

  function showHelp(show) {
    if (!help) { return; }
    help.hidden = !show;
    if (show) { var close = help.querySelector("button"); if (close) { close.focus(); } }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.tagName === "TEXTAREA" && target.form) {
      event.preventDefault();  // Ctrl+Enter / Cmd+Enter: send the form the text box belongs to
      if (target.form.requestSubmit) { target.form.requestSubmit(); } else { target.form.submit(); }
      return;
    }
    if (event.key === "Escape" && help && !help.hidden) { showHelp(false); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) { return; }
    if (event.key === "j" || event.key === "k") {
      if (move(event.key === "j" ? 1 : -1)) { event.preventDefault(); }
    } else if (event.key === "r") {
      var composer = document.getElementById("message");
      if (composer) {
        event.preventDefault();
        composer.focus();
        composer.scrollIntoView({ block: "center" });
      }
    } else if (event.key === "?") {
      event.preventDefault();
      showHelp(help ? help.hidden : false);
    }
  });

  if (help) {
    help.addEventListener("click", function (event) {
      if (event.target === help || event.target.closest("button")) { showHelp(false); }
    });
    var opener = document.getElementById("key-help-open");
    if (opener) { opener.addEventListener("click", function (event) { event.preventDefault(); showHelp(true); }); }
  }

  // After a step the case page comes back to the step's panel (#act, #reach ...): what the step said goes there too,
  // under the panel's heading, instead of at the top of the page out of sight.
  var said = document.querySelector("main > ul.messages");
  var anchor = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
  if (said && anchor && /^H[1-6]$/.test(anchor.tagName)) {
    anchor.parentNode.insertBefore(said, anchor.nextSibling);
    said.classList.add("in-panel");
  }

  // The queue's rows are replaced every 15 s (HTMX): keep the row j/k is on, and its focus.
  document.body.addEventListener("htmx:afterSwap", function () {
    if (!current) { return; }
    var link = document.querySelector('table.queue a.case-link[href="' + current + '"]');
    var had = document.activeElement === document.body || !document.activeElement;
    if (link) { mark(link.closest("tr"), had); }
  });
})();
