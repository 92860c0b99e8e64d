// The model card page: the preview follows the form. Each change (debounced) posts the form, files included,
// to the preview URL and swaps in the server-rendered card; "Download README.md" submits the form normally.
(function () {
  var form = document.getElementById("card-form");
  if (!form) return;
  var results = document.getElementById("card-results");
  var timer = null;
  var latest = 0;

  function update() {
    var ticket = ++latest;
    results.setAttribute("aria-busy", "true");
    fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) { if (ticket === latest) results.innerHTML = html; })
      .catch(function () { if (ticket === latest) results.textContent = "The preview could not be fetched; check your connection."; })
      .finally(function () { if (ticket === latest) results.removeAttribute("aria-busy"); });
  }

  function later() { clearTimeout(timer); timer = setTimeout(update, 500); }

  form.addEventListener("input", later);
  form.addEventListener("change", function (e) { if (e.target.type === "file") { clearTimeout(timer); update(); } });
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.id === "card-download-button") return;  // a real download
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
})();
