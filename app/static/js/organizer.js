/* Sheaf's visual page organizer. The server keeps nothing between requests
 * (replicas can share the load), so the browser keeps the file: it asks once for
 * thumbnails, lets the person reorder, turn and delete pages, and sends the file
 * again with the new order and turns. Uploading and errors: upload.js. */
(function () {
  "use strict";

  var root = document.getElementById("organizer");
  if (!root) { return; }
  var ui = window.Sheaf.tool(root);
  var msg = ui.msg;
  var form = document.getElementById("organize-form");
  var grid = document.getElementById("page-grid");
  var toolbar = document.getElementById("toolbar");
  var runButton = document.getElementById("run-button");
  var password = document.getElementById("opt-password");
  var file = null;

  var withFile = function () {
    var data = new FormData();
    data.append("file", file, file.name);
    if (password.value) { data.append("password", password.value); }
    return data;
  };

  var label = function (li) { return msg("page").replace("{n}", li.dataset.page); };

  var rotateBy = function (li, by) {
    var extra = (parseInt(li.dataset.turn, 10) + by + 360) % 360;
    li.dataset.turn = String(extra);
    // The thumbnail already shows the page's own rotation; only the extra turn is ours.
    li.querySelector("img").className = "turn-" + extra;
  };

  var toggleDeleted = function (li) {
    var gone = li.classList.toggle("deleted");
    li.querySelector(".delete").textContent = gone ? msg("restore") : msg("delete");
    li.querySelector(".page-state").textContent = gone ? " (" + msg("delete") + ")" : "";
    status();
  };

  var setSelected = function (li, on) {
    li.classList.toggle("selected", on);
    li.querySelector(".page-select").setAttribute("aria-pressed", on ? "true" : "false");
  };
  var toggleSelected = function (li) {
    setSelected(li, !li.classList.contains("selected"));
    status();
  };

  /* "N pages, M selected" in the bar that stays in reach. */
  var status = function () {
    var pages = Array.prototype.filter.call(grid.children, function (li) {
      return !li.classList.contains("deleted");
    }).length;
    document.getElementById("doc-status").textContent = grid.children.length
      ? msg(pages === 1 ? "status-one" : "status").replace("{pages}", String(pages))
        .replace("{selected}", String(selected().length))
      : "";
  };

  /* Shift+click selects every page from the last one clicked. */
  var lastClicked = null;
  var clickPage = function (li, shift) {
    if (shift && lastClicked && lastClicked.parentNode === grid) {
      var items = Array.prototype.slice.call(grid.children);
      var a = items.indexOf(lastClicked);
      var b = items.indexOf(li);
      items.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (x) { setSelected(x, true); });
      status();
    } else {
      toggleSelected(li);
    }
    lastClicked = li;
  };

  var selected = function () {
    return Array.prototype.filter.call(grid.children, function (li) {
      return li.classList.contains("selected");
    });
  };

  /* One Tab stop for all the pages (roving tabindex): arrow keys move between them,
   * Space or Enter selects, Alt+arrows move a page, Delete deletes it. Each page is a
   * list item holding a toggle button (its picture and "Page N") and, beside it, its
   * own turn and delete buttons for the mouse; the toolbar does the same for keyboards. */
  var selects = function () {
    return Array.prototype.map.call(grid.children, function (li) {
      return li.querySelector(".page-select");
    });
  };
  var focusPage = function (button) {
    selects().forEach(function (b) { b.tabIndex = b === button ? 0 : -1; });
    button.focus();
  };

  var pageItem = function (page) {
    var li = document.createElement("li");
    li.className = "page";
    li.dataset.page = String(page.index + 1);
    li.dataset.turn = "0";
    var select = document.createElement("button");
    select.type = "button";
    select.className = "page-select";
    select.tabIndex = grid.children.length ? -1 : 0;
    select.setAttribute("aria-pressed", "false");
    var img = document.createElement("img");
    img.src = page.image;
    img.alt = "";
    img.className = "turn-0";
    select.appendChild(img);
    var caption = document.createElement("span");
    caption.className = "page-number";
    caption.textContent = label(li);
    select.appendChild(caption);
    var state = document.createElement("span");
    state.className = "page-state visually-hidden";
    select.appendChild(state);
    li.appendChild(select);
    var tools = document.createElement("span");
    tools.className = "page-tools";
    var button = function (text, cls, title, handler) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "icon-button " + cls;
      b.textContent = text;
      b.title = title;
      b.tabIndex = -1;
      b.setAttribute("aria-label", title + ": " + label(li));
      b.addEventListener("click", function (e) {
        e.stopPropagation();
        handler();
      });
      tools.appendChild(b);
    };
    button("⟲", "left", msg("left"), function () { rotateBy(li, -90); });
    button("⟳", "right", msg("right"), function () { rotateBy(li, 90); });
    button(msg("delete"), "delete", msg("delete"), function () { toggleDeleted(li); });
    li.appendChild(tools);
    select.addEventListener("click", function (e) {
      focusPage(select);
      clickPage(li, e.shiftKey);
    });
    select.addEventListener("keydown", function (e) {
      var back = e.key === "ArrowLeft" || e.key === "ArrowUp";
      var forward = e.key === "ArrowRight" || e.key === "ArrowDown";
      var near = back ? li.previousElementSibling : forward ? li.nextElementSibling : null;
      if (e.altKey && near) {
        e.preventDefault();
        if (back) { grid.insertBefore(li, near); } else { grid.insertBefore(near, li); }
        focusPage(select);
      } else if (near) {
        e.preventDefault();
        focusPage(near.querySelector(".page-select"));
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        var all = selects();
        focusPage(e.key === "Home" ? all[0] : all[all.length - 1]);
      } else if (e.key === "Delete") {
        toggleDeleted(li);
      }
    });
    return li;
  };

  /* The pages of the chosen file, as thumbnails: on choosing it, and again when its
   * password is typed (Enter, or leaving the field changed). */
  var loadPages = function () {
    if (!file) { ui.showError(msg("nofiles")); return; }
    grid.textContent = "";
    toolbar.hidden = true;
    runButton.disabled = true;
    var data = withFile();
    data.append("width", "160");
    ui.send(root.dataset.thumbnails, data, false, function (xhr) {
      JSON.parse(xhr.responseText).pages.forEach(function (page) {
        grid.appendChild(pageItem(page));
      });
      toolbar.hidden = false;
      runButton.disabled = false;
      status();
    }, function () { runButton.disabled = true; });  // no pages shown: nothing to download
  };

  var show = function (chosen) {
    file = chosen;
    document.getElementById("doc-name").textContent = file.name;
    loadPages();
  };
  /* The file comes from the workspace (workspace.js): the selected PDF when the page
   * opens, or the one chosen here, which joins the workspace. */
  var ws = window.Sheaf.workspace;
  var fromWorkspace = function () {
    return ws.list().then(function (docs) {
      var doc = docs.filter(function (d) { return d.selected && /pdf/.test(d.type || "application/pdf"); })[0];
      return doc ? ws.file(doc) : null;
    });
  };
  var choose = function (chosen) {
    if (!chosen.length) { return; }
    if (!ws) { show(chosen[0]); return; }
    ws.choose([chosen[0]], true).then(fromWorkspace).then(function (made) {
      show(made || chosen[0]);
    }, function () { show(chosen[0]); });
  };
  ui.dropzone(choose);
  ui.openedFiles(choose);
  window.Sheaf.replacesSelection = true;
  if (ws) {
    fromWorkspace().then(function (made) { if (made && !file) { show(made); } }, function () {});
  }
  var results = window.Sheaf.results(form, ui);
  password.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); loadPages(); }
  });
  password.addEventListener("change", function () {
    if (file && !grid.children.length) { loadPages(); }
  });

  if (window.Sortable) {
    window.Sortable.create(grid, { animation: 150, filter: ".icon-button", preventOnFilter: false });
  }

  document.getElementById("rotate-left").addEventListener("click", function () {
    selected().forEach(function (li) { rotateBy(li, -90); });
  });
  document.getElementById("rotate-right").addEventListener("click", function () {
    selected().forEach(function (li) { rotateBy(li, 90); });
  });
  document.getElementById("delete-selected").addEventListener("click", function () {
    selected().forEach(function (li) { toggleDeleted(li); setSelected(li, false); });
    status();
  });
  document.getElementById("select-none").addEventListener("click", function () {
    Array.prototype.forEach.call(grid.children, function (li) { setSelected(li, false); });
    status();
  });
  document.getElementById("select-all").addEventListener("click", function () {
    Array.prototype.forEach.call(grid.children, function (li) { setSelected(li, true); });
    status();
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!grid.children.length) { loadPages(); return; }  // no pages shown yet: show them
    var kept = Array.prototype.filter.call(grid.children, function (li) {
      return !li.classList.contains("deleted");
    });
    if (!kept.length) { ui.showError(msg("empty")); return; }
    var data = withFile();
    data.append("order", kept.map(function (li) { return li.dataset.page; }).join(","));
    data.append("rotations", kept.map(function (li) { return li.dataset.turn; }).join(","));
    ui.send(root.dataset.organize, data, true, function (answer) {
      results.one(answer, [file], "");
    }, null, { pictures: 4 });
  });
})();
