// Autosave for the questionnaire. Every change is queued in localStorage first and removed only
// when the server acknowledges it, so a lapsed session, a closed tab or a dropped network never
// loses an answer: the queue is re-sent on the next page load, on reconnect and every few seconds.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form || form.dataset.readonly) return;

  var url = form.dataset.autosaveUrl;
  var storageKey = form.dataset.storageKey;
  var statusEl = document.getElementById("save-status");
  var problemEl = document.getElementById("save-problem");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var flushing = false;
  var noteTimers = {};
  // Why the last send failed, if it did: "offline" (no connection) or "problem" (the server
  // could not take it yet). Cleared by the next acknowledged save.
  var failure = "";

  // The queue lives in localStorage and is re-read before every change, so several tabs of the
  // same assessment share it instead of overwriting each other's entries.
  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function update(change) {
    var queue = load();
    change(queue);
    try { localStorage.setItem(storageKey, JSON.stringify(queue)); } catch (e) { /* full or blocked */ }
    return queue;
  }
  function count() { return Object.keys(load()).length; }

  function fieldset(qid) { return form.querySelector('fieldset[data-question="' + qid + '"]'); }
  // Each answer carries the version the page last saw of it (rendered by the server, then
  // replaced by every acknowledged save): the server applies a change only if its stored
  // answer is still that version, so an old tab never silently overwrites a newer answer.
  function baseInput(qid) { return fieldset(qid).querySelector('input[name^="base-"]'); }
  function read(qid) {
    var fs = fieldset(qid);
    var checked = fs.querySelector("input[type=radio]:checked");
    return {
      value: checked ? checked.value : "",
      note: fs.querySelector("textarea").value,
      base: baseInput(qid) ? baseInput(qid).value : undefined,
    };
  }
  function show(qid, value, note) {
    var fs = fieldset(qid);
    if (!fs) return;
    fs.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = r.value === value; });
    fs.querySelector("textarea").value = note;
  }
  function mark(qid, text) {
    var el = form.querySelector('[data-mark-for="' + qid + '"]');
    if (!el) return;
    el.textContent = text;
    // Coloured by what it says: only "Saved" is good news.
    el.dataset.kind = text === "Saved" ? "saved" : text === "Saving…" ? "saving" : "problem";
  }

  function showProblem(message, needsLogin) {
    problemEl.querySelector(".message").textContent = message;
    problemEl.querySelector(".login-link").classList.toggle("d-none", !needsLogin);
    problemEl.classList.remove("d-none");
  }
  function clearProblem() { problemEl.classList.add("d-none"); }
  var STATUS = {
    saving: "Saving…",
    saved: "All changes saved",
    offline: "Offline: kept on this device",
    problem: "Not saved yet: kept on this device",
  };
  function showStatus() {
    var n = count();
    var state = n ? (failure || "saving") : "saved";
    // Set only on a change, so screen readers hear each new state once.
    if (statusEl.dataset.state !== state) statusEl.textContent = STATUS[state];
    statusEl.dataset.state = state;
    statusEl.dataset.pending = String(n);
  }

  function updateCounts(answered) {
    if (typeof answered === "number") {
      document.getElementById("progress-count").textContent = answered;
      document.getElementById("progress-bar").value = answered;
    }
    var done = form.querySelectorAll("fieldset[data-question] input[type=radio]:checked").length;
    var total = form.querySelectorAll("fieldset[data-question]").length;
    document.querySelectorAll('[data-domain-count="' + form.dataset.domain + '"]').forEach(function (el) {
      el.textContent = done + "/" + total;
    });
  }

  function queue(qid) {
    var item = read(qid);
    item.stamp = Date.now() + Math.random();
    update(function (q) { q[qid] = item; });
    mark(qid, "Saving…");
    showStatus();
    flush();
  }

  function flush() {
    if (flushing || !count()) { showStatus(); return Promise.resolve(); }
    flushing = true;
    var pending = load();
    var qid = Object.keys(pending)[0];
    var item = pending[qid];
    var body = new URLSearchParams({ question: qid, value: item.value, note: item.note });
    if (item.base !== undefined) body.append("base", item.base);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.ok) {
          // Remove the entry only if nobody queued a newer value for it meanwhile; a newer one
          // queued on top of this save builds on it, so it takes the new version as its base.
          update(function (q) {
            if (!q[qid]) return;
            if (q[qid].stamp === item.stamp) delete q[qid];
            else if (data.version && q[qid].base === item.base) q[qid].base = data.version;
          });
          if (data.version && fieldset(qid) && baseInput(qid)) baseInput(qid).value = data.version;
          failure = "";
          clearProblem();
          mark(qid, "Saved");
          updateCounts(data.answered);
          return true;
        }
        if (resp.status === 409 && data.conflict) {
          // Changed elsewhere since this page saw it: the newer saved answer stays. Show it, and
          // what this page had, so the person can choose again on top of it.
          update(function (q) { if (q[qid] && q[qid].stamp === item.stamp) delete q[qid]; });
          var stored = data.stored || {}, yours = data.yours || {};
          show(qid, stored.value || "", stored.note || "");
          if (fieldset(qid) && baseInput(qid)) baseInput(qid).value = data.version;
          var quote = function (text) { return "\u201c" + text + "\u201d"; };
          mark(qid, "Changed elsewhere. Saved answer kept: " + quote(stored.label) +
            (stored.note ? " with the note " + quote(stored.note) : "") +
            ". This page had: " + quote(yours.label) +
            (yours.note ? " with the note " + quote(yours.note) : "") +
            ". Choose again to replace the saved answer.");
          showProblem(data.error, false);
          updateCounts();
          return true;
        }
        if (resp.status === 401 || resp.status === 403) {
          failure = "problem";
          showProblem(data.error || "Your session has ended. Log in again; your answers are kept in this browser.", true);
          return false;
        }
        if (resp.status >= 500 || resp.status === 429 || resp.status === 408) {
          // A passing fault on the server's side: keep the answer queued and try again shortly.
          failure = "problem";
          mark(qid, "Waiting to retry…");
          showProblem("The server could not save just now. Your answers are kept in this browser and will be sent again shortly.", false);
          return false;
        }
        // The server refused this answer for good (bad value, or the assessment was submitted):
        // keeping it would retry forever, so drop it and say why.
        update(function (q) { if (q[qid] && q[qid].stamp === item.stamp) delete q[qid]; });
        mark(qid, "Not saved: " + (data.error || "the server refused this answer."));
        showProblem(data.error || "An answer could not be saved.", false);
        return true;
      });
    }, function () {
      failure = "offline";
      showProblem("You seem to be offline. Your answers are kept in this browser and will be sent when the connection is back.", false);
      return false;
    }).then(function (keepGoing) {
      flushing = false;
      showStatus();
      if (keepGoing && count()) return flush();
    });
  }

  // Answers queued earlier (another page, before a login, before going offline) are newer than
  // what the server rendered: show them, then send them.
  var queued = load();
  Object.keys(queued).forEach(function (qid) {
    var fs = fieldset(qid);
    if (!fs) return;
    var item = queued[qid];
    show(qid, item.value, item.note);
    mark(qid, "Saving…");
  });
  updateCounts();

  form.addEventListener("change", function (event) {
    var fs = event.target.closest("fieldset[data-question]");
    if (fs && event.target.type === "radio") queue(fs.dataset.question);
  });
  form.addEventListener("input", function (event) {
    var fs = event.target.closest("fieldset[data-question]");
    if (!fs || event.target.tagName !== "TEXTAREA") return;
    var qid = fs.dataset.question;
    clearTimeout(noteTimers[qid]);
    noteTimers[qid] = setTimeout(function () { queue(qid); }, 600);
  });
  // Number keys answer the question that has the focus: 1-5 pick that level, 0 or D "Don't
  // know". Never while typing (the note, or any other text field), never with a modifier, so
  // browser and screen-reader shortcuts keep working.
  var announceEl = document.getElementById("key-announce");
  var TYPING = "textarea, select, input:not([type=radio]):not([type=checkbox]), [contenteditable]";
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (!target.closest || target.closest(TYPING)) return;
    var suffix = /^[1-5]$/.test(event.key) ? event.key
      : (event.key === "0" || event.key === "d" || event.key === "D") ? "dk" : "";
    var fs = suffix && target.closest("fieldset[data-question]");
    if (!fs || !form.contains(fs)) return;
    var radio = document.getElementById("q-" + fs.dataset.question + "-" + suffix);
    if (!radio || radio.disabled) return;
    event.preventDefault();
    radio.focus();
    if (!radio.checked) {
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var label = form.querySelector('label[for="' + radio.id + '"]');
    if (announceEl) {
      announceEl.textContent = "Question " + fs.dataset.number + ": " +
        label.textContent.replace(/\s+/g, " ").trim() + ", chosen.";
    }
  });

  // Desktops show the domain list beside the questions. The stylesheet shows it there even
  // while the <details> is closed (where ::details-content is supported); opening it really
  // also tells assistive technology that the list is there, and covers older browsers.
  var menu = document.querySelector(".domain-menu");
  if (menu && window.matchMedia("(min-width: 992px)").matches) menu.open = true;

  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  flush();
})();
