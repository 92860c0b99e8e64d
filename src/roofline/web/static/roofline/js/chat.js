// The chat client: one WebSocket, subscribed to this page's channel after the last event number it has seen.
// Events are applied in order and at most once (by sequence number); on reconnect the server sends exactly
// the events missed. Message HTML comes sanitised from the server; every other field is set as text.
(function () {
  var root = document.getElementById("chat");
  if (!root) return;
  var channel = root.dataset.channel;
  var me = root.dataset.user;
  var lastSeq = Number(root.dataset.lastSeq);
  var list = document.getElementById("messages");
  var state = document.getElementById("connection-state");
  var errorBox = document.getElementById("chat-error");
  var composer = document.getElementById("composer");
  var typingLine = document.getElementById("typing");
  var socket = null;
  var attempt = 0;
  var counter = 0;
  var typingTimer = null;
  var lastTypingSent = 0;
  var readTimer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function showError(message) {
    if (!errorBox) return;
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function draw(m) {
    var mentionsMe = Boolean(me) && (m.mentions || []).indexOf(me) >= 0;
    var li = el("li", "chat-message" + (m.deleted ? " deleted" : "") + (mentionsMe ? " mentions-me" : ""));
    li.id = "m-" + m.seq;
    li.dataset.id = m.id; li.dataset.seq = m.seq; li.dataset.topic = m.topic; li.dataset.author = m.author;
    li.dataset.body = m.body;
    var meta = el("div", "chat-meta");
    meta.appendChild(el("strong", "", m.author));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("span", "topic-tag", m.topic));
    var time = el("a", "meta", " " + m.created_at.slice(11, 16));
    time.href = m.url;
    meta.appendChild(time);
    if (m.edited_at) {
      var edited = el("a", "meta", " (edited)");
      edited.href = "/chat/m/" + m.id + "/history/";
      meta.appendChild(edited);
    }
    li.appendChild(meta);
    var body = el("div", "chat-body prose");
    if (m.deleted) body.appendChild(el("p", "tombstone", "Message deleted."));
    else body.innerHTML = m.html; // sanitised by the server's renderer (nh3 allowlist)
    li.appendChild(body);
    var reactions = el("div", "reactions");
    Object.keys(m.reactions).forEach(function (emoji) {
      var r = el("span", "reaction", emoji + " " + m.reactions[emoji].length);
      r.title = m.reactions[emoji].join(", ");
      reactions.appendChild(r);
    });
    li.appendChild(reactions);
    decorate(li, m.deleted);
    return li;
  }

  function decorate(li, deleted) {
    if (!me || deleted || li.querySelector(".message-actions")) return;
    var actions = el("div", "message-actions");
    function button(label, handler) {
      var b = el("button", "link-button", label);
      b.type = "button";
      b.addEventListener("click", handler);
      actions.appendChild(b);
    }
    var id = Number(li.dataset.id);
    button("👍", function () { send({ type: "react", id: id, emoji: "👍" }); });
    if (li.dataset.author === me) {
      button("Edit", function () { startEdit(li, id); });
      button("Delete", function () { send({ type: "delete", id: id }); });
    }
    li.appendChild(actions);
  }

  function startEdit(li, id) {
    // The Markdown source, not the rendered text (math, code and links would lose their markup).
    var body = li.querySelector(".chat-body");
    var shown = Array.prototype.slice.call(body.childNodes);
    var area = el("textarea", "edit-box");
    area.setAttribute("aria-label", "Edit message");
    area.value = li.dataset.body;
    var save = el("button", "", "Save");
    save.type = "button";
    var cancel = el("button", "link-button", "Cancel");
    cancel.type = "button";
    function restore() { body.replaceChildren.apply(body, shown); }
    save.addEventListener("click", function () {
      if (area.value === li.dataset.body) restore(); // unchanged: the server sends no event to redraw it
      else send({ type: "edit", id: id, body: area.value });
    });
    cancel.addEventListener("click", restore);
    body.replaceChildren(area, save, cancel);
    area.focus();
  }

  function place(li, kind) {
    var existing = list.querySelector('[data-id="' + li.dataset.id + '"]');
    if (existing) existing.replaceWith(li);
    else if (kind === "message") list.appendChild(li); // an edit of a message not on the page is not new
    else return;
    if (window.rooflineRenderMath) window.rooflineRenderMath();
  }

  function markRead() {
    // One read frame for a burst of events (a reconnect can bring hundreds): the server limits frames.
    if (readTimer || document.visibilityState !== "visible") return;
    readTimer = setTimeout(function () {
      readTimer = null;
      send({ type: "read", channel: channel, seq: lastSeq });
    }, 500);
  }

  function apply(frame) {
    if (frame.seq <= lastSeq) return; // already applied: never twice
    lastSeq = frame.seq;
    if (frame.message) place(draw(frame.message), frame.kind);
    markRead();
  }

  function onFrame(frame) {
    if (frame.type === "event" && frame.channel === channel) apply(frame);
    else if (frame.type === "subscribed" && frame.channel === channel) markRead(); // the page shows the latest
    else if (frame.type === "presence" && frame.channel === channel) {
      var presence = document.getElementById("presence");
      presence.replaceChildren.apply(presence, frame.members.map(function (name) { return el("li", "", name); }));
    } else if (frame.type === "typing" && frame.channel === channel && frame.member !== me) {
      typingLine.textContent = frame.member + " is typing in " + frame.topic + "…";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 3000);
    } else if (frame.type === "error") showError(frame.error);
    else if (frame.type === "ack" && composer && frame.client_id === "post-" + counter) {
      composer.elements.body.value = "";
      showError("");
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/chat/");
    socket.onopen = function () {
      attempt = 0;
      state.textContent = "live";
      send({ type: "subscribe", channel: channel, after: lastSeq });
    };
    socket.onmessage = function (e) { onFrame(JSON.parse(e.data)); };
    socket.onclose = function () {
      state.textContent = "reconnecting…";
      attempt += 1;
      setTimeout(connect, Math.min(10000, 300 * attempt * attempt));
    };
  }

  Array.prototype.forEach.call(list.children, function (li) { decorate(li, li.classList.contains("deleted")); });

  if (composer) {
    composer.addEventListener("submit", function (e) {
      e.preventDefault();
      counter += 1;
      send({ type: "post", channel: channel, topic: composer.elements.topic.value,
             body: composer.elements.body.value, client_id: "post-" + counter });
    });
    composer.elements.body.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 2000) {
        lastTypingSent = now;
        send({ type: "typing", channel: channel, topic: composer.elements.topic.value });
      }
    });
  }

  document.querySelectorAll(".topic-filter").forEach(function (button) {
    button.addEventListener("click", function () {
      if (composer) composer.elements.topic.value = button.dataset.topic;
    });
  });

  document.getElementById("load-older").addEventListener("click", function () {
    var first = list.querySelector(".chat-message");
    var before = first ? first.dataset.seq : lastSeq + 1;
    fetch(root.dataset.olderUrl + "?before=" + before, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.messages.slice().reverse().forEach(function (m) { list.insertBefore(draw(m), list.firstChild); });
        if (window.rooflineRenderMath) window.rooflineRenderMath();
      });
  });

  document.addEventListener("visibilitychange", markRead);

  connect();
})();
