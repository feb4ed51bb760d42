// Practice task niceties; the page works without them (every form posts on its own).
(function () {
  "use strict";

  // A refused check (429 too many, 413 too large, 400 no config) says so in place of the results: htmx swaps
  // no error answer by default, and the results panel is where the learner looks.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var refused = status === 429 || status === 413 || status === 400;
    if (refused && event.detail.target.id === "practice-results") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Grow the editor with its text, so the learner scrolls the page, not a box inside it.
  document.addEventListener("input", function (event) {
    var area = event.target;
    if (area.id !== "practice-config") return;
    var lines = area.value.split("\n").length;
    area.rows = Math.max(16, Math.min(lines + 1, 400));
  });
})();
