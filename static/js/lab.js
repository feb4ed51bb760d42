// Config lab niceties; the lab works without them (the Check button posts the form).
(function () {
  "use strict";

  function editor() { return document.querySelector("textarea.lab-textarea"); }

  // Grow the textarea with its text so it never scrolls on its own and stays level with the
  // line-number gutter; add the numbers of new lines until the next check redraws the gutter.
  function fit(textarea) {
    var lines = textarea.value.split("\n").length;
    textarea.rows = Math.max(18, lines + 1);
    var gutter = document.getElementById("lab-gutter");
    if (!gutter || gutter.children.length === 0 || lines > 3000) return;
    while (gutter.children.length < lines) {
      var item = document.createElement("li");
      item.textContent = String(gutter.children.length + 1);
      gutter.appendChild(item);
    }
  }

  // A problem's "line N" link puts the cursor on that line instead of just scrolling.
  function goToLine(textarea, line, column) {
    var lines = textarea.value.split("\n");
    var offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    var lineText = lines[Math.min(line, lines.length) - 1] || "";
    var start = offset + Math.min(Math.max(column - 1, 0), lineText.length);
    textarea.focus();
    textarea.setSelectionRange(start, offset + lineText.length);
  }

  // Too many checks this minute (429): the server's answer says so and when to try again, in
  // place of the results. htmx swaps no error answer by default, and the generic error box would
  // ask for a reload, which would not help.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 429 && event.detail.target.id === "lab-results") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Never a verdict for text that was not checked. Every change (typing, paste, drop, a
  // choice) counts as an edit and sets the summary to "Checking…" until the check of that very
  // text comes back; an answer for older text is not swapped in (the next check is on its way).
  var edits = 0;
  var form = function () { return document.getElementById("lab-form"); };

  function markUnchecked(text) {
    var region = document.getElementById("lab-summary");
    if (!region) return;
    var current = region.querySelector(".lab-summary");
    if (current && current.classList.contains("is-pending") && current.textContent === text) return;
    var span = document.createElement("span");
    span.className = "lab-summary is-pending";
    span.textContent = text;
    region.replaceChildren(span);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea.lab-textarea")) fit(event.target);
    if (event.target.closest && event.target.closest("#lab-form")) {
      edits += 1;
      markUnchecked("Checking…");
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === form()) event.detail.xhr.meshlearnEdits = edits;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.target.id === "lab-results" && xhr.meshlearnEdits !== undefined &&
        xhr.meshlearnEdits !== edits) {
      event.detail.shouldSwap = false;
    }
  });

  ["htmx:sendError", "htmx:responseError"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.detail.elt === form() && event.detail.xhr.status !== 429) {
        markUnchecked("Not checked: the check did not reach the server. Press Check to try again.");
      }
    });
  });

  // A browser that restores the form (back, reload) may put text in the editor that the page's
  // summary was not drawn for: check it at once.
  // (After htmx has set up the form: its own start-up also waits for DOMContentLoaded.)
  document.addEventListener("DOMContentLoaded", function () {
    setTimeout(function () {
      var textarea = editor();
      if (!textarea || textarea.value === textarea.defaultValue || !window.htmx) return;
      edits += 1;
      markUnchecked("Checking…");
      window.htmx.trigger(form(), "submit");
    }, 0);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-line]");
    var textarea = editor();
    if (!link || !textarea) return;
    event.preventDefault();
    goToLine(textarea, parseInt(link.dataset.line, 10) || 1, parseInt(link.dataset.column, 10) || 1);
  });
})();
