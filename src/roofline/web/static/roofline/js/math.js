// Renders the TeX that the Markdown renderer left in .math elements with KaTeX (served by the site).
// trust is off, so \href, \url and friends never become links; errors show in place instead of throwing.
(function () {
  function render() {
    if (!window.katex) return;
    document.querySelectorAll(".math.inline, .math.block").forEach(function (el) {
      if (el.dataset.rendered) return;
      var tex = el.textContent;
      try {
        window.katex.render(tex, el, {
          displayMode: el.classList.contains("block"),
          throwOnError: false,
          trust: false,
          strict: "ignore",
          maxExpand: 1000,
          maxSize: 50,
        });
        el.dataset.rendered = "1";
      } catch (e) {
        el.textContent = tex;
      }
    });
  }
  window.rooflineRenderMath = render;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
