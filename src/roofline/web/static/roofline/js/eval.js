// An eval run's page while it runs: job.js keeps the progress bar live; when the job succeeds, reload the page
// to show the scorecard (a failure stays on the page with its error).
(function () {
  var status = document.getElementById("job-status");
  if (!status) return;
  new MutationObserver(function () {
    if (status.textContent === "succeeded") location.reload();
  }).observe(status, { childList: true, characterData: true, subtree: true });
})();
