/* Sheaf tool pages: the options, what is sent, and running the tool over one file or
 * many. One script for every tool; what differs is declared on the form's data
 * attributes. The chosen files are chosen.js (Sheaf.chosen), sending and errors
 * upload.js (Sheaf.tool), results result.js (Sheaf.results). */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  if (!form) { return; }
  var ui = window.Sheaf.tool(form);
  var msg = ui.msg;
  var field = form.dataset.field;
  var batch = form.dataset.batch === "true";
  var ws = window.Sheaf.workspace;
  var readDetails = function () {};  // the details tool's, below
  var chosen = window.Sheaf.chosen(form, ui, function (now) {
    if (form.dataset.result === "metadata") { readDetails(); }
    form.dispatchEvent(new CustomEvent("sheaf:files", { detail: now }));
  });
  var files = function () { return chosen.files(); };
  var input = chosen.input;

  /* The details tool sends only what the person changed: a field not sent stays as it
   * is in the file, a field sent empty is cleared. The current details are read as
   * soon as a file is chosen and remembered here. */
  /* The details are the text fields the page shows (from the operation's declaration). */
  var DETAILS = Array.prototype.map.call(
    form.querySelectorAll(".field-text[data-option]"), function (box) { return box.dataset.option; });
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

  /* all: the file and the fields as they stand (reading details), not what only a run
   * sends; only: one file of many (a tool run over each in turn). */
  var formData = function (all, only) {
    var data = new FormData(form);
    data.delete(field);
    (only ? [only] : files()).forEach(function (file) { data.append(field, file, file.name); });
    /* Other scripts of the page (pagebox.js) add what they hold: boxes, a drawing. */
    if (!all) { form.dispatchEvent(new CustomEvent("sheaf:send", { detail: { data: data } })); }
    if (form.dataset.result === "metadata" && !all) {
      DETAILS.forEach(function (key) {
        var value = data.get(key) || "";
        var before = current ? current[key] || "" : "";
        if (value === before) { data.delete(key); }
      });
    }
    return data;
  };

  /* The one way the page's other scripts (pagebox.js, signpad.js, formfill.js, topng.js)
   * take part: events on the form. "sheaf:files" (detail: the files) when they change;
   * "sheaf:send" (detail.data: the FormData a run sends) to add what they hold;
   * "sheaf:ask" (detail.data is filled in here) for what a run would send, to preview. */
  form.addEventListener("sheaf:ask", function (e) {
    e.detail.data = files().length ? formData() : null;
  });

  var ready = function () {
    if (files().length) { return true; }
    ui.showError(msg("nofiles"));
    input.focus();
    return false;
  };

  var results = window.Sheaf.results(form, ui);
  /* Many files, one tool: each in turn, each result its file's next version; an
   * error names its file and the others go on. */
  var batchMade = {};  // file id -> the result made here, replaced when run again
  var runAll = function () {
    var all = files().slice();
    var rows = [];
    var step = function (i) {
      if (i === all.length) { results.many(rows); return; }
      var file = all[i];
      var prefix = msg("fileof").replace("{n}", String(i + 1)).replace("{total}", String(all.length)) + " ";
      ui.send(form.dataset.endpoint, formData(false, file), true, function (answer) {
        var name = ui.resultName(answer);
        rows.push({ file: file, blob: answer.blob, name: name, note: window.Sheaf.noteFor(answer, msg) });
        var id = file.workspaceId;
        var kept = answer.blob.type === "application/pdf" && id
          ? ws.addResult(answer.blob, name, form.dataset.tool, { id: id }, null, batchMade[id])
            .then(function (out) {
              var key = ws.current(out.doc).key;
              batchMade[id] = { id: id, key: key };
              var shown = answer.pictures;  // its first page for Your files, given with it
              return shown ? ws.describe(id, key, { pages: shown.pages, thumb: shown.images[0] }) : null;
            })
          : Promise.resolve();
        kept.then(function () { step(i + 1); });
      }, function (text, cancelled) {
        rows.push({ file: file, error: text });
        if (cancelled) { results.many(rows); return; }
        step(i + 1);
      }, { quiet: true, prefix: prefix, pictures: 1 });
    };
    results.clear();
    step(0);
  };

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!ready()) { return; }
    if (chosen.blocker()) { ui.showError(chosen.blocker()); return; }
    if (batch && files().length > 1) { runAll(); return; }
    var used = files().slice();
    ui.send(form.dataset.endpoint, formData(), true, function (answer) {
      results.one(answer, used, window.Sheaf.noteFor(answer, msg));
    }, null, { pictures: 4 });
  });

  var readButton = document.getElementById("read-button");
  readDetails = function () {
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
