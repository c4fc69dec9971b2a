/* What both tool scripts (tools.js, organizer.js) share: the drop zone, sending a
 * form with its progress, a busy state and Cancel (stream.js), reading Sheaf's JSON
 * errors, the result's name, and Save next to the original. Results are shown by
 * result.js. Exposed as Sheaf.tool. */
(function () {
  "use strict";

  var $ = window.Sheaf.$;

  var human = function (bytes) { return window.Sheaf.humanSize(bytes); };

  /* msgSource: the element carrying data-msg-* attributes in the person's language. */
  var create = function (msgSource) {
    var errorBox = $("form-error");
    var progress = $("progress");
    var bar = $("progress-bar");
    var progressText = $("progress-text");
    var result = $("result");
    var msg = function (name) { return msgSource.getAttribute("data-msg-" + name) || ""; };
    /* The name Sheaf gave the result (Content-Disposition), which says what happened. */
    var resultName = function (answer) {
      var header = answer.header("Content-Disposition") || "";
      var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
      var plain = /filename="?([^";]+)"?/i.exec(header);
      return star ? decodeURIComponent(star[1]) : (plain ? plain[1] : "sheaf-result");
    };

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

    var errorText = function (text) {
      try { return JSON.parse(text).message || msg("failed"); } catch (e) { return msg("failed"); }
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

    /* POST data to url in the progress form (stream.js): pages done of total, a time
     * estimate once it means something, and Cancel, which stops Sheaf's work. onDone
     * gets {status, header(name), blob, text} on 2xx; the error is shown otherwise.
     * onFailed (optional) runs after a refused, failed or cancelled request, once the
     * form's buttons are usable again (a page may want some of them off). */
    var cancelButton = $("cancel-button");
    var running = null;
    if (cancelButton) {
      cancelButton.addEventListener("click", function () { if (running) { running.abort(); } });
    }
    var seconds = function (s) {
      return s < 90 ? msg("seconds").replace("{n}", String(Math.max(1, Math.round(s))))
        : msg("minutes").replace("{n}", String(Math.round(s / 60)));
    };
    var send = function (url, data, asBlob, onDone, onFailed, options) {
      options = options || {};
      var buttons = msgSource.querySelectorAll("button[type=submit]");
      var controller = window.AbortController ? new AbortController() : null;
      var started = Date.now();
      var size = 0;
      data.forEach(function (value) { if (value && value.size) { size += value.size; } });
      var finish = function () {
        progress.hidden = true;
        running = null;
        msgSource.setAttribute("aria-busy", "false");
        buttons.forEach(function (b) { b.disabled = false; });
      };
      var onProgress = function (done, total) {
        if (!total) { return; }
        bar.max = total;
        bar.value = done;
        var text = (options.prefix || "") + msg("progress").replace("{done}", String(done)).replace("{total}", String(total));
        var elapsed = (Date.now() - started) / 1000;
        if (done >= 2 && done < total && elapsed > 3) {
          text += " · " + msg("left").replace("{time}", seconds(elapsed / done * (total - done)));
        }
        progressText.textContent = text;
      };
      showError("");
      result.hidden = true;
      progress.hidden = false;
      msgSource.setAttribute("aria-busy", "true");
      buttons.forEach(function (b) { b.disabled = true; });
      bar.removeAttribute("value");
      progressText.textContent = (options.prefix || "") +
        (size ? msg("sending").replace("{size}", human(size)) : msg("working"));
      running = controller;
      if (cancelButton) { cancelButton.hidden = !controller; }
      return window.Sheaf.request(url, data, {
        onProgress: onProgress, signal: controller && controller.signal, pictures: options.pictures,
      })
        .then(function (answer) {
          answer.response = answer.blob;  // what older callers read
          answer.getResponseHeader = answer.header;
          /* Text only for JSON and errors: a result file is never turned into a string. */
          if (asBlob && answer.ok) { return answer; }
          return answer.blob.text().then(function (text) {
            answer.text = text;
            answer.responseText = text;
            return answer;
          });
        })
        .then(function (answer) {
          finish();
          if (answer.ok) { onDone(answer); return; }
          if (!options.quiet) { showServerError(answer.text); }
          if (onFailed) { onFailed(errorText(answer.text), false); }
        }, function (err) {
          finish();
          var cancelled = err && err.name === "AbortError";
          var text = cancelled ? msg("cancelled") : msg("failed");
          if (!options.quiet) { showError(text); }
          if (onFailed) { onFailed(text, cancelled); }
        });
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
        e.sheafTaken = true;  // strip.js: not also added by the page-wide drop
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
    var offerSave = function (file, blob, name, where) {
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
      where = where || result;
      where.appendChild(document.createTextNode(" "));
      where.appendChild(button);
      where.appendChild(document.createTextNode(" "));
      where.appendChild(said);
    };

    return { msg: msg, showError: showError, send: send, dropzone: dropzone,
             openedFiles: openedFiles, offerSave: offerSave, resultName: resultName };
  };

  window.Sheaf = window.Sheaf || {};
  window.Sheaf.tool = create;
})();
