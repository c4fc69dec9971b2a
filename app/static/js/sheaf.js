/* Sheaf: behaviour every page shares. No inline script anywhere (strict CSP).
 *
 * - fetch helpers that send the CSRF token;
 * - the language <select> submits itself;
 * - presence: while a desktop page is open it says so, so Sheaf can quit
 *   after the last tab closes. Background tabs get their timers throttled,
 *   so a heartbeat is also sent whenever the page becomes visible again.
 */
(function () {
  "use strict";

  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  var csrfToken = meta("csrf-token");

  window.Sheaf = window.Sheaf || {};
  window.Sheaf.csrfToken = csrfToken;
  window.Sheaf.post = function (url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken },
    });
  };

  window.Sheaf.humanSize = function (bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1048576) { return (bytes / 1024).toFixed(0) + " KB"; }
    return (bytes / 1048576).toFixed(1) + " MB";
  };

  /* Hand a file to the person as a download. */
  window.Sheaf.saveBlob = function (blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.parentNode.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  };

  /* Quitting Sheaf and signing out forget the files kept in this browser first. */
  var forgetThen = function (formEl) {
    var ws = window.Sheaf.workspace;
    var go = function () { formEl.submit(); };
    if (!ws) { go(); return; }
    ws.forgetAll().then(go, go);
  };
  var signOut = document.getElementById("signout-form");
  if (signOut) {
    signOut.addEventListener("submit", function (e) { e.preventDefault(); forgetThen(signOut); });
  }

  document.documentElement.classList.add("js");
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  var page = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
  var form = function (event) {
    var data = new URLSearchParams();
    data.set("page", page);
    data.set("event", event);
    data.set("csrf_token", csrfToken);
    return data;
  };

  /* Quit asks first, saying how many other Sheaf tabs would lose their files. */
  var quitForm = document.getElementById("quit-form");
  var confirmed = false;
  if (quitForm) {
    quitForm.addEventListener("submit", function (e) {
      if (confirmed) { return; }
      e.preventDefault();
      var ask = function (openPages) {
        var others = Math.max(0, openPages - 1);
        var text = others > 0
          ? quitForm.getAttribute("data-confirm-others").replace("{count}", String(others))
          : quitForm.getAttribute("data-confirm");
        if (window.confirm(text)) {
          confirmed = true;
          forgetThen(quitForm);
        }
      };
      fetch("/presence", { method: "POST", body: form("beat"), credentials: "same-origin" })
        .then(function (resp) { ask(parseInt(resp.headers.get("X-Open-Pages"), 10) || 1); })
        .catch(function () { ask(1); });
    });
  }

  if (document.body.getAttribute("data-presence") !== "on") {
    return;
  }
  var every = (parseInt(meta("heartbeat-seconds"), 10) || 20) * 1000;
  var beat = function (event) {
    fetch("/presence", {
      method: "POST",
      body: form(event || "beat"),
      credentials: "same-origin",
      keepalive: true,
    }).catch(function () { /* Sheaf has stopped; nothing to do */ });
  };

  beat("hello");
  setInterval(beat, every);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      beat("beat");
    }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) {
      beat("hello");  // restored from the back/forward cache
    }
  });
  window.addEventListener("pagehide", function () {
    navigator.sendBeacon("/presence", form("bye"));
  });
})();
