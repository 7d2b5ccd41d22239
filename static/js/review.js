/* Review queue: keyboard shortcuts and in-place updates. The page works without it:
   every action is an ordinary form that posts and comes back to the same place.

   j / k      next / previous answer
   a / r      accept / reject every suggestion on the current answer
   1 - 9      accept, or remove, that code on the current answer
   n / o      code the current answer "No codable content" / "Other"
*/
(function () {
  "use strict";
  var PARTIAL = "X-Engage-Partial";
  var current = -1;

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-answer-card]"));
  }

  function select(index, scroll) {
    var all = cards();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (card) { card.classList.remove("is-current"); });
    current = index;
    var card = all[index];
    card.classList.add("is-current");
    card.focus({ preventScroll: !scroll });
    if (scroll) { card.scrollIntoView({ block: "center", behavior: "smooth" }); }
  }

  function currentCard() {
    var all = cards();
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function submitWith(form, button, status) {
    var data = new FormData(form);
    if (button) { data.set(button.name, button.value); }
    if (status) { data.set("status", status); }
    send(form, data);
  }

  function send(form, data) {
    var card = form.closest("[data-answer-card]");
    var headers = {};
    headers[PARTIAL] = "card";
    fetch(form.action, { method: "POST", body: data, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.querySelector("[data-answer-card]");
        // Anything but this answer's card (an error, a redirect to the whole page): reload.
        if (!fresh || !card || fresh.id !== card.id) { window.location.reload(); return; }
        card.replaceWith(fresh);
        var index = cards().indexOf(fresh);
        select(index, false);
      })
      .catch(function () {
        // Fall back to the plain form post (the server redirects back here).
        form.submit();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-partial]") || !window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var choice = form.querySelector("select[name=theme]");
    if (choice && !choice.value) { choice.focus(); return; }
    var button = event.submitter || null;
    var all = cards();
    current = all.indexOf(form.closest("[data-answer-card]"));
    submitWith(form, button && button.name ? button : null, null);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName))) {
      return;
    }
    var key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      select(current < 0 ? 0 : current + (key === "j" ? 1 : -1), true);
      return;
    }
    var card = currentCard();
    if (!card) { return; }
    if (key === "a" || key === "r") {
      var button = card.querySelector(key === "a" ? "[data-accept-all]" : "[data-reject-all]");
      if (button) {
        event.preventDefault();
        submitWith(button.form, button, null);
      }
      return;
    }
    if (key === "n" || key === "o") {
      var quick = card.querySelector('[data-quick="' + (key === "n" ? "no_codable_content" : "other") + '"]');
      if (quick) {
        event.preventDefault();
        submitWith(quick.form, null, null);
      }
      return;
    }
    if (/^[1-9]$/.test(key)) {
      var form = card.querySelector('[data-code-form="' + key + '"]');
      if (form) {
        event.preventDefault();
        submitWith(form, null, "toggle");
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var help = document.querySelector("[data-keys]");
    if (help) { help.hidden = false; }
    document.addEventListener("click", function (event) {
      var card = event.target.closest ? event.target.closest("[data-answer-card]") : null;
      if (card) {
        var index = cards().indexOf(card);
        if (index !== current) { select(index, false); }
      }
    });
    if (window.location.hash) {
      var target = document.getElementById(window.location.hash.slice(1));
      var index = cards().indexOf(target);
      if (index >= 0) { select(index, true); }
    }
  });
})();
