/* Sheaf tool pages: choose or drop files, put them in order, send them, download the
 * result. One script for every tool; what differs is declared on the form's data
 * attributes. Uploading and errors are in upload.js (Sheaf.tool). */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  if (!form) { return; }
  var ui = window.Sheaf.tool(form);
  var msg = ui.msg;
  var list = document.getElementById("file-list");
  var multiple = form.dataset.multiple === "true";
  var field = form.dataset.field;
  var files = [];

  var move = function (from, to) {
    if (to < 0 || to >= files.length) { return; }
    files.splice(to, 0, files.splice(from, 1)[0]);
    render();
    var item = list.children[to];
    var button = item && item.querySelector(from > to ? ".up" : ".down");
    if (button) { button.focus(); }
  };

  /* Each chosen file shows its first page and page count (PDFs, asked of Sheaf once
   * per file) or itself (images), so people can see they chose the right one. */
  var previews = new WeakMap();
  var isPdf = function (file) {
    return file.type === "application/pdf" || /\.pdf$/i.test(file.name);
  };
  var preview = function (file, done) {
    if (previews.has(file)) { done(previews.get(file)); return; }
    if (file.shown) { previews.set(file, file.shown); done(file.shown); return; }
    if (!isPdf(file)) {
      var shown = { image: URL.createObjectURL(file), pages: null };
      previews.set(file, shown);
      done(shown);
      return;
    }
    var data = new FormData();
    data.append("file", file, file.name);
    var typed = form.querySelector("[name=password]");
    if (typed && typed.value) { data.append("password", typed.value); }
    window.Sheaf.post(form.dataset.preview, data)
      .then(function (resp) {
        return resp.json().then(function (body) {
          /* Refused: protected (the password is asked for), or not a PDF Sheaf can
           * read, said now rather than after pressing the button. */
          return resp.ok ? body : { problem: body.error || "failed", message: body.message };
        });
      })
      .then(function (body) {
        previews.set(file, body);
        done(body);
        asks();
      })
      .catch(function () { /* Sheaf went away: the name is enough */ });
  };

  /* What the chosen files need before running: a password only for a protected one;
   * unlock a file that has nothing to unlock, merge fewer than two: said at once. */
  var LOCKED = ["password_required", "wrong_password"];
  var passwordBox = document.getElementById("password-field");
  var needs = document.getElementById("needs");
  var blocker = "";
  var asks = function () {
    var known = files.map(function (f) { return previews.get(f) || f.shown || null; });
    var locked = known.some(function (k) { return k && LOCKED.indexOf(k.problem) >= 0; });
    var pending = files.some(function (f) { return !previews.has(f) && !f.shown && isPdf(f); });
    if (passwordBox) {  /* shown while a file needs it, or once the person typed one */
      var typed = passwordBox.querySelector("input");
      passwordBox.classList.toggle("needed", locked || !!(typed && typed.value));
    }
    blocker = "";
    if (form.dataset.tool === "unlock" && files.length && !pending &&
        known.every(function (k) { return k && !k.problem && k.encrypted === false; })) {
      blocker = msg("nothingtounlock");
    }
    if (form.dataset.tool === "merge" && files.length === 1) { blocker = msg("mergeone"); }
    if (needs) { needs.textContent = blocker; needs.hidden = !blocker; }
  };

  var render = function () {
    list.textContent = "";
    files.forEach(function (file, i) {
      var li = document.createElement("li");
      li.className = "file-item";
      var thumb = document.createElement("img");
      thumb.className = "file-thumb";
      thumb.alt = "";
      thumb.hidden = true;
      li.appendChild(thumb);
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name + " (" + window.Sheaf.humanSize(file.size) + ")";
      li.appendChild(name);
      var count = document.createElement("span");
      count.className = "file-pages";
      li.appendChild(count);
      preview(file, function (shown) {
        if (shown.problem) {
          var locked = LOCKED.indexOf(shown.problem) >= 0;
          var note = document.createElement("span");
          note.className = locked ? "file-note" : "file-problem";
          note.textContent = locked ? msg("locked") : shown.message || msg("failed");
          name.appendChild(document.createElement("br"));
          name.appendChild(note);
          return;
        }
        thumb.src = shown.image;
        thumb.hidden = false;
        if (shown.pages) { count.textContent = msg(shown.pages === 1 ? "onepage" : "pages").replace("{n}", String(shown.pages)); }
      });
      var addButton = function (label, cls, handler) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "icon-button " + cls;
        b.setAttribute("aria-label", label + ": " + file.name);
        b.title = label;
        b.addEventListener("click", handler);
        li.appendChild(b);
      };
      if (multiple) {
        addButton(msg("up"), "up", function () { move(i, i - 1); });
        addButton(msg("down"), "down", function () { move(i, i + 1); });
      }
      addButton(msg("remove"), "remove", function () { unchoose(i); });
      list.appendChild(li);
    });
    var hint = document.getElementById("order-hint");
    if (hint) { hint.hidden = files.length < 2; }
    asks();
  };

  /* The files this tool works on are the workspace's selected ones that it takes
   * (workspace.js): chosen once, they stay for the next tool. Choosing here adds to the
   * workspace; a one-file tool then works on the new file only. Without storage (a
   * browser that refuses it) the page keeps its own list, as before. */
  var ws = window.Sheaf.workspace;
  var batch = form.dataset.batch === "true";
  var takes = function (doc) {
    var name = ws.current(doc).name;
    var image = /^image\//.test(doc.type) || /\.(jpe?g|png|tiff?|webp|gif)$/i.test(name);
    return form.dataset.accept === "images" ? image : !image;
  };
  var useWorkspace = !!ws;
  var changedFiles = function (before) {
    var now = files.map(function (f) { return f.workspaceId || f.name; }).join("|");
    if (now === before) { return; }
    if (form.dataset.result === "metadata") { readDetails(); }
    form.dispatchEvent(new CustomEvent("sheaf:files", { detail: files.slice() }));
  };
  var single = document.getElementById("one-at-a-time");
  var refresh = function () {
    if (!useWorkspace) { return Promise.resolve(); }
    return ws.list().then(function (docs) {
      var chosen = docs.filter(function (d) { return d.selected && takes(d); });
      if (single) {
        single.hidden = multiple || batch || chosen.length < 2;
        if (!single.hidden) { single.textContent = msg("oneatatime").replace("{name}", ws.current(chosen[0]).name); }
      }
      if (!multiple && !batch) { chosen = chosen.slice(0, 1); }
      /* Keep the order the person gave here (merge), new ones at the end. */
      var place = {};
      files.forEach(function (f, i) { place[f.workspaceId] = i; });
      chosen.sort(function (a, b) {
        var pa = a.id in place ? place[a.id] : 1e9 + a.order;
        var pb = b.id in place ? place[b.id] : 1e9 + b.order;
        return pa - pb;
      });
      return Promise.all(chosen.map(ws.file)).then(function (made) {
        var before = files.map(function (f) { return f.workspaceId || f.name; }).join("|");
        files = made;
        render();
        changedFiles(before);
      });
    }, function () { useWorkspace = false; });
  };
  window.Sheaf.replacesSelection = !multiple && !batch;  // strip.js: "Add files" here
  var chooseFiles = function (chosen) {
    ui.showError("");
    if (useWorkspace) {
      ws.choose(chosen, !multiple).then(function (out) {
        if (out.refused.length) { ui.showError(out.refused.map(function (f) { return f.name; }).join(", ") + ": " + msg("toobig")); }
      });
      return;  /* the workspace's change event refreshes the list */
    }
    var before = files.map(function (f) { return f.name; }).join("|");
    Array.prototype.forEach.call(chosen, function (file) {
      if (multiple) { files.push(file); } else { files = [file]; }
    });
    render();
    changedFiles(before);
  };
  var unchoose = function (i) {
    var gone = files[i];
    if (useWorkspace && gone.workspaceId) { ws.setSelected(gone.workspaceId, false); return; }
    files.splice(i, 1);
    render();
    form.dispatchEvent(new CustomEvent("sheaf:files", { detail: files.slice() }));
  };
  var input = ui.dropzone(chooseFiles);
  ui.openedFiles(chooseFiles);
  if (useWorkspace) {
    /* A result this page made is the file's new version in the workspace, but the page
     * keeps its input: running again with other options redoes the step
     * (result.js replaces that result); "Continue" takes the result onwards. */
    document.addEventListener("sheaf:workspace", function (e) {
      var why = e.detail && e.detail.reason;
      if (why !== "result" && why !== "describe") { refresh(); }
    });
    refresh();
  }

  if (multiple && window.Sortable) {
    window.Sortable.create(list, {
      animation: 150,
      onEnd: function (evt) {
        if (evt.oldIndex !== evt.newIndex) { move(evt.oldIndex, evt.newIndex); }
      },
    });
  }

  /* The details tool sends only what the person changed: a field not sent stays as it
   * is in the file, a field sent empty is cleared. The current details are read as
   * soon as a file is chosen and remembered here. */
  var DETAILS = ["title", "author", "subject", "keywords"];
  var current = null;

  /* Options that belong to one choice (split's "Pages per file" to "Every few pages")
   * are shown, and sent, only while that choice is made. */
  var showChosen = function () {
    Array.prototype.forEach.call(form.querySelectorAll("[data-shown-when]"), function (box) {
      var rule = box.getAttribute("data-shown-when").split("=");
      var chooser = document.getElementById("opt-" + rule[0]);
      var on = chooser && chooser.value === rule[1];
      box.hidden = !on;
      Array.prototype.forEach.call(box.querySelectorAll("input, select"), function (el) {
        el.disabled = !on;
      });
    });
  };
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
    select.addEventListener("change", showChosen);
  });
  showChosen();

  /* A checkbox that follows another option (redaction's "also remove hidden
   * information" is on while there are words to remove) until the person sets it. */
  Array.prototype.forEach.call(form.querySelectorAll("[data-checked-with]"), function (box) {
    var other = document.getElementById("opt-" + box.getAttribute("data-checked-with"));
    if (!other) { return; }
    var follow = function () {
      if (!box.dataset.set) { box.checked = other.value.trim() !== ""; }
    };
    box.addEventListener("change", function () { box.dataset.set = "yes"; });
    other.addEventListener("input", follow);
    follow();
  });

  var formData = function (all) {
    var data = new FormData(form);
    data.delete(field);
    files.forEach(function (file) { data.append(field, file, file.name); });
    /* Other scripts of the page (pagebox.js) add what they hold: boxes, a drawing. */
    if (!all) { (form.sheafExtras || []).forEach(function (add) { add(data); }); }
    if (form.dataset.result === "metadata" && !all) {
      DETAILS.forEach(function (key) {
        var value = data.get(key) || "";
        var before = current ? current[key] || "" : "";
        if (value === before) { data.delete(key); }
      });
    }
    return data;
  };

  form.sheafData = function () { return files.length ? formData() : null; };

  var ready = function () {
    if (files.length) { return true; }
    ui.showError(msg("nofiles"));
    input.focus();
    return false;
  };

  /* What the answer's headers say besides the file, in words. */
  var noteFor = function (xhr) {
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
    if (facts.where) { note += redactedElsewhere(facts); }
    return note.trim();
  };

  var results = window.Sheaf.results(form, ui);
  var one = function (file) {
    var saved = files;
    files = [file];
    var data = formData();
    files = saved;
    return data;
  };

  /* Many files, one tool: each in turn, each result its file's next version; an
   * error names its file and the others go on. */
  var batchMade = {};  // file id -> the result made here, replaced when run again
  var runAll = function () {
    var rows = [];
    var step = function (i) {
      if (i === files.length) { results.many(rows); return; }
      var file = files[i];
      var prefix = msg("fileof").replace("{n}", String(i + 1)).replace("{total}", String(files.length)) + " ";
      ui.send(form.dataset.endpoint, one(file), true, function (answer) {
        var name = ui.resultName(answer);
        rows.push({ file: file, blob: answer.blob, name: name, note: noteFor(answer) });
        var id = file.workspaceId;
        var kept = answer.blob.type === "application/pdf" && id
          ? ws.addResult(answer.blob, name, form.dataset.tool, { id: id }, null, batchMade[id])
            .then(function (out) { batchMade[id] = { id: id, key: ws.current(out.doc).key }; })
          : Promise.resolve();
        kept.then(function () { step(i + 1); });
      }, function (text, cancelled) {
        rows.push({ file: file, error: text });
        if (cancelled) { results.many(rows); return; }
        step(i + 1);
      }, { quiet: true, prefix: prefix });
    };
    results.clear();
    step(0);
  };

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!ready()) { return; }
    if (blocker) { ui.showError(blocker); return; }
    if (batch && files.length > 1) { runAll(); return; }
    var used = files.slice();
    ui.send(form.dataset.endpoint, formData(), true, function (answer) {
      results.one(answer, used, noteFor(answer));
    });
  });

  /* Redaction's report in words: the other parts of the file the words went from, and
   * whether hidden information went too (each part's name is a data-msg-place-*). */
  var redactedElsewhere = function (facts) {
    var names = [];
    facts.where.forEach(function (place) {
      var name = msg("place-" + place) || msg("place-other");
      if (msg("place-" + place) !== "-" && names.indexOf(name) < 0) { names.push(name); }
    });
    var note = names.length ? " " + msg("redactplaces").replace("{places}", names.join(", ")) : "";
    return facts.hidden ? note + " " + msg("redacthidden") : note;
  };

  var readButton = document.getElementById("read-button");
  var readDetails = function () {
    if (!readButton || !ready()) { return; }
    ui.send(readButton.dataset.endpoint, formData(true), false, function (xhr) {
      current = JSON.parse(xhr.responseText);
      DETAILS.forEach(function (key) {
        var el = document.getElementById("opt-" + key);
        if (el) { el.value = current[key] || ""; }
      });
    });
  };
  if (readButton) { readButton.addEventListener("click", readDetails); }

  /* Fill in a form: formfill.js, on that tool's page only. */
  if (window.Sheaf.formFill) { window.Sheaf.formFill(form, ui); }
})();
