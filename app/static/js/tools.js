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
    if (!isPdf(file)) {
      var shown = { image: URL.createObjectURL(file), pages: null };
      previews.set(file, shown);
      done(shown);
      return;
    }
    var data = new FormData();
    data.append("file", file, file.name);
    window.Sheaf.post(form.dataset.preview, data)
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (body) {
        if (body) { previews.set(file, body); done(body); }
      })
      .catch(function () { /* a protected or odd file: the name is enough */ });
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
      addButton(msg("remove"), "remove", function () {
        files.splice(i, 1);
        render();
        form.dispatchEvent(new CustomEvent("sheaf:files", { detail: files.slice() }));
      });
      list.appendChild(li);
    });
    var hint = document.getElementById("order-hint");
    if (hint) { hint.hidden = files.length < 2; }
  };

  var chooseFiles = function (chosen) {
    ui.showError("");
    Array.prototype.forEach.call(chosen, function (file) {
      if (multiple) { files.push(file); } else { files = [file]; }
    });
    render();
    if (form.dataset.result === "metadata") { readDetails(); }
    form.dispatchEvent(new CustomEvent("sheaf:files", { detail: files.slice() }));
  };
  var input = ui.dropzone(chooseFiles);
  ui.openedFiles(chooseFiles);

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

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!ready()) { return; }
    ui.send(form.dataset.endpoint, formData(), true, function (xhr) {
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
      ui.deliver(xhr, note);
      var link = document.getElementById("download-link");
      if (files.length === 1) { ui.offerSave(files[0], xhr.response, link ? link.download : ""); }
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
