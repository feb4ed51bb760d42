// Small enhancements; every page works without them.
(function () {
  "use strict";

  function currentTheme() {
    var set = document.documentElement.dataset.theme;
    if (set) return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-theme-toggle]");
    if (toggle) {
      var next = currentTheme() === "dark" ? "light" : "dark";
      document.documentElement.dataset.theme = next;
      try { localStorage.setItem("meshlearn-theme", next); } catch (e) { /* ignore */ }
      return;
    }
    if (event.target.closest("[data-reload]")) {
      window.location.reload();
      return;
    }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.dataset.copy);
      if (!source || !navigator.clipboard) return;
      var text = "value" in source ? source.value : source.textContent;  // an input, or a <pre>
      navigator.clipboard.writeText(text).then(function () {
        var label = copy.textContent;
        copy.textContent = "Copied";
        copy.setAttribute("aria-live", "polite");
        setTimeout(function () { copy.textContent = label; }, 1500);
      });
    }
  });

  // On a phone the header's links are one line that scrolls sideways (site.css). Chromium
  // scrolls a focused link into view only when none of it shows: bring a half-hidden one in too.
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".nav-links")) {
      event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // Marking a section read swaps its button for "Read": the focused button is gone and focus
  // would fall back to the page itself. Keep it where the learner was, on the new "Read".
  var readControl = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var control = event.detail.elt.closest && event.detail.elt.closest(".read-control");
    readControl = control ? control.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!readControl) return;
    var done = document.querySelector("#" + CSS.escape(readControl) + " .read-done");
    readControl = null;
    if (!done || (document.activeElement && document.activeElement !== document.body)) return;
    done.setAttribute("tabindex", "-1");
    done.focus();
  });

  // A live check (the lab, the calculator) redraws each field's error slot out of band, but never
  // the field, which the learner may be typing in. Keep what the field says about itself
  // (aria-invalid, and its wrapper's red border) to what the server drew in the slot the field
  // names in aria-describedby, not to the page's first drawing.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var slot = event.target;
    if (!slot.id || !slot.classList || !slot.classList.contains("field-errors")) return;
    var invalid = slot.textContent.trim() !== "";
    var named = '[aria-describedby~="' + CSS.escape(slot.id) + '"]';
    document.querySelectorAll(named).forEach(function (field) {
      if (invalid) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
      var wrapper = field.closest(".field");
      if (wrapper) wrapper.classList.toggle("field-invalid", invalid);
    });
  });

  // htmx swaps nothing when a request fails, so a click would seem to do nothing: say what
  // happened beside what the learner did. A 403 is almost always the CSRF token of a page
  // opened before signing in in another tab (which replaces it): only a reload mends it.
  function requestErrorText(status) {
    if (status === 403) {
      return "Your session changed (you signed in or out in another tab). Reload the page and try again.";
    }
    if (status >= 500) {
      return "Something went wrong on our side and this did not go through. Your progress so far is safe: try again in a moment, or reload the page.";
    }
    return "This did not go through (error " + status + "). Reload the page and try again.";
  }

  // After the form or paragraph that sent the request, so it is read next and seen nearby.
  function errorAnchor(elt) {
    return (elt.closest && elt.closest("form, p, table")) || elt;
  }

  function showRequestError(elt, text) {
    document.querySelectorAll(".request-error").forEach(function (old) { old.remove(); });
    var box = document.createElement("div");
    box.className = "request-error";
    box.setAttribute("role", "alert");
    var message = document.createElement("p");
    message.textContent = text;
    var reload = document.createElement("button");
    reload.type = "button";
    reload.className = "button button-small";
    reload.dataset.reload = "";
    reload.textContent = "Reload the page";
    box.append(message, reload);
    errorAnchor(elt).after(box);
    box.scrollIntoView({ block: "nearest" });
  }

  // A 401 is the server's own explanation, written for the page: a visitor answering an
  // attempt they do not own is someone signed out in another tab or by an expired session
  // (quizzes/views/signed_out.py). Swap it in as htmx would a 200, instead of the generic message.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 401) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Back onto a quiz page after signing out: htmx asks for the whole page, which comes as the
  // same 401, and htmx drops a history answer that is not a success. Show it as it would one.
  document.addEventListener("htmx:historyCacheMissLoadError", function (event) {
    if (event.detail.xhr.status !== 401) return;
    htmx.swap(event.detail.historyElt, event.detail.xhr.response, { swapStyle: "innerHTML" });
  });

  document.addEventListener("htmx:responseError", function (event) {
    showRequestError(event.detail.elt, requestErrorText(event.detail.xhr.status));
  });
  document.addEventListener("htmx:sendError", function (event) {
    showRequestError(event.detail.elt, "MeshLearn could not be reached. Check your connection, then try again.");
  });
  // Trying again takes the old message away; a new failure puts it back.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var next = errorAnchor(event.detail.elt).nextElementSibling;
    if (next && next.classList.contains("request-error")) next.remove();
  });

  // Copy buttons and the theme switch only work with JavaScript, so they start hidden.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy], [data-theme-toggle]").forEach(function (button) {
      button.hidden = false;
    });
  });
})();
