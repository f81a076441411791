// The note composer: typing "@" offers the team's usernames (issue 15, item 3). Arrow keys move, Enter or Tab
// takes one, Escape closes; a click takes one too. Without JavaScript the note is the same: "@mara" typed by hand
// tells mara. The names come from a JSON script element (no inline script: the CSP).
(function () {
  "use strict";
  var boxes = document.querySelectorAll("textarea[data-team]");
  Array.prototype.forEach.call(boxes, function (box) {
    var source = document.getElementById(box.dataset.team);
    if (!source) { return; }
    var names = JSON.parse(source.textContent) || [];
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = box.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.parentNode.appendChild(list);
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-autocomplete", "list");
    var at = -1;  // where the "@" being completed stands in the text
    var chosen = 0;

    function word() {
      // the "@name" the caret is at the end of, when its "@" does not follow a letter (not an e-mail address)
      var upto = box.value.slice(0, box.selectionStart);
      var match = /(^|[^\w@.+\-\/:])@([\w.+\-]*)$/.exec(upto);
      if (!match) { return null; }
      return { start: upto.length - match[2].length - 1, typed: match[2] };
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      box.removeAttribute("aria-activedescendant");
      at = -1;
    }

    function show(items) {
      list.innerHTML = "";
      items.forEach(function (name, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.name = name;
        li.textContent = "@" + name;
        if (i === chosen) { li.setAttribute("aria-selected", "true"); box.setAttribute("aria-activedescendant", li.id); }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); take(name); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }

    function matches() {
      var w = word();
      if (!w) { return null; }
      var typed = w.typed.toLowerCase();
      var found = names.filter(function (n) { return n.toLowerCase().indexOf(typed) === 0; }).slice(0, 8);
      if (found.length === 1 && found[0].toLowerCase() === typed) { return null; }  // already written out
      at = w.start;
      return found;
    }

    function refresh() {
      var found = matches();
      if (!found || !found.length) { close(); return; }
      chosen = Math.min(chosen, found.length - 1);
      show(found);
    }

    function take(name) {
      if (at < 0) { return; }
      var end = box.selectionStart;
      var before = box.value.slice(0, at), after = box.value.slice(end);
      var insert = "@" + name + (/^\s/.test(after) ? "" : " ");
      box.value = before + insert + after;
      var caret = before.length + insert.length;
      box.setSelectionRange(caret, caret);
      box.focus();
      close();
    }

    box.addEventListener("input", function () { chosen = 0; refresh(); });
    box.addEventListener("click", refresh);
    box.addEventListener("blur", function () { window.setTimeout(close, 150); });
    box.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      var options = list.querySelectorAll("li");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        chosen = (chosen + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
        refresh();
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        event.stopPropagation();
        take(options[chosen].dataset.name);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });
  });
})();
