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
      navigator.clipboard.writeText(source.textContent).then(function () {
        var label = copy.textContent;
        copy.textContent = "Copied";
        copy.setAttribute("aria-live", "polite");
        setTimeout(function () { copy.textContent = label; }, 1500);
      });
    }
  });

  // Copy buttons only make sense with JavaScript, so they start hidden.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  });
})();
