// The practice exam's countdown. The deadline itself is kept on the server (the page also says
// it as a time, for readers without JavaScript); this only counts the seconds the server gave
// down, and reloads at zero so the server finishes the attempt and shows the result.
(function () {
  "use strict";
  function start() {
    var el = document.querySelector(".exam-countdown");
    if (!el) return;
    var end = Date.now() + 1000 * Number(el.dataset.secondsLeft || 0);
    el.hidden = false;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = " · " + m + ":" + (s < 10 ? "0" : "") + s + " left";
      if (left === 60) el.setAttribute("aria-live", "polite");
      if (left <= 0) { window.location.reload(); return; }
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
