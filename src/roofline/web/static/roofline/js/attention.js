// The attention inspector page: submit a run, follow its progress, draw the layers × heads grid (thumbnails on
// canvases, coloured by a chosen metric) and one head's heatmap with token labels, hover values, the mask, the
// induction stripe and sink columns. Arrow keys move between heads (left/right) and layers (up/down).
(function () {
  var form = document.getElementById("attention-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var results = $("attention-results"), grid = $("attention-grid"), heatmap = $("attention-heatmap");
  var hover = $("attention-hover"), errorBox = $("attention-error");
  var state = { run: null, result: null, head: null, matrix: null };

  // Viridis, 9 stops (matplotlib's colormap sampled at 0, 1/8, ..., 1).
  var STOPS = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129],
    [92, 200, 99], [170, 220, 50], [253, 231, 37]];
  function colour(v) {
    v = Math.max(0, Math.min(1, v || 0)) * (STOPS.length - 1);
    var i = Math.min(Math.floor(v), STOPS.length - 2), f = v - i, a = STOPS[i], b = STOPS[i + 1];
    return [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * f); });
  }
  function css(rgb) { return "rgb(" + rgb.join(",") + ")"; }
  function fmt(v) { return v === null || v === undefined ? "–" : (typeof v === "number" ? v.toFixed(3) : String(v)); }
  function csrf() { var input = form.querySelector("input[name=csrfmiddlewaretoken]"); return input ? input.value : ""; }

  function showError(message) { errorBox.textContent = message; errorBox.hidden = !message; }

  function api(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options || {})).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var error = new Error(body.detail || ("HTTP " + r.status));
          error.status = r.status;
          throw error;
        }
        return body;
      });
    });
  }

  // --- running ----------------------------------------------------------------------------------------------
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    showError("");
    var text = $("at-text").value;
    var body = { model: $("at-model").value.trim(), probe: $("at-probe").checked || !text.trim(),
      probe_block: parseInt($("at-block").value, 10) || 32 };
    if (text.trim()) body.text = text;
    api(form.dataset.runsUrl, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body) })
      .then(function (run) { history.replaceState(null, "", "?run=" + run.id); follow(run.id); })
      .catch(function (err) { showError(err.message); });
  });

  // Progress arrives over the job's socket (job.js); the run (result, head URLs) is read once it has finished.
  function follow(id) {
    $("attention-job").hidden = false;
    api(form.dataset.runsUrl + "/" + id).then(function (run) {
      if (run.status === "succeeded" || run.status === "failed") { show(run); return; }
      var shown = false;
      window.rooflineWatchJob(id, function (event) {
        if (typeof event.progress === "number") $("attention-progress").value = event.progress;
        if ("message" in event) $("attention-message").textContent = event.message || "";
        var over = event.type === "finished" || (!event.type && (event.status === "succeeded" || event.status === "failed"));
        if (over && !shown) {  // the socket's closing message, or the polled job once it is done
          shown = true;
          api(form.dataset.runsUrl + "/" + id).then(show).catch(function (err) { showError(err.message); });
        }
      });
    }).catch(function (err) { showError(err.message); });
  }

  function show(run) {
    $("attention-progress").value = run.progress;
    $("attention-message").textContent = run.message;
    if (run.status === "failed") { showError(run.error); return; }
    $("attention-job").hidden = true;
    state.run = run;
    state.result = run.result;
    drawGrid();
    var wanted = parseHash() || bestHead();
    select(wanted.stack, wanted.layer, wanted.head);
  }

  // --- the grid ---------------------------------------------------------------------------------------------
  function heads(stack) { return state.result.heads.filter(function (h) { return h.stack === stack; }); }
  function findHead(stack, layer, head) {
    return state.result.heads.find(function (h) { return h.stack === stack && h.layer === layer && h.head === head; });
  }
  function bestHead() {
    var metric = $("at-metric").value, best = state.result.heads[0];
    state.result.heads.forEach(function (h) { if ((h[metric] || 0) > (best[metric] || 0)) best = h; });
    return best;
  }

  function drawThumb(canvas, thumb) {
    var bytes = atob(thumb.data), image = canvas.getContext("2d").createImageData(thumb.cols, thumb.rows);
    for (var i = 0; i < bytes.length; i++) {
      var rgb = colour(Math.sqrt(bytes.charCodeAt(i) / 255));
      image.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
    }
    canvas.width = thumb.cols; canvas.height = thumb.rows;
    canvas.getContext("2d").putImageData(image, 0, 0);
  }

  function drawGrid() {
    var r = state.result, metric = $("at-metric").value;
    results.hidden = false;
    $("attention-summary").textContent = r.model.id + " (" + r.model["class"] + "): " + r.tokens.length +
      " tokens; " + r.stacks.map(function (s) { return s.name + " " + s.layers + " × " + s.heads; }).join(", ") +
      (r.probe.inspected ? "; showing the induction probe" : "");
    grid.textContent = "";
    r.stacks.forEach(function (stack) {
      var title = document.createElement("h3");
      title.textContent = stack.name === "self" ? "Layers × heads" : stack.name + " attention";
      grid.appendChild(title);
      var table = document.createElement("div");
      table.className = "attention-stack";
      table.style.gridTemplateColumns = "3em repeat(" + stack.heads + ", minmax(2.2em, 4.5em))";
      table.appendChild(document.createElement("span"));
      for (var h = 0; h < stack.heads; h++) {
        var label = document.createElement("span"); label.className = "axis"; label.textContent = "h" + h;
        table.appendChild(label);
      }
      heads(stack.name).forEach(function (head) {
        if (head.head === 0) {
          var layerLabel = document.createElement("span"); layerLabel.className = "axis";
          layerLabel.textContent = "L" + head.layer; table.appendChild(layerLabel);
        }
        var cell = document.createElement("button");
        cell.type = "button";
        cell.className = "attention-cell";
        cell.dataset.stack = head.stack; cell.dataset.layer = head.layer; cell.dataset.head = head.head;
        cell.dataset.labels = head.labels.join(" ");
        cell.style.borderColor = css(colour(head[metric]));
        cell.title = head.stack + " layer " + head.layer + " head " + head.head + ": " + metric + " " +
          fmt(head[metric]) + (head.labels.length ? " (" + head.labels.join(", ") + ")" : "");
        cell.setAttribute("aria-label", cell.title);
        var canvas = document.createElement("canvas");
        drawThumb(canvas, head.thumbnail);
        cell.appendChild(canvas);
        cell.addEventListener("click", function () { select(head.stack, head.layer, head.head); });
        table.appendChild(cell);
      });
      grid.appendChild(table);
    });
  }

  $("at-metric").addEventListener("change", function () {
    if (!state.result) return;
    drawGrid();
    if (state.head) markSelected();
  });

  // --- one head ---------------------------------------------------------------------------------------------
  function parseHash() {
    var m = /head=(\w+)\.(\d+)\.(\d+)/.exec(location.hash);
    return m ? { stack: m[1], layer: +m[2], head: +m[3] } : null;
  }

  function markSelected() {
    grid.querySelectorAll(".attention-cell").forEach(function (c) {
      var on = c.dataset.stack === state.head.stack && +c.dataset.layer === state.head.layer &&
        +c.dataset.head === state.head.head;
      c.classList.toggle("selected", on);
      c.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function select(stack, layer, head) {
    var found = findHead(stack, layer, head);
    if (!found) return;
    state.head = found;
    markSelected();
    var link = "?run=" + state.run.id + "#head=" + stack + "." + layer + "." + head;
    history.replaceState(null, "", link);
    $("at-permalink").href = link;
    api(form.dataset.runsUrl + "/" + state.run.id + "/heads/" + stack + "/" + layer + "/" + head)
      .then(function (matrix) {
        var raw = atob(matrix.data), buffer = new ArrayBuffer(raw.length), bytes = new Uint8Array(buffer);
        for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        matrix.values = new Float32Array(buffer);
        state.matrix = matrix;
        drawHead();
      }).catch(function (err) {
        if (err.status === 410) showRemoved(err.message); else showError(err.message);
      });
  }

  function tokensFor(stack) {
    var r = state.result, dec = r.decoder_tokens;
    return {
      queries: stack === "self" || stack === "encoder" ? r.tokens : dec,
      keys: stack === "decoder" ? dec : r.tokens,
      ids: stack === "decoder" ? r.decoder_token_ids : r.token_ids,
    };
  }

  // Bin b of n bins over T positions covers positions floor(b·T/n) .. ceil((b+1)·T/n) - 1 (adaptive pooling).
  function binOf(pos, n, total) { return Math.min(n - 1, Math.floor(pos * n / total)); }
  function binRange(b, n, total) { return [Math.floor(b * total / n), Math.ceil((b + 1) * total / n) - 1]; }

  function stripeCells(ids) {
    var seen = {}, cells = [];
    ids.forEach(function (t, i) {
      (seen[t] || []).forEach(function (m) { if (m + 1 < i) cells.push([i, m + 1]); });
      (seen[t] = seen[t] || []).push(i);
    });
    return cells;
  }

  function layerInfo(head) {
    return state.result.layers.find(function (l) { return l.stack === head.stack && l.layer === head.layer; });
  }

  // The run's matrices were pruned (410): the head's metrics (kept in the result) and the reason, no heatmap.
  function showRemoved(message) {
    var head = state.head;
    state.matrix = null;
    heatmap.hidden = true; hover.hidden = true;
    $("attention-head").hidden = false;
    $("attention-head-title").textContent = headTitle(head);
    $("attention-head-note").textContent = message;
    $("attention-head-note").dataset.removed = "true";
    drawMetrics(head);
  }

  function headTitle(head) {
    return head.stack + " layer " + head.layer + ", head " + head.head +
      (head.labels.length ? ": " + head.labels.join(", ") : "");
  }

  function drawHead() {
    var m = state.matrix, head = state.head, ctx = heatmap.getContext("2d"), toks = tokensFor(head.stack);
    var labels = m.rows <= 64 && m.cols <= 64, margin = labels ? 90 : 0, size = 640 - margin;
    var cw = size / m.cols, ch = size / m.rows, peak = m.max || 1;
    ctx.clearRect(0, 0, heatmap.width, heatmap.height);
    var image = ctx.createImageData(m.cols, m.rows);
    for (var i = 0; i < m.values.length; i++) {
      var rgb = colour(Math.sqrt(m.values[i] / peak));
      image.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
    }
    var off = document.createElement("canvas"); off.width = m.cols; off.height = m.rows;
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, margin, margin, size, size);

    var layer = layerInfo(head), mask = layer.mask;
    if ($("at-show-mask").checked && mask.kind !== "none") {
      ctx.fillStyle = "rgba(128,128,128,0.55)";
      for (var r = 0; r < m.rows; r++) {
        var q = binRange(r, m.rows, m.queries);
        for (var c = 0; c < m.cols; c++) {
          var k = binRange(c, m.cols, m.keys);
          var forbidden = mask.padded_keys.indexOf(k[0]) >= 0 ||
            ((mask.kind === "causal" || mask.kind === "sliding") && k[0] > q[1]) ||
            (mask.kind === "sliding" && q[0] - k[1] >= mask.window);
          if (forbidden) ctx.fillRect(margin + c * cw, margin + r * ch, cw, ch);
        }
      }
    }
    var stripe = head.stack === "cross" ? [] : stripeCells(toks.ids);
    heatmap.dataset.stripeCells = $("at-show-stripe").checked ? stripe.length : 0;
    if ($("at-show-stripe").checked) {
      ctx.strokeStyle = "rgba(255,64,64,0.9)"; ctx.lineWidth = Math.max(1, Math.min(cw, ch) / 6);
      stripe.slice(0, 20000).forEach(function (cell) {
        ctx.strokeRect(margin + binOf(cell[1], m.cols, m.keys) * cw, margin + binOf(cell[0], m.rows, m.queries) * ch, cw, ch);
      });
    }
    heatmap.dataset.sinkColumns = $("at-show-sinks").checked ? head.sink_tokens.length : 0;
    if ($("at-show-sinks").checked) {
      ctx.strokeStyle = "rgba(0,200,255,0.95)"; ctx.lineWidth = 2;
      head.sink_tokens.forEach(function (k) { ctx.strokeRect(margin + binOf(k, m.cols, m.keys) * cw, margin, cw, size); });
    }
    if (labels) {
      ctx.fillStyle = getComputedStyle(document.body).color || "#222";
      ctx.font = Math.max(7, Math.min(12, ch - 1)) + "px sans-serif";
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      toks.queries.forEach(function (t, i) { ctx.fillText(t.slice(0, 12), margin - 4, margin + (i + 0.5) * ch); });
      ctx.save();
      toks.keys.forEach(function (t, j) {
        ctx.setTransform(1, 0, 0, 1, margin + (j + 0.5) * cw, margin - 4);
        ctx.rotate(-Math.PI / 2); ctx.textAlign = "left"; ctx.fillText(t.slice(0, 12), 0, 0);
      });
      ctx.restore();
    }
    heatmap.dataset.margin = margin;
    heatmap.hidden = false;
    $("attention-head").hidden = false;
    $("attention-head-title").textContent = headTitle(head);
    delete $("attention-head-note").dataset.removed;
    $("attention-head-note").textContent = (m.pooled ? "Down-sampled to " + m.rows + " × " + m.cols +
      " cells, each the largest weight of its block. " : "") + "Mask: " + mask.kind +
      (mask.window ? " (window " + mask.window + ")" : "") + (layer.mask_ok ? "; no mass where it forbids." :
      "; attention mass " + layer.forbidden_mass.toExponential(2) + " where the mask forbids it!") +
      " Colour: √(weight ÷ " + peak.toFixed(3) + ").";
    drawMetrics(head);
  }

  function drawMetrics(head) {
    var rows = [["induction (probe)", head.induction], ["induction (this text)", head.induction_text],
      ["previous token", head.previous_token], ["duplicate token", head.duplicate_token], ["self", head.self],
      ["sink α₀", head.sink], ["sink tokens", head.sink_tokens.join(", ") || "none"],
      ["mass on special tokens", head.special_mass], ["entropy (normalised)", head.entropy],
      ["missing mass", head.missing_mass], ["forbidden mass", head.forbidden_mass], ["key/value group", head.kv_group]];
    var table = $("attention-metrics");
    table.textContent = "";
    rows.forEach(function (row) {
      var tr = table.insertRow(), th = document.createElement("th"), td = tr.insertCell();
      th.textContent = row[0]; tr.insertBefore(th, td); td.textContent = fmt(row[1]);
      td.dataset.metric = row[0];
    });
  }

  heatmap.addEventListener("mousemove", function (e) {
    var m = state.matrix;
    if (!m) return;
    var rect = heatmap.getBoundingClientRect(), margin = +heatmap.dataset.margin, size = 640 - margin;
    var x = (e.clientX - rect.left) * heatmap.width / rect.width - margin;
    var y = (e.clientY - rect.top) * heatmap.height / rect.height - margin;
    if (x < 0 || y < 0 || x >= size || y >= size) { hover.hidden = true; return; }
    var c = Math.floor(x / size * m.cols), r = Math.floor(y / size * m.rows), toks = tokensFor(state.head.stack);
    var q = binRange(r, m.rows, m.queries), k = binRange(c, m.cols, m.keys);
    function name(list, range) {
      return range[0] === range[1] ? range[0] + " " + JSON.stringify(list[range[0]]) : range[0] + "–" + range[1];
    }
    hover.textContent = "query " + name(toks.queries, q) + " → key " + name(toks.keys, k) + ": " +
      (m.pooled ? "max " : "") + m.values[r * m.cols + c].toFixed(4);
    hover.style.left = (e.clientX - rect.left + 12) + "px"; hover.style.top = (e.clientY - rect.top + 12) + "px";
    hover.hidden = false;
  });
  heatmap.addEventListener("mouseleave", function () { hover.hidden = true; });
  ["at-show-mask", "at-show-stripe", "at-show-sinks"].forEach(function (id) {
    $(id).addEventListener("change", function () { if (state.matrix) drawHead(); });
  });

  document.addEventListener("keydown", function (e) {
    if (!state.head || /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return;
    var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[e.key];
    if (!moves) return;
    var stack = state.result.stacks.find(function (s) { return s.name === state.head.stack; });
    var layer = Math.max(0, Math.min(stack.layers - 1, state.head.layer + moves[0]));
    var head = Math.max(0, Math.min(stack.heads - 1, state.head.head + moves[1]));
    e.preventDefault();
    select(stack.name, layer, head);
  });

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }
  $("at-export-json").addEventListener("click", function () {
    download(new Blob([JSON.stringify(state.result, null, 1)], { type: "application/json" }), "attention.json");
  });
  $("at-export-png").addEventListener("click", function () {
    var h = state.head;
    if (!state.matrix) return;  // no heatmap drawn (none selected, or the run's matrices were removed)
    heatmap.toBlob(function (blob) { download(blob, "attention-" + h.stack + "-L" + h.layer + "-H" + h.head + ".png"); });
  });

  var run = new URLSearchParams(location.search).get("run");
  if (run) follow(run);
})();
