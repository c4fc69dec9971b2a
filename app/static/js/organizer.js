/* Sheaf's visual page organizer. The server keeps nothing between requests
 * (replicas can share the load), so the browser keeps the file: it asks once for
 * thumbnails, lets the person reorder, turn and delete pages, and sends the file
 * again with the new order and turns. */
(function () {
  "use strict";

  var root = document.getElementById("organizer");
  if (!root) { return; }
  var form = document.getElementById("organize-form");
  var input = document.getElementById("file-input");
  var zone = document.getElementById("dropzone");
  var grid = document.getElementById("page-grid");
  var toolbar = document.getElementById("toolbar");
  var errorBox = document.getElementById("form-error");
  var progress = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var progressText = document.getElementById("progress-text");
  var runButton = document.getElementById("run-button");
  var result = document.getElementById("result");
  var password = document.getElementById("opt-password");
  var file = null;
  var lastUrl = null;
  var msg = function (name) { return root.getAttribute("data-msg-" + name) || ""; };

  var showError = function (text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  };

  var post = function (url, data, asBlob, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRF-Token", window.Sheaf.csrfToken);
    xhr.responseType = asBlob ? "blob" : "text";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        progressText.textContent = msg("uploading") + " " + bar.value + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      progressText.textContent = msg("working");
    });
    xhr.addEventListener("load", function () {
      progress.hidden = true;
      form.setAttribute("aria-busy", "false");
      if (xhr.status >= 200 && xhr.status < 300) { done(xhr); return; }
      var show = function (text) {
        try { showError(JSON.parse(text).message); } catch (e) { showError(msg("failed")); }
        if (/password/.test(text)) { password.focus(); }
      };
      if (xhr.response instanceof Blob) { xhr.response.text().then(show); } else { show(xhr.responseText); }
    });
    xhr.addEventListener("error", function () {
      progress.hidden = true;
      showError(msg("failed"));
    });
    showError("");
    progress.hidden = false;
    form.setAttribute("aria-busy", "true");
    bar.value = 0;
    xhr.send(data);
  };

  var withFile = function () {
    var data = new FormData();
    data.append("file", file, file.name);
    if (password.value) { data.append("password", password.value); }
    return data;
  };

  var label = function (li) {
    return msg("page").replace("{n}", li.dataset.page);
  };

  var turn = function (li, by) {
    var extra = (parseInt(li.dataset.turn, 10) + by + 360) % 360;
    li.dataset.turn = String(extra);
    // The thumbnail already shows the page's own rotation; only the extra turn is ours.
    li.querySelector("img").className = "turn-" + extra;
  };

  var toggleDeleted = function (li) {
    var gone = li.classList.toggle("deleted");
    li.querySelector(".delete").textContent = gone ? msg("restore") : msg("delete");
    li.setAttribute("aria-label", label(li) + (gone ? " (" + msg("delete") + ")" : ""));
  };

  var selected = function () {
    return Array.prototype.filter.call(grid.children, function (li) {
      return li.classList.contains("selected");
    });
  };

  var toggleSelected = function (li) {
    var on = li.classList.toggle("selected");
    li.setAttribute("aria-pressed", on ? "true" : "false");
  };

  var pageItem = function (page) {
    var li = document.createElement("li");
    li.className = "page";
    li.tabIndex = 0;
    li.dataset.page = String(page.index + 1);
    li.dataset.rotation = String(page.rotation);
    li.dataset.turn = "0";
    li.setAttribute("role", "button");
    li.setAttribute("aria-pressed", "false");
    li.setAttribute("aria-label", msg("page").replace("{n}", page.index + 1));
    var img = document.createElement("img");
    img.src = page.image;
    img.alt = "";
    img.className = "turn-0";
    li.appendChild(img);
    var caption = document.createElement("span");
    caption.className = "page-number";
    caption.textContent = String(page.index + 1);
    li.appendChild(caption);
    var tools = document.createElement("span");
    tools.className = "page-tools";
    var button = function (text, cls, title, handler) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "icon-button " + cls;
      b.textContent = text;
      b.title = title;
      b.setAttribute("aria-label", title + ": " + label(li));
      b.addEventListener("click", function (e) {
        e.stopPropagation();
        handler();
      });
      tools.appendChild(b);
    };
    button("⟲", "left", msg("left"), function () { turn(li, -90); });
    button("⟳", "right", msg("right"), function () { turn(li, 90); });
    button(msg("delete"), "delete", msg("delete"), function () { toggleDeleted(li); });
    li.appendChild(tools);
    li.addEventListener("click", function () { toggleSelected(li); });
    li.addEventListener("keydown", function (e) {
      if (e.target !== li) { return; }
      if (e.key === " " || e.key === "Enter") {
        e.preventDefault();
        toggleSelected(li);
      } else if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowUp") && li.previousElementSibling) {
        e.preventDefault();
        grid.insertBefore(li, li.previousElementSibling);
        li.focus();
      } else if (e.altKey && (e.key === "ArrowRight" || e.key === "ArrowDown") && li.nextElementSibling) {
        e.preventDefault();
        grid.insertBefore(li.nextElementSibling, li);
        li.focus();
      } else if (e.key === "Delete") {
        toggleDeleted(li);
      }
    });
    return li;
  };

  var load = function (chosen) {
    if (!chosen) { return; }
    file = chosen;
    grid.textContent = "";
    result.hidden = true;
    runButton.disabled = true;
    progressText.textContent = msg("loading");
    var data = withFile();
    data.append("width", "160");
    post(root.dataset.thumbnails, data, false, function (xhr) {
      var body = JSON.parse(xhr.responseText);
      body.pages.forEach(function (page) { grid.appendChild(pageItem(page)); });
      toolbar.hidden = false;
      runButton.disabled = false;
    });
  };

  input.addEventListener("change", function () {
    load(input.files[0]);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { load(e.dataTransfer.files[0]); }
  });

  if (window.Sortable) {
    window.Sortable.create(grid, { animation: 150, filter: ".icon-button", preventOnFilter: false });
  }

  document.getElementById("rotate-left").addEventListener("click", function () {
    selected().forEach(function (li) { turn(li, -90); });
  });
  document.getElementById("rotate-right").addEventListener("click", function () {
    selected().forEach(function (li) { turn(li, 90); });
  });
  document.getElementById("delete-selected").addEventListener("click", function () {
    selected().forEach(function (li) { toggleDeleted(li); toggleSelected(li); });
  });
  document.getElementById("select-none").addEventListener("click", function () {
    selected().forEach(toggleSelected);
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var kept = Array.prototype.filter.call(grid.children, function (li) {
      return !li.classList.contains("deleted");
    });
    if (!kept.length) { showError(msg("empty")); return; }
    var data = withFile();
    data.append("order", kept.map(function (li) { return li.dataset.page; }).join(","));
    data.append("rotations", kept.map(function (li) { return li.dataset.turn; }).join(","));
    runButton.disabled = true;
    post(root.dataset.organize, data, true, function (xhr) {
      runButton.disabled = false;
      if (lastUrl) { URL.revokeObjectURL(lastUrl); }
      lastUrl = URL.createObjectURL(xhr.response);
      var header = xhr.getResponseHeader("Content-Disposition") || "";
      var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
      var link = document.createElement("a");
      link.href = lastUrl;
      link.download = star ? decodeURIComponent(star[1]) : "organized.pdf";
      link.id = "download-link";
      link.textContent = msg("download") + ": " + link.download;
      result.textContent = msg("done") + " ";
      result.appendChild(link);
      result.hidden = false;
      link.click();
    });
  });
})();
