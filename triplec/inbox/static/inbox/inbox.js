/* Live inbox: one EventSource per page (the browser reconnects by itself and sends Last-Event-ID, so the server
   replays what was missed); on an event we fetch a small HTML fragment the server renders with the same access
   rules as the page. No framework. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  /* One fetch at a time per element: events that arrive meanwhile cause exactly one more fetch afterwards, so a
     burst of events (handoff, assignment, message) costs two requests, not one per event. */
  function coalesced(el, after) {
    var busy = false, again = false;
    function run() {
      busy = true; again = false;
      refresh(el, after).then(function () { busy = false; if (again) { run(); } });
    }
    return function () { if (busy) { again = true; } else { run(); } };
  }

  function refresh(el, after) {
    return fetch(el.getAttribute("data-src"), {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { el.innerHTML = html; if (after) { after(); } })
      .catch(function () { /* the next event or the reconnect will try again */ });
  }

  function stream(url, topics, kinds, onEvent, since) {
    var qs = topics.map(function (t) { return "topic=" + encodeURIComponent(t); }).join("&");
    // Start from the last event the server knew when it rendered the page: nothing between render and
    // connect is lost. Reconnects send Last-Event-ID themselves, which the server prefers.
    if (since) { qs += (qs ? "&" : "") + "last_event_id=" + encodeURIComponent(since); }
    var source = new EventSource(url + (qs ? "?" + qs : ""));
    kinds.forEach(function (k) { source.addEventListener(k, onEvent); });
    source.addEventListener("open", function () { document.documentElement.setAttribute("data-live", "1"); });
    source.addEventListener("error", function () { document.documentElement.setAttribute("data-live", "0"); });
    return source;
  }

  var QUEUE_KINDS = ["inbox.message", "inbox.conversation", "conversation.handoff"];
  var KINDS = ["inbox.message", "inbox.status", "inbox.note", "inbox.conversation", "conversation.new",
               "conversation.handoff"];

  function shortcuts(map) {
    document.addEventListener("keydown", function (e) {
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        var el = document.querySelector('[data-shortcut="' + e.key.toLowerCase() + '"]');
        if (el) { e.preventDefault(); if (el.tagName === "BUTTON") { el.click(); } else { el.focus(); } }
      }
      if (e.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
        var q = document.getElementById("inbox-q");
        if (q) { e.preventDefault(); q.focus(); }
      }
      if (map && map[e.key] && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) { map[e.key](e); }
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) { if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); } });
    });
  }

  function queuePage(opts) {
    var el = document.getElementById("queue");
    var update = coalesced(el, null);
    stream(opts.stream, opts.topics || [], QUEUE_KINDS, update, opts.since);
    var index = -1;
    function move(step) {
      var links = el.querySelectorAll(".queue-item a");
      if (!links.length) { return; }
      index = Math.max(0, Math.min(links.length - 1, index + step));
      links[index].focus();
    }
    shortcuts({j: function () { move(1); }, k: function () { move(-1); }});
  }

  function formatSeconds(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
  }

  function conversationPage(opts) {
    var el = document.getElementById("timeline");
    var pendingPoll = null;
    function afterRefresh() {
      var state = document.getElementById("window-state");
      if (state && (state.getAttribute("data-open") === "1") !== opts.windowOpen) {
        window.location.reload();  // the window opened or closed: the composer changes shape
        return;
      }
      if (state && (state.getAttribute("data-state") === "resolved") !== (opts.state === "resolved")) {
        window.location.reload();  // resolved or reopened elsewhere: the actions change
        return;
      }
      var badge = document.getElementById("conv-state");
      if (state && badge) { badge.textContent = state.getAttribute("data-state-label"); }
      // A message still queued turns "sent" in the dispatcher, which announces nothing: look again shortly.
      var tl = el.querySelector(".timeline");
      clearTimeout(pendingPoll);
      if (tl && tl.getAttribute("data-pending")) { pendingPoll = setTimeout(function () { refresh(el, afterRefresh); }, 700); }
      el.scrollTop = el.scrollHeight;
    }
    var update = coalesced(el, afterRefresh);
    stream(opts.stream, ["conversation:" + opts.id], KINDS, function (e) {
      var data = {};
      try { data = JSON.parse(e.data); } catch (err) { /* ignore */ }
      if (!data.conversation || data.conversation === opts.id) { update(); }
    }, opts.since);
    afterRefresh();

    var countdown = document.getElementById("window-countdown");
    if (countdown) {
      var left = parseInt(countdown.getAttribute("data-seconds"), 10) || 0;
      var tick = function () {
        countdown.textContent = formatSeconds(Math.max(0, left));
        if (left <= 0) { window.location.reload(); return; }
        left -= 1;
      };
      tick();
      setInterval(tick, 1000);
    }
    var reply = document.getElementById("reply-text");
    if (reply) {
      reply.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); reply.form.requestSubmit(); }
      });
    }
    var quick = document.getElementById("quick-reply");
    if (quick) {
      quick.addEventListener("change", function () {
        if (!quick.value) { return; }
        fetch(quick.getAttribute("data-fill") + quick.value, {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (d) { reply.value = d.text; reply.focus(); quick.value = ""; });
      });
    }
    var select = document.getElementById("template-select");
    if (select) {
      select.addEventListener("change", function () {
        var box = document.getElementById("template-params");
        var preview = document.getElementById("template-preview");
        box.innerHTML = "";
        var opt = select.options[select.selectedIndex];
        preview.textContent = opt.getAttribute("data-body") || "";
        var names = (opt.getAttribute("data-params") || "").split(",").filter(Boolean);
        names.forEach(function (name, i) {
          var id = "tp-" + i;
          var label = document.createElement("label");
          label.setAttribute("for", id);
          label.textContent = "{{" + name + "}}";
          var input = document.createElement("input");
          input.id = id; input.name = "params"; input.required = true;
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = "param_names"; hidden.value = name;
          box.appendChild(label); box.appendChild(input); box.appendChild(hidden);
        });
      });
    }
    shortcuts({});
  }

  window.InboxLive = {queue: queuePage, conversation: conversationPage};

  // The page says what to start in data-* attributes of this script's own tag: no inline script, so the
  // Content-Security-Policy can forbid inline code.
  var boot = document.currentScript && document.currentScript.dataset;
  if (boot && boot.live === "queue") {
    queuePage({stream: boot.stream, since: Number(boot.since), topics: boot.topics ? boot.topics.split(",") : []});
  } else if (boot && boot.live === "conversation") {
    conversationPage({stream: boot.stream, since: Number(boot.since), id: Number(boot.id),
                      windowOpen: boot.windowOpen === "true", state: boot.state});
  }
})();
