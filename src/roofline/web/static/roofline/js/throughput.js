// The throughput page: results follow the inputs. Each change (debounced) fetches the server-rendered result
// fragment for the form's query and updates the address bar, so the URL always reproduces what is shown.
(function () {
  var form = document.getElementById("throughput-form");
  if (!form) return;
  var results = document.getElementById("results");
  var share = document.getElementById("share-link");
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
    share.href = "?" + qs;
    results.setAttribute("aria-busy", "true");
    fetch(form.dataset.resultUrl + "?" + qs, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) { if (ticket === latest) results.innerHTML = html; })
      .catch(function () { if (ticket === latest) results.textContent = "The estimate could not be fetched; check your connection."; })
      .finally(function () { if (ticket === latest) results.removeAttribute("aria-busy"); });
  }

  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 300); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); update(); });
})();
