/* PDF to images: before running, say roughly how big the pictures will be, so nobody
 * starts 65 MB of PNGs by surprise. Pixels come from the page count and the DPI for a
 * letter-sized page; bytes per pixel are what text pages typically take (PNG ~0.07,
 * JPEG ~0.05), so the figure is an order of magnitude, and is said to be one. */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  var note = document.getElementById("size-estimate");
  if (!form || !note) { return; }
  var field = function (name) { return document.getElementById("opt-" + name); };
  var pages = 0;
  var PER_PIXEL = { png: 0.07, jpeg: 0.05 };

  var say = function () {
    var dpi = parseFloat(field("dpi").value) || 0;
    if (!pages || !dpi) { note.hidden = true; return; }
    var pixels = 8.5 * dpi * 11 * dpi;
    var bytes = Math.round(pages * pixels * (PER_PIXEL[field("format").value] || 0.07));
    var words = field("pages").value.trim() ? note.dataset.msgUpto : note.dataset.msgAbout;
    note.textContent = words.replace("{size}", window.Sheaf.humanSize(bytes))
      .replace("{n}", String(pages));
    note.hidden = false;
  };

  form.addEventListener("sheaf:files", function (e) {
    var file = e.detail[0];
    pages = 0;
    say();
    if (!file) { return; }
    var data = new FormData();
    data.append("file", file, file.name || "document.pdf");
    data.append("width", "40");
    var password = form.querySelector("[name=password]");
    if (password && password.value) { data.append("password", password.value); }
    window.Sheaf.post(form.dataset.preview, data)
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (body) { if (body && e.detail[0] === file) { pages = body.pages || 0; say(); } });
  });
  ["dpi", "format", "pages"].forEach(function (name) {
    field(name).addEventListener("input", say);
    field(name).addEventListener("change", say);
  });
})();
