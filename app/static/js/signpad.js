/* The Sign tool's pad, in three ways: draw (signature_pad, mouse, finger or pen), type
 * a name in a handwriting font, or choose a picture. The way shown is what is sent. It
 * also tells the page preview (pagebox.js, through Sheaf.signature and the
 * "sheaf:signature" event) what the signature looks like, so it shows in its place
 * before anything is sent. In desktop mode a drawing can be kept on this computer and
 * forgotten again (app/views/signature.py). */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  var $ = window.Sheaf.$;
  if (!form || !window.SignaturePad || !$("pad")) { return; }
  var padBox = $("sign-pad");
  var canvas = $("pad");
  var text = $("opt-text");
  var picture = $("opt-image");
  var INK = "#142873"; // the server's pen (app/pdf/sign.py INK)
  var LINE = 1.25; // a typed name's box is this many times its size tall (app/pdf/sign.py)
  var pad = new window.SignaturePad(canvas, { penColor: INK, minWidth: 1.5, maxWidth: 4 });
  var way = "draw";
  var chosen = null; // the chosen picture, loaded
  var files = 0;

  var ink = null; // the drawing cut to its strokes (a canvas), made when first asked
  var changed = function () {
    ink = null;
    showEmpty("");
    form.dispatchEvent(new CustomEvent("sheaf:signature"));
  };
  pad.addEventListener("endStroke", changed);
  $("pad-clear").addEventListener("click", function () { pad.clear(); changed(); });

  /* Drawing space = shown size x pixel ratio, or strokes land away from the pen. */
  var fit = function () {
    if (!canvas.offsetWidth) { return; } // its panel is hidden: fitted when shown
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
    ink = null;
  };
  window.addEventListener("resize", fit);
  fit();

  /* -- the three ways, as tabs (arrow keys move between them) ------------------------- */
  var tabs = Array.prototype.slice.call(padBox.querySelectorAll("[role=tab]"));
  var choose = function (tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    way = tab.dataset.way;
    if (way === "draw") { fit(); }
    if (focus) { tab.focus(); }
    changed();
  };
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { choose(tab, false); });
    tab.addEventListener("keydown", function (e) {
      var step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (e.key === "Home") { step = -i; } else if (e.key === "End") { step = tabs.length - 1 - i; }
      if (step === undefined) { return; }
      e.preventDefault();
      choose(tabs[(i + step + tabs.length) % tabs.length], true);
    });
  });

  /* -- a typed name: its font, as the server writes it -------------------------------- */
  var fontOf = function () {
    var checked = form.querySelector("input[name=font]:checked");
    var sample = checked && checked.parentNode.querySelector(".font-sample");
    return sample ? window.getComputedStyle(sample).fontFamily : "cursive";
  };
  var typed = function () { return text.value.trim(); };
  var measure = function (ctx) {
    ctx.font = "100px " + fontOf();
    /* The PDF has no kerning or ligatures: neither has the measure nor the drawing. */
    if ("fontKerning" in ctx) { ctx.fontKerning = "none"; }
    if ("textRendering" in ctx) { ctx.textRendering = "optimizeSpeed"; }
    return Math.max(ctx.measureText(typed()).width / 100, 1e-3); // width at size 1
  };
  var whenFont = function () {
    if (!document.fonts || !typed()) { return; }
    document.fonts.load("100px " + fontOf(), typed()).then(changed, changed);
  };
  text.addEventListener("input", function () { changed(); whenFont(); });
  Array.prototype.forEach.call(form.querySelectorAll("input[name=font]"), function (radio) {
    radio.addEventListener("change", function () { changed(); whenFont(); });
  });
  /* Each choice shows the name typed, in its own handwriting. */
  text.addEventListener("input", function () {
    Array.prototype.forEach.call(form.querySelectorAll(".font-sample"), function (el) {
      el.textContent = typed() || el.dataset.sample;
    });
  });

  /* -- a chosen picture ---------------------------------------------------------------- */
  picture.addEventListener("change", function () {
    chosen = null;
    var file = picture.files[0];
    if (!file) { changed(); return; }
    var probe = new Image();
    probe.onload = function () { chosen = probe; changed(); };
    probe.onerror = changed;
    probe.src = URL.createObjectURL(file);
  });

  /* The drawing without the empty pad around it, so its box on the page is the
   * signature itself: what is shown there and what is sent. */
  var strokes = function () {
    if (ink || pad.isEmpty()) { return ink; }
    var w = canvas.width, h = canvas.height;
    var alpha = canvas.getContext("2d").getImageData(0, 0, w, h).data;
    var x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        if (alpha[(y * w + x) * 4 + 3]) {
          if (x < x0) { x0 = x; } if (x > x1) { x1 = x; }
          if (y < y0) { y0 = y; } if (y > y1) { y1 = y; }
        }
      }
    }
    if (x1 < 0) { return null; }
    var edge = Math.round(4 * Math.max(window.devicePixelRatio || 1, 1));
    x0 = Math.max(0, x0 - edge); y0 = Math.max(0, y0 - edge);
    x1 = Math.min(w - 1, x1 + edge); y1 = Math.min(h - 1, y1 + edge);
    ink = document.createElement("canvas");
    ink.width = x1 - x0 + 1;
    ink.height = y1 - y0 + 1;
    ink.getContext("2d").drawImage(canvas, x0, y0, ink.width, ink.height, 0, 0, ink.width, ink.height);
    return ink;
  };

  /* -- what the page preview asks ------------------------------------------------------ */
  var empty = function () {
    if (way === "type") { return !typed(); }
    if (way === "picture") { return !(picture.files && picture.files.length); }
    return pad.isEmpty();
  };
  window.Sheaf.signature = {
    empty: empty,
    /* Height / width of the signature: what the server gives its box. */
    aspect: function () {
      if (way === "type" && typed()) { return LINE / measure(document.createElement("canvas").getContext("2d")); }
      if (way === "picture" && chosen) { return chosen.naturalHeight / Math.max(1, chosen.naturalWidth); }
      if (way === "draw" && strokes()) { return ink.height / Math.max(1, ink.width); }
      return 1 / 3;
    },
    /* Show the signature in its box on the page (el, already in place and sized). */
    show: function (el) {
      var shown = document.createElement("canvas");
      shown.className = "sign-shown";
      el.appendChild(shown);
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      shown.width = Math.max(1, Math.round(el.clientWidth * ratio));
      shown.height = Math.max(1, Math.round(el.clientHeight * ratio));
      window.Sheaf.signature.paint(shown);
      el.classList.toggle("empty", empty());
    },
    /* Draw the signature over the whole of target (a canvas sized to its box). */
    paint: function (target) {
      var ctx = target.getContext("2d");
      ctx.clearRect(0, 0, target.width, target.height);
      if (empty()) { return; }
      if (way === "draw") { ctx.drawImage(strokes(), 0, 0, target.width, target.height); return; }
      if (way === "picture") {
        if (chosen) { ctx.drawImage(chosen, 0, 0, target.width, target.height); }
        return;
      }
      var size = target.width / measure(ctx);
      ctx.font = size + "px " + fontOf();
      ctx.fillStyle = INK;
      ctx.textBaseline = "alphabetic";
      ctx.fillText(typed(), 0, size); // the baseline one size below the top, as in the PDF
    },
  };

  /* -- "nothing to sign with": said next to the pad, before anything is sent ---------- */
  var error = $("pad-error");
  var showEmpty = function (words) {
    error.textContent = words;
    error.hidden = !words;
  };
  form.addEventListener("sheaf:files", function (e) { files = e.detail.length; });
  /* Before tools.js sends (capture on the document runs first); with no file chosen
   * tools.js asks for one first. */
  document.addEventListener("submit", function (e) {
    if (e.target !== form || !files || !empty()) { return; }
    e.preventDefault();
    e.stopPropagation();
    showEmpty(padBox.dataset.msgEmpty);
    ({ draw: canvas, type: text, picture: picture })[way].focus();
  }, true);

  var png = function (source) {
    var url = source.toDataURL("image/png");
    var bytes = atob(url.split(",")[1]);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { buffer[i] = bytes.charCodeAt(i); }
    return new Blob([buffer], { type: "image/png" });
  };
  var drawing = function () { return pad.isEmpty() ? null : png(canvas); }; // to remember

  /* A refusal about one of the numbers (a page that does not exist) is shown under it,
   * inside "More options": open them, so it is seen and the focus can go there. */
  var more = $("more-options");
  if (more && window.MutationObserver) {
    new window.MutationObserver(function () {
      var bad = more.querySelector("[aria-invalid=true]");
      if (bad && !more.open) { more.open = true; bad.focus(); }
    }).observe(more, { subtree: true, attributes: true, attributeFilter: ["aria-invalid"] });
  }

  /* Desktop: one signature may be kept on this computer, if the person asks. */
  var saved = padBox.dataset.saved;
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
          pad.fromDataURL(reader.result, { width: canvas.offsetWidth, height: canvas.offsetHeight })
            .then(changed);
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
        changed();
        $("pad-remember").checked = false;
        $("pad-forget").hidden = true;
      });
    });
  }
  remembered();

  form.addEventListener("sheaf:send", function (e) {
    var data = e.detail.data;
    if (way !== "type") { data.delete("text"); }
    if (way !== "picture") { data.delete("image"); }
    if (way !== "draw") { return; }
    var drawn = drawing();
    if (drawn) { data.set("image", png(strokes()), "signature.png"); }
    if (saved && drawn && $("pad-remember").checked) {
      keep("PUT", drawn).then(function () { $("pad-forget").hidden = false; });
    }
  });
})();
