// The simulated taxpayer's phone: a chat list and a chat view, polling the simulator every 500 ms.
// Plain JavaScript on purpose (no third-party assets); every text a user sees is Indonesian.
(function () {
  "use strict";
  const POLL_MS = 500;
  const TZ = "Asia/Makassar";
  const fmtTime = new Intl.DateTimeFormat("id-ID", {timeZone: TZ, hour: "2-digit", minute: "2-digit"});
  const fmtDay = new Intl.DateTimeFormat("id-ID", {timeZone: TZ, weekday: "long", day: "numeric", month: "long", year: "numeric"});
  const TICKS = {accepted: ["🕓", "Menunggu"], sent: ["✓", "Terkirim"], delivered: ["✓✓", "Diterima"], read: ["✓✓", "Dibaca"], failed: ["⚠", "Gagal"]};
  const $ = (id) => document.getElementById(id);
  const key = decodeURIComponent(location.pathname.replace(/^\/phone\/?/, "").replace(/\/$/, ""));
  let version = -1;
  let busy = false;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // WhatsApp formatting, safely: *bold* and _italic_ become elements, everything else stays text.
  function formatted(text) {
    const frag = document.createDocumentFragment();
    const re = /\*([^*\n]+)\*|_([^_\n]+)_/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      frag.appendChild(el(m[1] !== undefined ? "strong" : "em", null, m[1] !== undefined ? m[1] : m[2]));
      last = re.lastIndex;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function clock() {
    $("clock").textContent = fmtTime.format(new Date());
  }

  async function api(path, body) {
    const opts = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
    const response = await fetch(path, opts);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
    return data;
  }

  // --- chat list ---------------------------------------------------------------------------------------
  async function loadChats() {
    try {
      const data = await api("/phone/api/chats");
      const list = $("chats");
      list.replaceChildren();
      for (const chat of data.chats) {
        const li = el("li");
        const a = el("a");
        a.href = "/phone/" + encodeURIComponent(chat.key);
        a.appendChild(el("span", "name", chat.name ? chat.name + " · +" + (chat.wa_id || chat.key) : "+" + (chat.wa_id || chat.key)));
        a.appendChild(el("span", "time", chat.last_at ? fmtTime.format(new Date(chat.last_at * 1000)) : ""));
        a.appendChild(el("span", "last", chat.last_text || ""));
        if (chat.unread) a.appendChild(el("span", "badge", String(chat.unread)));
        li.appendChild(a);
        list.appendChild(li);
      }
      $("no-chats").hidden = data.chats.length > 0;
    } catch (e) { /* the simulator restarts: try again on the next tick */ }
  }

  function showList() {
    $("list-view").hidden = false;
    $("open-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const digits = $("open-number").value.replace(/\D/g, "").replace(/^0/, "62");
      if (digits.length < 8 || digits.length > 15) { $("open-error").hidden = false; return; }
      location.href = "/phone/" + digits;
    });
    loadChats();
    setInterval(loadChats, 2000);
  }

  // --- chat view ---------------------------------------------------------------------------------------
  function ticks(status) {
    const [sym, label] = TICKS[status] || TICKS.accepted;
    const span = el("span", "ticks " + status, sym);
    span.title = label;
    span.setAttribute("aria-label", label);
    span.dataset.status = status;
    return span;
  }

  function docBox(header, mediaError) {
    const box = el("div", "doc");
    box.appendChild(el("span", "icon", "PDF"));
    const info = el("div");
    info.appendChild(el("div", "fname", header.filename || "dokumen.pdf"));
    if (header.media_id) {
      const link = el("a", null, "Buka dokumen");
      link.href = "/phone/media/" + encodeURIComponent(header.media_id);
      link.target = "_blank";
      link.rel = "noopener";
      info.appendChild(link);
    } else if (mediaError) {
      info.appendChild(el("div", "err", "Dokumen tidak dapat diunduh (" + mediaError + ")"));
    } else {
      info.appendChild(el("div", "fname", "Mengunduh…"));
    }
    box.appendChild(info);
    return box;
  }

  function renderOut(item) {
    // A message from the tax office: on the left, as the taxpayer sees it; ticks show its delivery state.
    const v = item.view;
    const wrap = el("div", "msg in");
    wrap.dataset.wamid = item.wamid;
    const bubble = el("div", "bubble");
    if (v.header && v.header.type === "text") bubble.appendChild(el("div", "hdr", v.header.text));
    else if (v.header && v.header.type === "document") bubble.appendChild(docBox(v.header, item.media_error));
    if (v.body) { const b = el("div", "body"); b.appendChild(formatted(v.body)); bubble.appendChild(b); }
    if (v.footer) bubble.appendChild(el("div", "footer", v.footer));
    if (item.status === "failed") bubble.appendChild(el("div", "failed-note", "Tidak terkirim: " + (item.error || "gagal")));
    const meta = el("div", "meta", fmtTime.format(new Date(item.at * 1000)));
    meta.appendChild(ticks(item.status));
    bubble.appendChild(meta);
    wrap.appendChild(bubble);
    const qrs = el("div", "qrs");
    for (const b of v.buttons || []) {
      if (b.type !== "quick_reply") continue;
      const btn = el("button", "qr", "↩ " + b.text);
      btn.type = "button";
      btn.dataset.payload = b.payload;
      btn.addEventListener("click", () => reply({button: {payload: b.payload, text: b.text}, context_id: item.wamid}));
      qrs.appendChild(btn);
    }
    for (const b of v.reply_buttons || []) {
      const btn = el("button", "qr", "↩ " + b.title);
      btn.type = "button";
      btn.addEventListener("click", () => reply({interactive: {type: "button_reply", id: b.id, title: b.title}, context_id: item.wamid}));
      qrs.appendChild(btn);
    }
    if (v.list) {
      const btn = el("button", "qr", "☰ " + v.list.button);
      btn.type = "button";
      btn.addEventListener("click", () => openSheet(v.list, item.wamid));
      qrs.appendChild(btn);
    }
    if (qrs.childElementCount) wrap.appendChild(qrs);
    return wrap;
  }

  function renderIn(item, byWamid) {
    // The taxpayer's own reply: on the right; blue ticks once the office marked it as read.
    const wrap = el("div", "msg out");
    wrap.dataset.wamid = item.wamid;
    const bubble = el("div", "bubble");
    const quoted = item.context_id && byWamid[item.context_id];
    if (quoted) bubble.appendChild(el("div", "quoted", (quoted.view.body || quoted.view.header && quoted.view.header.filename || "").split("\n")[0].slice(0, 70)));
    bubble.appendChild(el("div", "body", item.text));
    const meta = el("div", "meta", fmtTime.format(new Date(item.at * 1000)));
    meta.appendChild(ticks(item.read ? "read" : (item.webhook_status && item.webhook_status < 300 ? "delivered" : "sent")));
    bubble.appendChild(meta);
    wrap.appendChild(bubble);
    return wrap;
  }

  function openSheet(list, wamid) {
    $("sheet-title").textContent = list.button;
    const body = $("sheet-body");
    body.replaceChildren();
    for (const section of list.sections) {
      if (section.title) body.appendChild(el("div", "section-title", section.title));
      for (const row of section.rows) {
        const btn = el("button", "list-row", row.title);
        btn.type = "button";
        if (row.description) btn.appendChild(el("small", null, row.description));
        btn.addEventListener("click", () => {
          closeSheet();
          reply({interactive: {type: "list_reply", id: row.id, title: row.title, description: row.description || undefined}, context_id: wamid});
        });
        body.appendChild(btn);
      }
    }
    $("sheet").hidden = false;
  }

  function closeSheet() { $("sheet").hidden = true; }

  function render(data) {
    const title = data.name ? data.name : "+" + (data.wa_id || key);
    $("chat-title").textContent = "KPP Pratama Kupang";
    $("chat-sub").textContent = "Ponsel " + title + " · " + (data.window_open ? "jendela 24 jam terbuka" : "jendela 24 jam tertutup");
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    box.replaceChildren();
    const byWamid = {};
    for (const item of data.items) if (item.dir === "out") byWamid[item.wamid] = item;
    let lastDay = "";
    for (const item of data.items) {
      const day = fmtDay.format(new Date(item.at * 1000));
      if (day !== lastDay) { box.appendChild(el("div", "day", day)); lastDay = day; }
      box.appendChild(item.dir === "out" ? renderOut(item) : renderIn(item, byWamid));
    }
    if (!data.items.length) box.appendChild(el("div", "day", "Belum ada pesan."));
    if (atBottom || version === -1) box.scrollTop = box.scrollHeight;
  }

  async function poll() {
    if (busy) return;
    busy = true;
    try {
      const data = await api("/phone/api/chat/" + encodeURIComponent(key) + "?v=" + version);
      if (data.items) {
        render(data);
        version = data.version;
        const unread = data.items.some((i) => i.dir === "out" && (i.status === "sent" || i.status === "delivered"));
        if (!data.auto_read && unread && document.visibilityState === "visible") api("/phone/api/chat/" + encodeURIComponent(key) + "/read", {}).catch(() => {});
      }
    } catch (e) { /* keep polling */ }
    busy = false;
  }

  async function reply(payload) {
    const err = $("send-error");
    err.hidden = true;
    try {
      await api("/phone/api/chat/" + encodeURIComponent(key) + "/reply", payload);
      await poll();
    } catch (e) {
      err.textContent = "Pesan tidak terkirim: " + e.message;
      err.hidden = false;
    }
  }

  function showChat() {
    $("chat-view").hidden = false;
    document.title = "+" + key + " — Simulator WhatsApp";
    $("composer-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const input = $("composer");
      const text = input.value.trim();
      if (!text) return;
      $("send").disabled = true;
      await reply({text: text});
      input.value = "";
      $("send").disabled = false;
      input.focus();
    });
    $("sheet-close").addEventListener("click", closeSheet);
    $("sheet").addEventListener("click", (ev) => { if (ev.target === $("sheet")) closeSheet(); });
    poll();
    setInterval(poll, POLL_MS);
  }

  clock();
  setInterval(clock, 10000);
  if (key) showChat(); else showList();
})();
