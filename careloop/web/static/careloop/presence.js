// Someone else is on this case (careloop/web/presence.py): the case page beats every few seconds, saying whether
// its reader is viewing, writing a reply (typing in the composer) or writing a note, and redraws the line of who
// else is here. Someone who leaves stops beating and drops off the others' line after CARELOOP_PRESENCE_SECONDS
// (no "gone" beat on leaving: after a step the page comes back at once, and that beat would race the new page's).
// Without JavaScript the line is drawn once, when the page is opened. (No inline script: the CSP.)
(function () {
  "use strict";
  var box = document.getElementById("presence");
  if (!box || !window.fetch) { return; }
  var who = box.querySelector(".presence-who");
  var warning = document.getElementById("presence-warning");
  var poll = Math.max(1, parseFloat(box.dataset.poll) || 10) * 1000;
  var idle = Math.max(1, parseFloat(box.dataset.idle) || 30) * 1000;  // typing this long ago still counts
  var token = "";
  try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
  var typed = { writing: 0, noting: 0 };
  var said = "viewing", timer = null, busy = false;

  function state() {
    var now = Date.now();
    if (now - typed.writing < idle) { return "writing"; }
    if (now - typed.noting < idle) { return "noting"; }
    return "viewing";
  }

  function form(value) {
    var data = new FormData();
    data.append("state", value);
    data.append("opened", box.dataset.opened || "");
    data.append("csrfmiddlewaretoken", token);
    return data;
  }

  function draw(answer) {
    var lines = (answer.others || []).map(function (p) { return p.text; });
    who.textContent = lines.join(" · ");
    box.hidden = lines.length === 0;
    if (warning) {
      warning.textContent = answer.warning || "";
      warning.hidden = !answer.warning;
    }
  }

  function beat() {
    clearTimeout(timer);
    if (busy) { timer = setTimeout(beat, poll); return; }
    busy = true;
    said = state();
    fetch(box.dataset.url, { method: "POST", body: form(said), credentials: "same-origin",
                             headers: { "X-CSRFToken": token } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) { draw(answer); } })
      .catch(function () { /* offline for a moment: the next beat tries again */ })
      .then(function () { busy = false; timer = setTimeout(beat, poll); });
  }

  function typing(kind) {
    return function () {
      var before = state();
      typed[kind] = Date.now();
      if (state() !== before && state() !== said) { beat(); }  // the others should know now, not in 10 s
    };
  }

  var message = document.getElementById("message");
  var note = document.getElementById("note");
  if (message) { message.addEventListener("input", typing("writing")); }
  if (note) { note.addEventListener("input", typing("noting")); }
  timer = setTimeout(beat, poll);
})();
