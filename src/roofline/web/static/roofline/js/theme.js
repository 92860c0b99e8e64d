// Light and dark themes: the saved choice, else the system's preference. Loaded in <head> so no flash.
(function () {
  var root = document.documentElement;
  var saved = null;
  try { saved = localStorage.getItem("roofline-theme"); } catch (e) { /* storage blocked */ }
  var dark = saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  root.setAttribute("data-theme", dark ? "dark" : "light");

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    var sync = function () { button.setAttribute("aria-pressed", String(root.getAttribute("data-theme") === "dark")); };
    sync();
    button.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("roofline-theme", next); } catch (e) { /* storage blocked */ }
      sync();
    });
  });
})();
