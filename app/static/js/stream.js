/* Asking for an operation's progress form (Accept: application/x-sheaf-progress, see the
 * API's OpenAPI document): JSON lines {"progress": {done, total}} while Sheaf works, then
 * {"result": {size, type, name, headers}} and exactly size bytes of the file, or
 * {"error": {status, error, message, field}}. Everything travels in one response, so
 * any server worker or replica can answer and none keeps state. Cancel = abort the
 * request: Sheaf stops at the next page. A server that answers plainly is read as is.
 *
 * Sheaf.request(url, formData, {onProgress, signal, pictures}) resolves to
 * {status, ok, header(name), blob, pictures} (blob: the file, or the error's JSON;
 * pictures: {pages, images} of a PDF result when asked for and given). */
(function () {
  "use strict";

  var FORM = "application/x-sheaf-progress";
  var NL = 10;

  var plain = function (resp) {
    return resp.blob().then(function (blob) {
      return {
        status: resp.status, ok: resp.ok, blob: blob,
        header: function (name) { return resp.headers.get(name); },
      };
    });
  };

  var concat = function (a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  };

  var streamed = function (resp, onProgress) {
    var reader = resp.body.getReader();
    var decoder = new TextDecoder();
    var pending = new Uint8Array(0);
    var result = null;
    var parts = [];
    var got = 0;
    var answer = null;

    var line = function (text) {
      var item = JSON.parse(text);
      if (item.progress && onProgress) { onProgress(item.progress.done || 0, item.progress.total || 0); }
      if (item.result) { result = item.result; }
      if (item.error) {
        var e = item.error;
        answer = {
          status: e.status || 500, ok: false,
          blob: new Blob([JSON.stringify(e)], { type: "application/json" }),
          header: function () { return null; },
        };
      }
    };
    /* Lines until the result's header, then its bytes as they come (no copy of the
     * whole file: the chunks become the Blob). */
    var take = function (chunk) {
      if (result) {
        var want = result.size - got;
        var piece = chunk.length > want ? chunk.subarray(0, want) : chunk;
        parts.push(piece);
        got += piece.length;
        return;
      }
      pending = pending.length ? concat(pending, chunk) : chunk;
      var at;
      while (!result && !answer && (at = pending.indexOf(NL)) >= 0) {
        line(decoder.decode(pending.subarray(0, at)));
        pending = pending.subarray(at + 1);
      }
      if (result && pending.length) {
        var rest = pending;
        pending = new Uint8Array(0);
        take(rest);
      }
    };
    var pump = function () {
      return reader.read().then(function (step) {
        if (!step.done) { take(step.value); }
        if (answer) { reader.cancel(); return answer; }
        if (step.done || (result && got >= result.size)) {
          if (!result || got < result.size) {
            return { status: 502, ok: false, blob: new Blob(["{}"]), header: function () { return null; }, cut: true };
          }
          var headers = result.headers || {};
          return {
            status: 200, ok: true, blob: new Blob(parts, { type: result.type }),
            pictures: result.pictures || null,  // asked with options.pictures
            header: function (name) {
              if (name.toLowerCase() === "content-type") { return result.type; }
              var found = Object.keys(headers).filter(function (k) { return k.toLowerCase() === name.toLowerCase(); })[0];
              return found ? headers[found] : null;
            },
          };
        }
        return pump();
      });
    };
    return pump();
  };

  window.Sheaf = window.Sheaf || {};
  window.Sheaf.request = function (url, data, options) {
    options = options || {};
    var headers = { "X-CSRF-Token": window.Sheaf.csrfToken, "Accept": FORM };
    /* A PDF result's first pages, pictured by Sheaf while it has the result at hand. */
    if (options.pictures) { headers["X-Sheaf-Pictures"] = String(options.pictures); }
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: headers,
      signal: options.signal,
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      return type.indexOf(FORM) === 0 ? streamed(resp, options.onProgress) : plain(resp);
    });
  };
})();
