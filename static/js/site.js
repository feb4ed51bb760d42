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

  // Copy buttons and the theme switch only work with JavaScript, so they start hidden.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy], [data-theme-toggle]").forEach(function (button) {
      button.hidden = false;
    });
  });
})();
