/* The files a tool page works on (tools.js): the workspace's selected files the tool
 * takes (workspace.js), listed with their first page and page count so people see they
 * chose the right ones, in an order they can change (merge), and what they need
 * before running: a password only for a protected one; unlock with nothing to unlock,
 * merge with one file, a file Sheaf cannot read: said at once. Choosing or dropping
 * here adds to the workspace; a one-file tool then works on the new file only.
 * Without storage (a browser that refuses it) the page keeps its own list.
 *
 * Sheaf.chosen(form, ui, onChange) -> {files(), blocker(), input}; onChange(files)
 * runs whenever the set of files changes. */
(function () {
  "use strict";

  window.Sheaf.chosen = function (form, ui, onChange) {
    var msg = ui.msg;
    var list = document.getElementById("file-list");
    var multiple = form.dataset.multiple === "true";
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
      /* The workspace keeps what this finds, so its strip need not ask too. */
      var describing = window.Sheaf.describing || {};
      if (file.versionKey) { describing[file.versionKey] = true; }
      var typed = form.querySelector("[name=password]");
      if (typed && typed.value) { data.append("password", typed.value); }
      window.Sheaf.postJson(form.dataset.preview, data)
        .then(function (answer) {
          /* Refused: protected (the password is asked for), or not a PDF Sheaf can
           * read, said now rather than after pressing the button. */
          var body = answer.body;
          return answer.ok ? body : { problem: body.error || "failed", message: body.message };
        })
        .then(function (body) {
          previews.set(file, body);
          if (file.versionKey && !body.problem && window.Sheaf.workspace) {
            window.Sheaf.workspace.describe(file.workspaceId, file.versionKey,
              { pages: body.pages, thumb: body.image });
          }
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
      if (now !== before) { onChange(files.slice()); }
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
    var chooseFiles = function (given) {
      var chosen = Array.prototype.slice.call(given);  // an input's list empties when reset
      ui.showError("");
      if (useWorkspace) {
        ws.choose(chosen, !multiple).then(function (out) {
          if (out.refused.length) { ui.showError(out.refused.map(function (f) { return f.name; }).join(", ") + ": " + msg("toobig")); }
        }, function () {  /* the browser refuses storage (a private window): keep them here */
          useWorkspace = false;
          chooseFiles(chosen);
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
      onChange(files.slice());
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

    return {
      files: function () { return files; },
      blocker: function () { return blocker; },
      input: input,
    };
  };
})();
