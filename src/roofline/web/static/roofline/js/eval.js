// An eval run's page while it runs: progress over the job's WebSocket (or /api/jobs/<id> every two seconds if
// the socket cannot be used); when the job ends the page reloads to show the scorecard or the error.
(function () {
  var box = document.getElementById("eval-progress");
  if (!box || !box.dataset.live) return;
  var id = box.dataset.jobId;
  var bar = document.getElementById("eval-progress-bar");
  var status = document.getElementById("eval-status");
  var message = document.getElementById("eval-message");
  var lastSeq = 0;
  var done = ["succeeded", "failed"].indexOf(box.dataset.status) >= 0;
  if (done) return;

  function show(state) {
    if (typeof state.progress === "number") bar.value = state.progress;
    if (state.status) { status.textContent = state.status; status.className = "badge status-" + state.status; }
    if (state.message) message.textContent = state.message;
  }

  function finish() { done = true; setTimeout(function () { location.reload(); }, 200); }

  function poll() {
    fetch("/api/jobs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (["succeeded", "failed"].indexOf(job.status) >= 0) finish(); else setTimeout(poll, 2000);
      });
  }

  function connect(attempt) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/jobs/" + id + "/?after=" + lastSeq);
    socket.onmessage = function (e) {
      var event = JSON.parse(e.data);
      if (event.type === "progress") { lastSeq = event.seq; show(event); }
      if (event.type === "finished") { show(event); finish(); }
    };
    socket.onclose = function () {
      if (done) return;
      if (attempt < 5) setTimeout(function () { connect(attempt + 1); }, 500 * (attempt + 1));
      else poll();
    };
  }

  connect(0);
})();
