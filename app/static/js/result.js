/* Every result is shown, not only downloaded: its first pages as pictures (all of them
 * on request), its pages and size, what the tool changed in one line, and then
 * Download, Save next to the original (desktop), Undo and Continue with another tool.
 * A PDF result becomes the next version of its file in the workspace (workspace.js),
 * so the next tool starts from it. Many files at once: one line each, "Download all".
 * Sheaf.results(form, ui) returns {one(answer, files, note), many(rows)}. */
(function () {
  "use strict";

  var ws = window.Sheaf.workspace;
  var el = function (tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  };
  var fill = window.Sheaf.format;

  var create = function (form, ui) {
    var msg = ui.msg;
    var box = document.getElementById("result");
    var next = document.getElementById("continue");
    var slug = form.dataset.tool;
    var urls = [];
    var human = window.Sheaf.humanSize;
    /* What this page made last, from which inputs: running again replaces it. */
    var last = null;
    var pagesText = function (n) { return n === 1 ? msg("onepage") : msg("pages").replace("{n}", String(n)); };

    var link = function (blob, name, primary) {
      var url = URL.createObjectURL(blob);
      urls.push(url);
      var a = el("a", "button " + (primary ? "primary" : "secondary"), msg("download") + ": " + name);
      a.href = url;
      a.download = name;
      return a;
    };

    /* Pictures of the result's pages: the first few at once, all on request. */
    /* before(body): kept first (the workspace's picture of the version), so a page
     * left at once for the next tool finds it there instead of asking again. */
    var pictures = function (blob, name, count, into, done, before, given) {
      var data = new FormData();
      data.append("file", blob, name);
      data.append("width", "160");
      if (count) { data.append("count", String(count)); }
      /* count 0: every page, from the organizer's thumbnails */
      /* given: the pictures that came with the result; else asked of Sheaf */
      (given ? Promise.resolve({ ok: true, body: given })
        : window.Sheaf.postJson(count ? form.dataset.preview : form.dataset.thumbnails, data))
        .then(function (answer) {
          if (!answer.ok) { return null; }
          var body = answer.body;
          if (!count) {
            body = { pages: body.count, images: body.pages.map(function (p) { return p.image; }) };
          }
          return Promise.resolve(before ? before(body) : null).then(function () { return body; });
        })
        .then(function (body) {
          if (!body) { return; }
          into.textContent = "";
          body.images.forEach(function (src, i) {
            var li = el("li", "result-page");
            var img = el("img");
            img.src = src;
            img.alt = msg("pageof").replace("{n}", String(i + 1)).replace("{total}", String(body.pages));
            li.appendChild(img);
            into.appendChild(li);
          });
          done(body);
        })
        .catch(function () { /* a protected result: no pictures, the rest stands */ });
    };

    var summary = function (info) {
      var template = msg("summary");
      if (!template) { return ""; }
      var range = form.querySelector("[name=pages], [name=page], [name=ranges]");
      var named = range && !range.disabled && range.value.trim();
      return fill(template, {
        pages: info.pages || "?", inpages: info.inpages || "?", files: info.files,
        removed: info.inpages && info.pages ? info.inpages - info.pages : "?",
        range: named || msg("everypage"),
      });
    };

    var clear = function () {
      urls.forEach(URL.revokeObjectURL);
      urls = [];
      box.textContent = "";
      if (next) { next.hidden = true; }
    };

    var isPdf = function (blob) { return blob.type === "application/pdf"; };

    /* One result: shown, kept as the next version, offered onwards. */
    var one = function (answer, files, note) {
      clear();
      var name = ui.resultName(answer);
      var blob = answer.blob;
      var panel = el("div", "result-panel");
      var line = el("p", "result-line", msg("done"));
      var facts = el("p", "result-facts", name + " · " + human(blob.size));
      panel.appendChild(line);
      panel.appendChild(facts);
      var actions = el("div", "result-actions");
      var download = link(blob, name, true);
      download.id = "download-link";
      actions.appendChild(download);
      panel.appendChild(actions);
      box.appendChild(panel);
      box.hidden = false;
      box.tabIndex = -1;
      box.focus();
      var info = { files: files.length, inpages: null, pages: null };
      var say = function () {
        var words = [msg("done"), summary(info), note].filter(Boolean).join(" ");
        line.textContent = words;
      };
      say();
      if (files.length === 1 && files[0].openedId) {
        ui.offerSave(files[0], blob, name, actions);
      }
      if (!isPdf(blob) || !ws || !files.length || !files[0].workspaceId) { return; }
      var list = el("ol", "result-pages");
      list.setAttribute("aria-label", msg("resultpages"));
      panel.insertBefore(list, actions);
      var single = files.length === 1 && form.dataset.multiple !== "true";
      var before = files[0].workspaceId;
      var inputs = files.map(function (f) { return f.workspaceId; }).join("|");
      var replace = last && last.inputs === inputs ? last.made : null;
      var kept = ws.addResult(blob, name, slug, single ? { id: before } : null,
        single ? null : files.map(function (f) { return f.workspaceId; }), replace);
      kept.then(function (out) {
        last = { inputs: inputs, made: { id: out.doc.id, key: ws.current(out.doc).key } };
      });
      ws.list().then(function (docs) {
        var doc = docs.filter(function (d) { return d.id === before; })[0];
        if (doc && doc.versions.length > 1 && single) { info.inpages = doc.versions[doc.versions.length - 2].pages; }
        say();
      });
      var remember = function (body) {
        return kept.then(function (out) {
          return ws.describe(out.doc.id, ws.current(out.doc).key, { pages: body.pages, thumb: body.images[0] });
        });
      };
      pictures(blob, name, 4, list, function (body) {
        info.pages = body.pages;
        facts.textContent = name + " · " + pagesText(body.pages) + " · " + human(blob.size);
        say();
        if (body.pages > body.images.length) {
          var all = el("button", "button secondary", msg("allpages").replace("{n}", String(body.pages)));
          all.type = "button";
          all.id = "all-pages";
          all.addEventListener("click", function () {
            all.disabled = true;
            pictures(blob, name, 0, list, function () { all.hidden = true; });
          });
          panel.insertBefore(all, actions);
        }
      }, remember, answer.pictures);
      kept.then(function (out) {
        /* Its pictures are on their way (above): the strip need not ask for its own. */
        window.Sheaf.describing[ws.current(out.doc).key] = true;
        if (out.dropped.length) {
          panel.appendChild(el("p", "hint", msg("dropped").replace("{names}", out.dropped.join(", "))));
        }
        var undo = el("button", "button secondary", msg("undo"));
        undo.type = "button";
        undo.id = "undo-button";
        undo.addEventListener("click", function () {
          ws.undo(out.doc.id).then(function () {
            last = null;
            clear();
            box.appendChild(el("p", "result-line", msg("undone")));
            box.focus();
          });
        });
        actions.appendChild(undo);
        if (next) { next.hidden = false; }
      });
    };

    /* Many files, one tool: a line each (its result or what went wrong), then one zip. */
    var many = function (rows) {
      clear();
      var panel = el("div", "result-panel");
      var ok = rows.filter(function (r) { return r.blob; });
      panel.appendChild(el("p", "result-line",
        fill(msg("batchdone"), { ok: ok.length, total: rows.length })));
      var list = el("ul", "batch-list");
      rows.forEach(function (row) {
        var li = el("li", row.blob ? "batch-ok" : "batch-failed");
        li.appendChild(el("strong", "", row.file.name + ": "));
        if (row.blob) {
          /* What the tool said of it, or else its size. */
          li.appendChild(document.createTextNode((row.note || human(row.blob.size)) + " "));
          li.appendChild(link(row.blob, row.name, false));
        } else {
          li.appendChild(el("span", "batch-error", row.error));
        }
        list.appendChild(li);
      });
      panel.appendChild(list);
      if (ok.length > 1) {
        var all = el("button", "button primary", msg("downloadall"));
        all.type = "button";
        all.id = "download-all";
        all.addEventListener("click", function () {
          window.Sheaf.zip(ok.map(function (r) { return { name: r.name, blob: r.blob }; })).then(function (zip) {
            window.Sheaf.saveBlob(zip, msg("zipname") || "sheaf-results.zip");
          });
        });
        panel.appendChild(all);
      }
      box.appendChild(panel);
      box.hidden = false;
      box.tabIndex = -1;
      box.focus();
      if (next && ok.length && ok.every(function (r) { return isPdf(r.blob); })) { next.hidden = false; }
    };

    return { one: one, many: many, clear: clear };
  };

  /* What the answer's headers say besides the file, in words. */
  var noteFor = function (xhr, msg) {
    var before = xhr.getResponseHeader("X-Sheaf-Size-Before");
    var after = xhr.getResponseHeader("X-Sheaf-Size-After");
    var summary = xhr.getResponseHeader("X-Sheaf-Summary"); /* compress, in words */
    var note = summary ? decodeURIComponent(summary) : before && after ? msg(+after < +before ? "saved" : "notsmaller")
      .replace("{before}", window.Sheaf.humanSize(+before))
      .replace("{after}", window.Sheaf.humanSize(+after)) : "";
    var repaired = xhr.getResponseHeader("X-Sheaf-Repaired");
    if (repaired) {
      var names = repaired.split(",").map(decodeURIComponent).join(", ");
      note += " " + msg("repaired").replace("{names}", names);
    }
    if (xhr.getResponseHeader("X-Sheaf-Protected") === "kept") {
      note += " " + msg("protected");
    }
    var report = xhr.getResponseHeader("X-Sheaf-Report");
    var facts = report ? JSON.parse(decodeURIComponent(report)) : {};
    if (facts.found !== undefined && facts.pages && facts.pages.length) {
      note += " " + msg("redacted").replace("{pages}", facts.pages.join(", "));
    }
    if (facts.where) { note += redactedElsewhere(facts, msg); }
    return note.trim();
  };

  /* Redaction's report in words: the other parts of the file the words went from, and
   * whether hidden information went too (each part's name is a data-msg-place-*). */
  var redactedElsewhere = function (facts, msg) {
    var names = [];
    facts.where.forEach(function (place) {
      var name = msg("place-" + place) || msg("place-other");
      if (msg("place-" + place) !== "-" && names.indexOf(name) < 0) { names.push(name); }
    });
    var note = names.length ? " " + msg("redactplaces").replace("{places}", names.join(", ")) : "";
    return facts.hidden ? note + " " + msg("redacthidden") : note;
  };

  window.Sheaf.results = create;
  window.Sheaf.noteFor = noteFor;
})();
