/* What both tool scripts (tools.js, organizer.js) share: the drop zone, sending a
 * form with an upload progress bar and a busy state, reading Sheaf's JSON errors,
 * and handing a result file to the person as a download. Exposed as Sheaf.tool. */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };

  var human = function (bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1048576) { return (bytes / 1024).toFixed(0) + " KB"; }
    return (bytes / 1048576).toFixed(1) + " MB";
  };

  /* msgSource: the element carrying data-msg-* attributes in the person's language. */
  var create = function (msgSource) {
    var errorBox = $("form-error");
    var progress = $("progress");
    var bar = $("progress-bar");
    var progressText = $("progress-text");
    var result = $("result");
    var lastUrl = null;
    var msg = function (name) { return msgSource.getAttribute("data-msg-" + name) || ""; };

    /* An error about one field is shown under it, names it as its label does, marks
     * it invalid and takes the focus there; other errors go to the form's box. */
    var clearFieldErrors = function () {
      Array.prototype.forEach.call(document.querySelectorAll(".field-error"), function (el) {
        var input = $(el.getAttribute("data-for"));
        if (input) {
          input.removeAttribute("aria-invalid");
          var ids = (input.getAttribute("aria-describedby") || "").split(" ");
          input.setAttribute("aria-describedby", ids.filter(function (id) {
            return id && id !== el.id;
          }).join(" "));
        }
        el.parentNode.removeChild(el);
      });
    };

    var showError = function (text) {
      clearFieldErrors();
      errorBox.textContent = text || "";
      errorBox.hidden = !text;
    };

    var showFieldError = function (field, text) {
      var input = $("opt-" + field);
      if (!input || input.type === "hidden") { return false; }
      var label = document.querySelector('label[for="opt-' + field + '"]');
      // The label's own words, without its "(required)" mark.
      var shown = label && label.firstChild ? label.firstChild.textContent.trim() : field;
      var note = document.createElement("p");
      note.className = "field-error";
      note.id = "error-" + field;
      note.setAttribute("data-for", input.id);
      note.textContent = text.split("“" + field + "”").join("“" + shown + "”");
      input.parentNode.insertBefore(note, input.nextSibling);
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").trim();
      input.setAttribute("aria-describedby", (note.id + " " + described).trim());
      input.focus();
      return true;
    };

    var showServerError = function (text) {
      var body = {};
      try { body = JSON.parse(text); } catch (e) { body = {}; }
      showError("");
      if (body.field && body.message && showFieldError(body.field, body.message)) { return; }
      if (body.error === "password_required" || body.error === "wrong_password") {
        if (showFieldError("password", body.message || msg("failed"))) { return; }
      }
      showError(body.message || msg("failed"));
    };

    /* POST data to url with progress; onDone(xhr) on 2xx, the error shown otherwise. */
    /* onFailed (optional) runs after a refused or failed request, once the form's
     * buttons are usable again (a page may want some of them off). */
    var send = function (url, data, asBlob, onDone, onFailed) {
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
        bar.removeAttribute("value");  // indeterminate while Sheaf works
        progressText.textContent = msg("working");
      });
      var buttons = msgSource.querySelectorAll("button[type=submit]");
      var finish = function () {
        progress.hidden = true;
        msgSource.setAttribute("aria-busy", "false");
        buttons.forEach(function (b) { b.disabled = false; });
      };
      xhr.addEventListener("load", function () {
        finish();
        if (xhr.status >= 200 && xhr.status < 300) {
          onDone(xhr);
        } else if (xhr.response instanceof Blob) {
          xhr.response.text().then(showServerError);
          if (onFailed) { onFailed(); }
        } else {
          showServerError(xhr.responseText);
          if (onFailed) { onFailed(); }
        }
      });
      xhr.addEventListener("error", function () {
        finish();
        showError(msg("failed"));
        if (onFailed) { onFailed(); }
      });
      showError("");
      result.hidden = true;
      progress.hidden = false;
      msgSource.setAttribute("aria-busy", "true");
      buttons.forEach(function (b) { b.disabled = true; });
      bar.value = 0;
      xhr.send(data);
    };

    /* Offer the response body as a download (and start it), with an optional note. */
    var deliver = function (xhr, note) {
      if (lastUrl) { URL.revokeObjectURL(lastUrl); }
      lastUrl = URL.createObjectURL(xhr.response);
      var header = xhr.getResponseHeader("Content-Disposition") || "";
      var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
      var plain = /filename="?([^";]+)"?/i.exec(header);
      var link = document.createElement("a");
      link.href = lastUrl;
      link.download = star ? decodeURIComponent(star[1]) : (plain ? plain[1] : "sheaf-result");
      link.id = "download-link";
      link.textContent = msg("download") + ": " + link.download;
      result.textContent = msg("done") + " " + (note ? note + " " : "");
      result.appendChild(link);
      result.hidden = false;
      link.click();
      result.tabIndex = -1;  // focus goes to what happened, not back to the top
      result.focus();
    };

    /* Files chosen with the picker or dropped on the zone go to onFiles(FileList). */
    var dropzone = function (onFiles) {
      var zone = $("dropzone");
      var input = $("file-input");
      input.addEventListener("change", function () {
        onFiles(input.files);
        input.value = "";
      });
      ["dragenter", "dragover"].forEach(function (type) {
        zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("dragging"); });
      });
      ["dragleave", "drop"].forEach(function (type) {
        zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("dragging"); });
      });
      zone.addEventListener("drop", function (e) {
        if (e.dataTransfer && e.dataTransfer.files.length) { onFiles(e.dataTransfer.files); }
      });
      return input;
    };

    /* Desktop: files opened with Sheaf come in by id (?opened=a,b), as if chosen. */
    var openedFiles = function (onFiles) {
      var prefix = document.body.dataset.opened;
      var ids = new URLSearchParams(window.location.search).get("opened");
      if (!prefix || !ids) { return; }
      Promise.all(ids.split(",").map(function (id) {
        return fetch(prefix + "/" + encodeURIComponent(id) + "/file", { credentials: "same-origin" })
          .then(function (resp) {
            if (!resp.ok) { return resp.json().then(function (body) { showError(body.message); return null; }); }
            var name = decodeURIComponent(resp.headers.get("X-Sheaf-Name") || "document.pdf");
            return resp.blob().then(function (blob) {
              var file = new File([blob], name, { type: blob.type });
              file.openedId = id;
              return file;
            });
          });
      })).then(function (files) {
        files = files.filter(Boolean);
        if (files.length) { onFiles(files); }
      });
    };

    /* Desktop, for a file opened with Sheaf: save the result beside the original. */
    var offerSave = function (file, blob, name) {
      var prefix = document.body.dataset.opened;
      if (!prefix || !file || !file.openedId) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary";
      button.id = "save-next";
      button.textContent = msg("savenext");
      var said = document.createElement("span");
      said.id = "saved-next";
      said.setAttribute("role", "status");
      button.addEventListener("click", function () {
        var data = new FormData();
        data.append("file", blob, name);
        data.append("name", name);
        window.Sheaf.post(prefix + "/" + encodeURIComponent(file.openedId) + "/save", data)
          .then(function (resp) { return resp.json().then(function (body) { return { ok: resp.ok, body: body }; }); })
          .then(function (answer) {
            said.textContent = answer.ok
              ? msg("savednext").replace("{name}", answer.body.name).replace("{folder}", answer.body.folder)
              : answer.body.message;
            if (answer.ok) { button.disabled = true; }
          });
      });
      result.appendChild(document.createTextNode(" "));
      result.appendChild(button);
      result.appendChild(document.createTextNode(" "));
      result.appendChild(said);
    };

    return { msg: msg, showError: showError, send: send, deliver: deliver, dropzone: dropzone,
             openedFiles: openedFiles, offerSave: offerSave };
  };

  window.Sheaf = window.Sheaf || {};
  window.Sheaf.tool = create;
  window.Sheaf.humanSize = human;
})();
