/* Sheaf tool pages: choose or drop files, order them, send them with a progress bar,
 * download the result, and show errors next to the form in the person's language.
 * One script for every tool; what differs is declared on the form's data attributes. */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  if (!form) { return; }
  var input = document.getElementById("file-input");
  var list = document.getElementById("file-list");
  var zone = document.getElementById("dropzone");
  var errorBox = document.getElementById("form-error");
  var progress = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var progressText = document.getElementById("progress-text");
  var result = document.getElementById("result");
  var runButton = document.getElementById("run-button");
  var multiple = form.dataset.multiple === "true";
  var field = form.dataset.field;
  var files = [];
  var lastUrl = null;

  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };

  var human = function (bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1048576) { return (bytes / 1024).toFixed(0) + " KB"; }
    return (bytes / 1048576).toFixed(1) + " MB";
  };

  var showError = function (text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  };

  var render = function () {
    list.textContent = "";
    files.forEach(function (file, i) {
      var li = document.createElement("li");
      li.className = "file-item";
      li.dataset.index = String(i);
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name + " (" + human(file.size) + ")";
      li.appendChild(name);
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
      });
      list.appendChild(li);
    });
    var hint = document.getElementById("order-hint");
    if (hint) { hint.hidden = files.length < 2; }
  };

  var move = function (from, to) {
    if (to < 0 || to >= files.length) { return; }
    var item = files.splice(from, 1)[0];
    files.splice(to, 0, item);
    render();
    var buttons = list.children[to] && list.children[to].querySelector(from > to ? ".up" : ".down");
    if (buttons) { buttons.focus(); }
  };

  var add = function (chosen) {
    showError("");
    Array.prototype.forEach.call(chosen, function (file) {
      if (multiple) { files.push(file); } else { files = [file]; }
    });
    render();
  };

  input.addEventListener("change", function () {
    add(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files) { add(e.dataTransfer.files); }
  });

  if (multiple && window.Sortable) {
    window.Sortable.create(list, {
      animation: 150,
      onEnd: function (evt) {
        if (evt.oldIndex === evt.newIndex) { return; }
        var item = files.splice(evt.oldIndex, 1)[0];
        files.splice(evt.newIndex, 0, item);
        render();
      },
    });
  }

  var fileName = function (xhr, fallback) {
    var header = xhr.getResponseHeader("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) { return decodeURIComponent(star[1]); }
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  };

  var busy = function (on) {
    runButton.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    progress.hidden = !on;
  };

  var showServerError = function (text) {
    try {
      var body = JSON.parse(text);
      showError(body.message || msg("failed"));
      if (body.error === "password_required" || body.error === "wrong_password") {
        var pw = document.getElementById("opt-password");
        if (pw) { pw.focus(); }
      }
    } catch (e) {
      showError(msg("failed"));
    }
  };

  var readError = function (xhr) {
    if (xhr.response instanceof Blob) {
      xhr.response.text().then(showServerError);
    } else {
      showServerError(xhr.responseText);
    }
  };

  var send = function (endpoint, onDone) {
    showError("");
    result.hidden = true;
    if (!files.length) {
      showError(msg("nofiles"));
      input.focus();
      return;
    }
    var data = new FormData(form);
    data.delete(field);
    files.forEach(function (file) { data.append(field, file, file.name); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", endpoint);
    xhr.setRequestHeader("X-CSRF-Token", window.Sheaf.csrfToken);
    xhr.responseType = endpoint === form.dataset.endpoint ? "blob" : "text";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        progressText.textContent = msg("uploading") + " " + bar.value + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  // indeterminate while Sheaf works
      progressText.textContent = msg("working");
    });
    xhr.addEventListener("load", function () {
      busy(false);
      if (xhr.status >= 200 && xhr.status < 300) {
        onDone(xhr);
      } else {
        readError(xhr);
      }
    });
    xhr.addEventListener("error", function () {
      busy(false);
      showError(msg("failed"));
    });
    busy(true);
    bar.value = 0;
    xhr.send(data);
  };

  var deliver = function (xhr) {
    var blob = xhr.response;
    if (lastUrl) { URL.revokeObjectURL(lastUrl); }
    lastUrl = URL.createObjectURL(blob);
    var name = fileName(xhr, "sheaf-result");
    var link = document.createElement("a");
    link.href = lastUrl;
    link.download = name;
    link.id = "download-link";
    link.textContent = msg("download") + ": " + name;
    result.textContent = msg("done") + " ";
    var before = xhr.getResponseHeader("X-Sheaf-Size-Before");
    var after = xhr.getResponseHeader("X-Sheaf-Size-After");
    if (before && after) {
      result.textContent += msg("saved").replace("{before}", human(+before))
        .replace("{after}", human(+after)) + " ";
    }
    result.appendChild(link);
    result.hidden = false;
    link.click();
  };

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    send(form.dataset.endpoint, deliver);
  });

  var readButton = document.getElementById("read-button");
  if (readButton) {
    readButton.addEventListener("click", function () {
      send(readButton.dataset.endpoint, function (xhr) {
        var body = JSON.parse(xhr.responseText);
        ["title", "author", "subject", "keywords"].forEach(function (key) {
          var el = document.getElementById("opt-" + key);
          if (el) { el.value = body[key] || ""; }
        });
      });
    });
  }
})();
