// A job's live progress: events over the job's WebSocket, resuming after the last sequence number seen; if the
// socket cannot be used, /api/jobs/<id> every two seconds instead. `rooflineWatchJob(id, show)` calls show(state)
// with each progress event (every field) and last with the closing `finished` message (status, result, error) or
// the polled job. The job page (#job) uses it, and so do tool pages that run jobs (attention.js).
window.rooflineWatchJob = function (id, show) {
  var lastSeq = 0, finished = false;
  function done(status) { return ["succeeded", "failed"].indexOf(status) >= 0; }

  function poll() {
    fetch("/api/jobs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) { show(job); if (!done(job.status)) setTimeout(poll, 2000); });
  }

  function connect(attempt) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/jobs/" + id + "/?after=" + lastSeq);
    socket.onmessage = function (e) {
      var event = JSON.parse(e.data);
      if (event.type === "progress") { lastSeq = event.seq; show(event); }
      if (event.type === "finished") { finished = true; show(event); }
    };
    socket.onclose = function () {
      if (finished) return;
      if (attempt < 5) setTimeout(function () { connect(attempt + 1); }, 500 * (attempt + 1));
      else poll();
    };
  }

  connect(0);
};

(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var message = document.getElementById("job-message");
  var error = document.getElementById("job-error");
  var result = document.getElementById("job-result");
  var open = document.getElementById("job-open");

  // Shows what `state` carries: a progress event or the API's job has every field, the closing `finished`
  // message only status, result and error (progress and message stay as the last event left them).
  function show(state) {
    if (typeof state.progress === "number") bar.value = state.progress;
    if (state.status) {
      status.textContent = state.status;
      status.className = "badge status-" + state.status;
    }
    if ("message" in state) message.textContent = state.message || "";
    if (state.error) { error.textContent = state.error; error.hidden = false; }
    if (state.result) { result.textContent = JSON.stringify(state.result, null, 2); result.hidden = false; }
    var url = state.result && state.result.url;  // where the tool shows the result: a path on this site only
    if (open && typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
      open.querySelector("a").href = url;
      open.hidden = false;
    }
  }

  if (["succeeded", "failed"].indexOf(box.dataset.status) < 0) window.rooflineWatchJob(box.dataset.jobId, show);
})();
