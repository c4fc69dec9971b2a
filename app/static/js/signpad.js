/* The Sign tool's drawing: a signature drawn with mouse, finger or pen (signature_pad),
 * sent as the signature picture when none was chosen. In desktop mode it can be kept
 * on this computer and forgotten again (app/views/signature.py). */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  var $ = function (id) { return document.getElementById(id); };
  if (!form || !window.SignaturePad || !$("pad")) { return; }
  var pad = new window.SignaturePad($("pad"), { penColor: "#142873", minWidth: 1.5, maxWidth: 4 });
  $("pad-clear").addEventListener("click", function () { pad.clear(); });
  /* Drawing space = shown size x pixel ratio, or strokes land away from the pen. */
  var fit = function () {
    var canvas = $("pad");
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
  };
  window.addEventListener("resize", fit);
  fit();
  var drawing = function () {
    if (pad.isEmpty()) { return null; }
    var url = pad.toDataURL("image/png");
    var bytes = atob(url.split(",")[1]);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { buffer[i] = bytes.charCodeAt(i); }
    return new Blob([buffer], { type: "image/png" });
  };
  /* Desktop: one signature may be kept on this computer, if the person asks. */
  var saved = $("sign-pad") && $("sign-pad").dataset.saved;
  var keep = function (method, body) {
    return fetch(saved, { method: method, body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": window.Sheaf.csrfToken } });
  };
  var remembered = function () {
    if (!saved) { return; }
    fetch(saved, { credentials: "same-origin" })
      .then(function (resp) { return resp.ok ? resp.blob() : null; })
      .then(function (blob) {
        if (!blob) { return; }
        var reader = new FileReader();
        reader.onload = function () {
          var canvas = $("pad");
          pad.fromDataURL(reader.result, { width: canvas.offsetWidth, height: canvas.offsetHeight });
          $("pad-remember").checked = true;
          $("pad-forget").hidden = false;
        };
        reader.readAsDataURL(blob);
      });
  };
  if (saved) {
    $("pad-forget").addEventListener("click", function () {
      keep("DELETE").then(function () {
        pad.clear();
        $("pad-remember").checked = false;
        $("pad-forget").hidden = true;
      });
    });
  }
  remembered();

  form.sheafExtras = form.sheafExtras || [];
  form.sheafExtras.push(function (data) {
    var picture = $("opt-image");
    var drawn = drawing();
    if (drawn && !(picture && picture.files.length)) { data.set("image", drawn, "signature.png"); }
    if (saved && drawn && $("pad-remember").checked) {
      keep("PUT", drawn).then(function () { $("pad-forget").hidden = false; });
    }
  });
})();
