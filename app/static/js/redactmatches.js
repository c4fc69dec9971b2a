/* Redaction: show where the words are before removing them, and let the person keep some.
 *
 * Typing the words (after a pause) or pressing Find asks redact/matches, which changes
 * nothing and answers boxes as fractions of the page as shown. They are listed per page
 * and drawn on the page picture of pagebox.js (which says when its page changes,
 * "sheaf:page", and shows a page on request, box.sheafShow). Every match is ticked.
 *
 * Sending ("sheaf:send", after pagebox.js has added the drawn areas): with every
 * match ticked the words go as today, as `text`, removed everywhere in the file. With
 * some unticked, the ticked boxes go as `areas` instead and `text` is left out: only
 * those places are removed (their pages become pictures), the unticked ones stay, and
 * "remove hidden information" is what its checkbox says. Matches found for other words
 * or another file than those being sent are never used: the words go as typed. */
(function () {
  "use strict";

  var panel = document.getElementById("redact-matches");
  var form = document.getElementById("tool-form");
  var box = document.getElementById("page-box");
  var stage = document.getElementById("page-stage");
  var words = document.getElementById("opt-text");
  if (!panel || !form || !box || !stage || !words) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var msg = function (name) { return panel.getAttribute("data-msg-" + name) || ""; };
  var count = $("matches-count");
  var list = $("matches-pages");
  var kept = $("matches-kept");
  var run = $("run-button");
  var warning = $("redact-warning");
  var label = run ? run.textContent : "";
  if (run && warning) { run.setAttribute("aria-describedby", "redact-warning"); }

  /* What was found: for which file and words, and every match (an occurrence: one box,
   * or one per line when it wraps) with its page and tick. */
  var file = null;
  var found = null; // { file, text, matches: [{page, n, boxes: [{x, y, width, height}], on}] }
  var page = 1;
  var asked = 0; // the latest request; older answers are dropped
  var timer = null;

  var find = document.createElement("button");
  find.type = "button";
  find.className = "button secondary matches-find";
  find.id = "matches-find";
  find.textContent = msg("find");
  words.parentNode.insertBefore(find, words.nextSibling);

  var wanted = function () { return words.value.trim(); };
  var ticked = function () { return found ? found.matches.filter(function (m) { return m.on; }) : []; };
  var pages = function () {
    var seen = [];
    (found ? found.matches : []).forEach(function (b) {
      if (seen.indexOf(b.page) < 0) { seen.push(b.page); }
    });
    return seen.sort(function (a, b) { return a - b; });
  };
  var onPageOf = function (matches, n) { return matches.filter(function (m) { return m.page === n; }); };
  var onPage = function (n) { return onPageOf(found.matches, n); };
  var matchName = function (m) {
    return msg("match").replace("{i}", String(m.n)).replace("{n}", String(m.page));
  };

  var clear = function () {
    asked++; // an answer still on its way is for other words or another file
    found = null;
    panel.hidden = true;
    list.textContent = "";
    kept.hidden = true;
    if (run) { run.textContent = label; }
    drawBoxes();
  };

  /* -- the boxes on the picture -------------------------------------------------------- */
  var drawBoxes = function () {
    Array.prototype.forEach.call(stage.querySelectorAll(".match-box"), function (el) { el.remove(); });
    if (!found) { return; }
    nav();
    onPage(page).forEach(function (m) {
      m.boxes.forEach(function (b, k) {
        var el = document.createElement("div");
        el.className = "match-box" + (m.on ? " on" : "");
        el.style.left = b.x * 100 + "%";
        el.style.top = b.y * 100 + "%";
        el.style.width = b.width * 100 + "%";
        el.style.height = b.height * 100 + "%";
        el.dataset.index = String(found.matches.indexOf(m));
        var tick = null;
        if (k === 0) { /* one checkbox a match; its other lines' boxes tick it too */
          tick = document.createElement("input");
          tick.type = "checkbox";
          tick.checked = m.on;
          tick.setAttribute("aria-label", matchName(m));
          tick.addEventListener("change", function () { set(m, tick.checked); });
          el.appendChild(tick);
        }
        /* The box is the person's to tick, not a place to start drawing a new one. */
        el.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
        el.addEventListener("click", function (e) {
          if (!tick || e.target !== tick) { set(m, !m.on); }
        });
        stage.appendChild(el);
      });
    });
  };

  var set = function (b, on) {
    b.on = on;
    drawBoxes();
    var twin = list.querySelector('input[data-index="' + found.matches.indexOf(b) + '"]');
    if (twin) { twin.checked = on; }
    summary();
  };

  /* -- the list, per page ---------------------------------------------------------------- */
  var summary = function () {
    var n = ticked().length;
    var all = found.matches.length;
    kept.hidden = n === all;
    kept.textContent = n ? msg("kept") : msg("nothing");
    if (run) {
      run.textContent = !all || !n ? label : n === 1 ? msg("run-one") : msg("run-many").replace("{n}", String(n));
    }
  };

  var showPage = function (n) {
    if (n !== page && box.sheafShow) { box.sheafShow(n); }
  };

  var listAll = function () {
    list.textContent = "";
    pages().forEach(function (n) {
      var item = document.createElement("li");
      var go = document.createElement("button");
      go.type = "button";
      go.className = "link-button";
      var here = onPage(n);
      go.textContent = here.length === 1 ? msg("page-one").replace("{n}", String(n))
        : msg("page-many").replace("{n}", String(n)).replace("{count}", String(here.length));
      go.addEventListener("click", function () { showPage(n); });
      item.appendChild(go);
      var ticks = document.createElement("ul");
      here.forEach(function (b) {
        var li = document.createElement("li");
        var lab = document.createElement("label");
        var tick = document.createElement("input");
        tick.type = "checkbox";
        tick.checked = b.on;
        tick.dataset.index = String(found.matches.indexOf(b));
        tick.addEventListener("change", function () { set(b, tick.checked); showPage(b.page); });
        lab.appendChild(tick);
        lab.appendChild(document.createTextNode(" " + matchName(b)));
        li.appendChild(lab);
        ticks.appendChild(li);
      });
      item.appendChild(ticks);
      list.appendChild(item);
    });
  };

  var beside = function (direction) {
    var all = pages();
    return direction > 0 ? all.filter(function (n) { return n > page; })[0]
      : all.filter(function (n) { return n < page; }).pop();
  };
  var step = function (direction) {
    var next = beside(direction);
    if (next) { showPage(next); }
  };
  /* No page with matches that way: the button says so by being unavailable. */
  var nav = function () {
    $("matches-prev").disabled = !beside(-1);
    $("matches-next").disabled = !beside(1);
  };
  $("matches-prev").addEventListener("click", function () { step(-1); });
  $("matches-next").addEventListener("click", function () { step(1); });

  /* -- asking ------------------------------------------------------------------------- */
  var ask = function () {
    clearTimeout(timer);
    var text = wanted();
    if (!file || !text) { clear(); return; }
    if (found && found.file === file && found.text === text) { return; }
    var mine = ++asked;
    var data = new FormData();
    data.append("file", file, file.name || "document.pdf");
    data.append("text", text);
    var password = form.querySelector("[name=password]");
    if (password && password.value) { data.append("password", password.value); }
    panel.hidden = false;
    list.textContent = "";
    $("matches-some").hidden = true;
    count.textContent = msg("looking");
    window.Sheaf.post(panel.dataset.endpoint, data)
      .then(function (resp) {
        return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
      })
      .then(function (answer) {
        if (mine !== asked) { return; }
        if (!answer.ok) {
          found = null;
          drawBoxes();
          var why = answer.body && answer.body.message ? answer.body.message : "";
          count.textContent = msg("failed").replace("{reason}", why);
          return;
        }
        var matches = [];
        answer.body.pages.forEach(function (p) {
          var numbered = {}; /* this page's matches, by their number */
          p.boxes.forEach(function (b) {
            if (!(b.width > 0 && b.height > 0)) { return; } /* off the page: nothing shows */
            var key = String(b.match);
            if (!numbered[key]) {
              numbered[key] = { page: p.page, n: 0, boxes: [], on: true };
              matches.push(numbered[key]);
            }
            numbered[key].boxes.push({ x: b.x, y: b.y, width: b.width, height: b.height });
          });
          onPageOf(matches, p.page).forEach(function (m, i) { m.n = i + 1; });
        });
        found = { file: file, text: text, matches: matches };
        count.textContent = !matches.length ? msg("none") : matches.length === 1 ? msg("one")
          : msg("many").replace("{n}", String(matches.length));
        $("matches-some").hidden = !matches.length;
        listAll();
        summary();
        drawBoxes();
        var first = pages()[0];
        if (first && onPage(page).length === 0) { showPage(first); }
      })
      .catch(function () {
        if (mine === asked) { count.textContent = msg("failed").replace("{reason}", ""); }
      });
  };

  words.addEventListener("input", function () {
    clearTimeout(timer);
    if (found && found.text !== wanted()) { clear(); }
    timer = setTimeout(ask, 700);
  });
  find.addEventListener("click", ask);
  form.addEventListener("sheaf:files", function (e) {
    file = e.detail[0] || null;
    page = 1;
    clear();
    if (file && wanted()) { ask(); }
  });
  box.addEventListener("sheaf:page", function (e) {
    page = e.detail.page;
    drawBoxes();
  });

  /* With every match unticked and no box drawn there is nothing to remove: say so here
   * (the note under the list) instead of sending a request without words or areas.
   * Caught before tools.js sees the submit, which it would send as it is. */
  window.addEventListener("submit", function (e) {
    if (e.target !== form || !found || ticked().length || !found.matches.length) { return; }
    var asked = new CustomEvent("sheaf:ask", { detail: { data: null } });
    form.dispatchEvent(asked);  // what a run would send (tools.js)
    var data = asked.detail.data;
    if (!data || data.get("text") || data.get("areas")) { return; }
    e.preventDefault();
    e.stopPropagation();
    kept.hidden = false;
    var first = list.querySelector("input");
    if (first) { first.focus(); }
  }, true);

  form.addEventListener("sheaf:send", function (e) {
    var data = e.detail.data;
    if (!found || found.file !== file || found.text !== wanted() || !found.matches.length) { return; }
    var on = ticked();
    if (on.length === found.matches.length) { return; } // every match: the words, everywhere
    data.delete("text");
    var areas = data.get("areas") ? JSON.parse(data.get("areas")) : [];
    on.forEach(function (m) {
      m.boxes.forEach(function (b) {
        areas.push({ page: m.page, x: b.x, y: b.y, width: b.width, height: b.height });
      });
    });
    if (areas.length) { data.set("areas", JSON.stringify(areas)); } else { data.delete("areas"); }
  });
})();
