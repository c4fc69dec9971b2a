/* The workspace strip on every page (templates/workspace/_strip.html): the files kept in
 * this browser with their first page, pages, size and steps; a checkbox chooses which
 * ones the tools work on. Files dropped anywhere on a Sheaf page join the workspace
 * (the browser never leaves Sheaf for them). The files live in Sheaf.workspace. */
(function () {
  "use strict";

  var ws = window.Sheaf && window.Sheaf.workspace;
  var box = document.getElementById("workspace");
  if (!ws || !box) { return; }
  var list = document.getElementById("workspace-list");
  var status = document.getElementById("workspace-status");
  var msg = function (name) { return box.getAttribute("data-msg-" + name) || ""; };
  var fill = window.Sheaf.format;
  var human = window.Sheaf.humanSize || function (n) { return n + " B"; };
  var say = function (text) { status.textContent = text; };
  var isPdf = function (doc) { return /pdf/.test(doc.type) || /\.pdf$/i.test(ws.current(doc).name); };
  var stepWord = function (step) { return box.getAttribute("data-step-" + step) || step; };
  var urls = [];
  window.Sheaf.describing = window.Sheaf.describing || {};  // result.js: pictures coming

  /* First page and page count of a version, asked of Sheaf once (a protected file
   * cannot be shown without its password: its name is enough). */
  var asked = {};
  var describe = function (doc) {
    var v = ws.current(doc);
    if (v.thumb || asked[v.key] || window.Sheaf.describing[v.key] || !isPdf(doc)) { return; }
    /* On a tool page the list of chosen files asks for the selected ones (chosen.js). */
    if (doc.selected && document.getElementById("file-list")) { return; }
    asked[v.key] = true;
    ws.file(doc).then(function (file) {
      var data = new FormData();
      data.append("file", file, file.name);
      return window.Sheaf.postJson(box.dataset.preview, data);
    }).then(function (answer) {
        if (answer.ok) { ws.describe(doc.id, v.key, { pages: answer.body.pages, thumb: answer.body.image }); }
      })
      .catch(function () { /* no picture: the name and size still show */ });
  };

  var button = function (label, named, cls, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "icon-button " + cls;
    b.textContent = label;
    b.setAttribute("aria-label", named);
    b.addEventListener("click", handler);
    return b;
  };

  var card = function (doc) {
    var v = ws.current(doc);
    var li = document.createElement("li");
    li.className = "workspace-item" + (doc.selected ? " selected" : "");
    li.dataset.id = doc.id;
    var pick = document.createElement("input");
    pick.type = "checkbox";
    pick.checked = doc.selected;
    pick.id = "ws-" + doc.id;
    pick.setAttribute("aria-label", fill(msg("use"), { name: v.name }));
    pick.addEventListener("change", function () { ws.setSelected(doc.id, pick.checked); });
    var label = document.createElement("label");
    label.htmlFor = pick.id;
    label.className = "workspace-label";
    var thumb = document.createElement("img");
    thumb.className = "workspace-thumb";
    thumb.alt = "";
    if (v.thumb) {
      thumb.src = v.thumb;
    } else if (!isPdf(doc)) {
      ws.file(doc).then(function (f) { var u = URL.createObjectURL(f); urls.push(u); thumb.src = u; });
    }
    var name = document.createElement("span");
    name.className = "workspace-name";
    name.textContent = v.name;
    var facts = document.createElement("span");
    facts.className = "workspace-facts";
    var pages = v.pages ? (v.pages === 1 ? msg("onepage") : fill(msg("pages"), { n: v.pages })) + " · " : "";
    facts.textContent = pages + human(v.size);
    label.appendChild(thumb);
    label.appendChild(name);
    label.appendChild(facts);
    var steps = ws.history(doc);
    if (steps.length) {
      var history = document.createElement("span");
      history.className = "workspace-history";
      history.textContent = msg("history") + " " + steps.map(stepWord).join(" → ");
      label.appendChild(history);
    }
    li.appendChild(pick);
    li.appendChild(label);
    var actions = document.createElement("span");
    actions.className = "workspace-actions";
    if (steps.length) {
      actions.appendChild(button(msg("undo"), fill(msg("undo-named"), { name: v.name }), "undo", function () {
        ws.undo(doc.id).then(function (after) {
          say(fill(msg("undone"), { name: after && after.versions ? ws.current(after).name : doc.name }));
        });
      }));
    }
    actions.appendChild(button(msg("download"), fill(msg("download-named"), { name: v.name }), "download", function () {
      ws.file(doc).then(function (f) { window.Sheaf.saveBlob(f, f.name); });
    }));
    actions.appendChild(button(msg("remove"), fill(msg("remove-named"), { name: v.name }), "remove", function () {
      ws.remove(doc.id);
    }));
    li.appendChild(actions);
    describe(doc);
    return li;
  };

  var render = function () {
    ws.list().then(function (docs) {
      urls.forEach(URL.revokeObjectURL);
      urls = [];
      list.textContent = "";
      docs.forEach(function (doc) { list.appendChild(card(doc)); });
      box.hidden = !docs.length;
      var chosen = docs.filter(function (d) { return d.selected; }).length;
      document.getElementById("workspace-count").textContent =
        fill(msg("selected"), { n: chosen, total: docs.length });
    });
  };
  document.addEventListener("sheaf:workspace", render);
  render();

  var tooBig = function (refused) {
    if (!refused.length) { return; }
    say(refused.map(function (f) {
      return fill(msg("toobig"), { name: f.name, limit: human(ws.maxBytes) });
    }).join(" "));
  };
  /* Adding from the strip or a drop outside a tool's own drop zone: the tool page (if
   * any) decides whether the new files replace the selection (tools.js sets it). */
  var add = function (files) {
    if (!files || !files.length) { return; }
    var replace = window.Sheaf.replacesSelection === true;
    ws.choose(files, replace).then(function (out) {
      if (out.docs.length) {
        say(fill(msg("added"), { names: out.docs.map(function (d) { return d.name; }).join(", ") }));
      }
      tooBig(out.refused);
    });
  };
  window.Sheaf.addToWorkspace = add;
  var input = document.getElementById("workspace-input");
  input.addEventListener("change", function () { add(input.files); input.value = ""; });

  document.getElementById("forget-all").addEventListener("click", function () {
    if (!window.confirm(msg("confirm"))) { return; }
    ws.forgetAll().then(function () { say(msg("forgotten")); });
  });

  /* Drop anywhere: a file dropped outside a drop zone still joins the workspace. */
  document.addEventListener("dragover", function (e) {
    if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  });
  document.addEventListener("drop", function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
    e.preventDefault();  // the browser would open the file instead of Sheaf
    if (e.sheafTaken) { return; }  // a tool's drop zone took it
    add(e.dataTransfer.files);
  });
})();
