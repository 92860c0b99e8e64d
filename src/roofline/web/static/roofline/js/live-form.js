// A tool form whose results follow its inputs: each change (debounced) fetches the server-rendered result
// fragment (data-result-url) for the form's query into the element named by data-results, and updates the address
// bar and the share link (data-share), so the URL always reproduces what is shown.
(function () {
  document.querySelectorAll("form[data-live-form]").forEach(function (form) {
    var results = document.getElementById(form.dataset.results);
    var share = document.getElementById(form.dataset.share);
    var timer = null;
    var latest = 0;

    function query() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (String(value).trim() !== "") params.append(name, value);
      });
      return params.toString();
    }

    function update() {
      var qs = query();
      var ticket = ++latest;
      history.replaceState(null, "", "?" + qs);
      if (share) share.href = "?" + qs;
      results.setAttribute("aria-busy", "true");
      fetch(form.dataset.resultUrl + "?" + qs, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { if (ticket === latest) results.innerHTML = html; })
        .catch(function () { if (ticket === latest) results.textContent = "The result could not be fetched; check your connection."; })
        .finally(function () { if (ticket === latest) results.removeAttribute("aria-busy"); });
    }

    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 300); });
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); update(); });
  });
})();
