// Targets edited in the domain table: changing one saves at once and swaps in the new roadmap,
// gaps and domain lines, leaving the reader where they are. Without JavaScript the form posts and
// the page comes back at the table with the confirmation beside it.
(function () {
  "use strict";
  var form = document.querySelector("[data-targets-form]");
  if (!form) return;
  var status = form.querySelector(".targets-status");
  var button = form.querySelector("button[type=submit]");
  if (button) button.hidden = true; // each change saves itself

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function save() {
    var region = document.getElementById("roadmap-region");
    var roadmap = region && region.querySelector(".roadmap");
    if (roadmap) roadmap.classList.add("is-updating");
    say("Saving…");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Report-Fragment": "1" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (reply) {
        if (!reply.ok) {
          say(reply.data.error || "Not saved.", true);
          return;
        }
        region.innerHTML = reply.data.roadmap;
        Object.keys(reply.data.rows).forEach(function (key) {
          var gap = document.getElementById("gap-" + key);
          var line = document.getElementById("line-" + key);
          if (gap) gap.textContent = reply.data.rows[key].gap;
          if (line) line.textContent = reply.data.rows[key].line;
        });
        say(reply.data.message);
      })
      .catch(function () {
        say("Not saved: the connection failed. Try again.", true);
      })
      .finally(function () {
        var stale = document.querySelector("#roadmap-region .is-updating");
        if (stale) stale.classList.remove("is-updating");
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select")) save();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
  });
})();
