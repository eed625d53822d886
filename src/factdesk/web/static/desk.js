// The desk's only script (no inline script is allowed by the pages' CSP). Everything works without it;
// it adds three things: live regions, keyboard shortcuts and lease countdowns.
//
// - Live regions: an element with data-refresh-url is replaced every data-refresh-seconds (default 3) by the
//   HTML fragment that URL answers, so a queue or a draft follows others' changes without a reload. A fragment
//   that came with an ETag is asked for again with If-None-Match, so that an unchanged one costs "304".
// - Keys: an element with data-key="n" is clicked when n is pressed outside a form field.
// - Countdowns: an element with data-expires="<ISO time>" shows the minutes and seconds left.
(function () {
  "use strict";

  var tags = new WeakMap();  // element -> the ETag of the fragment it shows

  function refresh(el) {
    var url = el.getAttribute("data-refresh-url");
    if (!url || document.hidden) { return Promise.resolve(); }
    var headers = { "X-Requested-With": "fetch" };
    if (tags.has(el)) { headers["If-None-Match"] = tags.get(el); }
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (r) {
        if (r.redirected || r.status === 401) { window.location.reload(); return null; }
        if (r.status === 304 || !r.ok) { return null; }  // unchanged, or a hiccup: keep what is shown
        if (r.headers.get("ETag")) { tags.set(el, r.headers.get("ETag")); }
        return r.text();
      })
      .then(function (html) {
        if (html !== null && html !== el.innerHTML) {
          el.innerHTML = html;
          countdowns(el);
        }
      })
      .catch(function () { /* offline for a moment: try again next round */ });
  }

  function live() {
    document.querySelectorAll("[data-refresh-url]").forEach(function (el) {
      var seconds = parseFloat(el.getAttribute("data-refresh-seconds") || "3");
      window.setInterval(function () { refresh(el); }, Math.max(1, seconds) * 1000);
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick(el) {
    var left = Math.round((Date.parse(el.getAttribute("data-expires")) - Date.now()) / 1000);
    el.textContent = left > 0 ? Math.floor(left / 60) + ":" + pad(left % 60) + " left" : "expired";
    el.classList.toggle("expired", left <= 0);
  }

  function countdowns(root) {
    (root || document).querySelectorAll("[data-expires]").forEach(tick);
  }

  function keys() {
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      var t = ev.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
      var target = document.querySelector('[data-key="' + ev.key + '"]');
      if (target && !target.disabled) { ev.preventDefault(); target.click(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    live();
    keys();
    countdowns(document);
    window.setInterval(function () { countdowns(document); }, 1000);
  });
})();
