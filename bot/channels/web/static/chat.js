// The web chat page: sends one action per POST and shows the server's messages.
// Everything from the server or the user goes into the page as text (textContent), never as HTML.
"use strict";
(() => {
  const log = document.getElementById("log");
  const notice = document.getElementById("notice");
  const form = document.getElementById("ask");
  const input = document.getElementById("q");
  const geo = document.getElementById("geo");
  let csrf = "";
  let ui = {};
  let last = -1;
  let polling = null;
  const POLL_MS = 10000;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function say(text) {
    notice.textContent = text || "";
  }

  function button(label, onPress, cls) {
    const b = el("button", cls || "chip", label);
    b.type = "button";
    b.addEventListener("click", onPress);
    return b;
  }

  function chipPressed(data) {
    if (data === "geo") return locate();
    return send({ button: data });
  }

  function feedback(m, box) {
    const row = el("div", "feedback");
    const up = button(ui.up, () => vote(m, "up", row), "vote");
    const down = button(ui.down, () => vote(m, "down", row), "vote");
    for (const [b, v] of [[up, "up"], [down, "down"]]) {
      b.setAttribute("aria-pressed", String(m.voted === v));
      if (m.voted) b.disabled = true;
      row.append(b);
    }
    box.append(row);
  }

  function show(m) {
    if (m.id > 0 && m.id <= last) return null;
    last = Math.max(last, m.id);
    const box = el("article", "message " + m.role);
    box.dataset.role = m.role;
    box.tabIndex = -1;
    box.append(el("span", "visually-hidden", (m.role === "bot" ? ui.bot : ui.you) + "："));
    if (m.heading) box.append(el("h2", "heading", m.heading));
    box.append(el("p", "body", m.body));
    if (m.source) box.append(el("p", "source", m.source));
    if (m.links && m.links.length) {
      const list = el("ul", "links");
      list.setAttribute("aria-label", ui.maps);
      for (const link of m.links) {
        const a = el("a", null, link.label);
        if (/^https:\/\//.test(link.href)) a.href = link.href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        const item = el("li");
        item.append(a);
        list.append(item);
      }
      box.append(list);
    }
    if (m.chips && m.chips.length) {
      const chips = el("div", "chips");
      for (const c of m.chips) chips.append(button(c.label, () => chipPressed(c.data)));
      box.append(chips);
    }
    if (m.vote) feedback(m, box);
    if (m.handoff && !m.handed) {
      const h = button(ui.handoff, () => { h.disabled = true; send({ handoff: m.id }); startPolling(); }, "handoff");
      box.append(h);
    }
    if (m.handed) startPolling();
    log.append(box);
    box.scrollIntoView({ block: "end" });
    return box;
  }

  async function request(url, options) {
    const response = await fetch(url, { credentials: "same-origin", ...options });
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) throw new Error(body && body.error ? body.error.message : ui.failed);
    return body;
  }

  async function refresh() {
    const data = await request("/chat/state?after=" + Math.max(last, 0));
    csrf = data.csrf;
    ui = data.ui;
    data.messages.forEach(show);
  }

  async function send(action) {
    say("");
    try {
      const data = await request("/chat/send", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(action),
      });
      if (data.ui) return window.location.reload();
      let first = null;
      for (const m of data.messages) {
        const shown = show(m);
        if (!first && shown && m.role === "bot") first = shown;
      }
      if (data.notice) say(data.notice);
      if (first && !("q" in action)) first.focus({ preventScroll: true });
    } catch (e) {
      say(e.message || ui.failed);
    }
  }

  function vote(m, value, row) {
    row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    send({ vote: value, message: m.id });
  }

  function startPolling() {
    if (polling === null) polling = window.setInterval(() => refresh().catch(() => {}), POLL_MS);
  }

  function locate() {
    if (!navigator.geolocation) return typeCity();
    say(ui.geo_asking);
    navigator.geolocation.getCurrentPosition(
      (pos) => send({ location: [pos.coords.latitude, pos.coords.longitude] }),
      typeCity,
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 },
    );
  }

  function typeCity() {
    say("");
    show({ id: 0, role: "bot", body: ui.geo_failed });
    input.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ q: text });
    input.focus();
  });
  geo.addEventListener("click", locate);
  document.querySelectorAll("[data-button]").forEach((b) => {
    b.addEventListener("click", () => chipPressed(b.dataset.button));
  });
  document.querySelectorAll("[data-locale]").forEach((b) => {
    b.addEventListener("click", () => send({ locale: b.dataset.locale }));
  });
  refresh().catch((e) => say(e.message || "…"));
})();
