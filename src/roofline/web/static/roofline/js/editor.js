// The article editor's Preview: the body is rendered by the server's own renderer (the same sanitiser as
// publishing), shown beside the form, with any tool-embed errors listed above it.
(function () {
  var form = document.getElementById("article-form");
  var button = document.getElementById("preview-button");
  if (!form || !button) return;
  var pane = document.getElementById("preview");
  var errors = document.getElementById("preview-errors");

  button.addEventListener("click", function () {
    var data = new FormData();
    data.append("body", form.elements.body.value);
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    button.disabled = true;
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) {
        // A signed-out member's request is redirected to the sign-in page: say so, not "invalid JSON".
        if (r.redirected) throw new Error("The preview needs you signed in: sign in again, then press Preview.");
        if (!r.ok) throw new Error("The preview failed (HTTP " + r.status + ").");
        return r.json();
      })
      .then(function (result) {
        pane.innerHTML = result.html; // sanitised by the server (nh3 allowlist)
        errors.innerHTML = "";
        result.errors.forEach(function (message) {
          var item = document.createElement("li");
          item.textContent = message;
          errors.appendChild(item);
        });
        errors.hidden = result.errors.length === 0;
        if (window.rooflineRenderMath) window.rooflineRenderMath();
      })
      .catch(function (e) {
        pane.textContent = e.message;
        errors.innerHTML = ""; // the last preview's embed errors no longer describe what the pane shows
        errors.hidden = true;
      })
      .finally(function () { button.disabled = false; });
  });
})();
