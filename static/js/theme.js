// Apply the learner's saved theme before the first paint (no flash of the wrong theme).
(function () {
  try {
    var saved = localStorage.getItem("meshlearn-theme");
    if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
  } catch (e) { /* storage may be disabled: the system preference applies */ }
})();
