/* A page of the chosen file to work on, for the tools that need one (data-mode):
 *   place  - sign: the signature itself (signpad.js draws it), moved and resized by
 *            pointer, touch or keys; several places in one go
 *   box    - crop: drag the part to keep; the margin fields follow
 *   boxes  - redact: drag a box over each part to remove, on any page
 *   stamp  - page numbers, watermark: the first page with the stamp, before running
 * Boxes are kept as fractions of the page as shown, from its top-left corner: what
 * the API takes. tools.js sends the files; this script adds its part ("sheaf:send").
 * The drawn signature itself is signpad.js. */
(function () {
  "use strict";

  var box = document.getElementById("page-box");
  var form = document.getElementById("tool-form");
  if (!box || !form) { return; }
  var mode = box.dataset.mode;
  var stage = document.getElementById("page-stage");
  var image = document.getElementById("page-image");
  var label = document.getElementById("page-label");
  var $ = window.Sheaf.$;
  var field = function (name) { return $("opt-" + name); };
  var state = { file: null, page: 1, count: 0, boxes: [] };
  var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
  var round = function (v) { return Math.round(v * 1000) / 1000; };

  var withPassword = function (data) {
    var password = form.querySelector("[name=password]");
    if (password && password.value) { data.append("password", password.value); }
    return data;
  };

  var show = function (file, page) {
    var data = new FormData();
    data.append("file", file, file.name || "document.pdf");
    data.append("width", "800");
    data.append("page", String(page));
    return window.Sheaf.post(box.dataset.preview, withPassword(data))
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        state.count = body.pages;
        state.page = body.page;
        image.src = body.image;
        image.alt = file.name || "";
        if (label) {
          label.textContent = box.dataset.msgPage
            .replace("{n}", String(body.page)).replace("{count}", String(body.pages));
        }
        box.hidden = false;
        draw();
        /* Other scripts drawing on the page (redactmatches.js) follow its page. */
        box.dispatchEvent(new CustomEvent("sheaf:page", { detail: { page: body.page, count: body.pages } }));
      });
  };
  box.sheafShow = function (page) { return state.file ? show(state.file, page) : null; };

  /* -- boxes over the picture --------------------------------------------------------- */
  /* The signature (signpad.js) says its shape, height / width, and draws itself. */
  var signature = window.Sheaf.signature;
  var signAspect = function () { return signature ? signature.aspect() : 1 / 3; };
  var pageAspect = function () {
    return image.naturalWidth ? image.naturalHeight / image.naturalWidth : 1.414;
  };
  var signTall = function (b) { return b.width * signAspect() / pageAspect(); };
  /* A signature stays on the page whatever its shape becomes (a longer name is taller). */
  var onPage = function (b) {
    b.width = clamp(b.width, 0.03, Math.min(1, pageAspect() / Math.max(signAspect(), 1e-3)));
    b.x = clamp(b.x, 0, 1 - b.width);
    b.y = clamp(b.y, 0, Math.max(0, 1 - signTall(b)));
  };
  var draw = function () {
    var had = document.activeElement && document.activeElement.closest
      && document.activeElement.closest(".mark-place");
    var focused = had ? had.dataset.index : null;
    Array.prototype.forEach.call(stage.querySelectorAll(".mark"), function (el) { el.remove(); });
    state.boxes.forEach(function (b, i) {
      if (b.page !== state.page) { return; }
      var el = document.createElement("div");
      el.className = "mark mark-" + mode;
      if (mode === "place") { onPage(b); }
      el.style.left = b.x * 100 + "%";
      el.style.top = b.y * 100 + "%";
      el.style.width = b.width * 100 + "%";
      var tall = mode === "place" ? signTall(b) : b.height;
      el.style.height = tall * 100 + "%";
      el.dataset.index = String(i);
      if (mode === "place") {
        el.tabIndex = 0;
        el.setAttribute("role", "group");
        el.setAttribute("aria-label", box.dataset.msgPlaced);
        var grip = document.createElement("span");
        grip.className = "grip";
        el.appendChild(grip);
      }
      if (mode === "boxes" || (mode === "place" && i > 0)) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "mark-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", box.dataset.msgRemove);
        remove.addEventListener("click", function (e) {
          e.stopPropagation();
          state.boxes.splice(i, 1);
          draw();
        });
        el.appendChild(remove);
      }
      stage.appendChild(el);
      if (mode === "place") {
        if (signature) { signature.show(el); }
        if (focused === String(i)) { el.focus(); }
      }
    });
  };

  var at = function (e) {
    var r = image.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width, 0, 1), y: clamp((e.clientY - r.top) / r.height, 0, 1) };
  };

  /* The first signature mirrors the page/x/y/width fields, both ways. */
  var toFields = function () {
    if (mode === "place" && state.boxes.length) {
      var b = state.boxes[0];
      field("page").value = String(b.page);
      field("x").value = String(round(b.x));
      field("y").value = String(round(b.y));
      field("width").value = String(round(b.width));
    } else if (mode === "box" && state.boxes.length) {
      var c = state.boxes[0];
      field("mode").value = "margins";
      field("mode").dispatchEvent(new Event("change"));
      /* Rounded down: the margins never add up to more than what was drawn leaves. */
      var down = function (v) { return String(Math.floor(clamp(v, 0, 1) * 1000) / 1000); };
      field("left").value = down(c.x);
      field("top").value = down(c.y);
      field("right").value = down(1 - c.x - c.width);
      field("bottom").value = down(1 - c.y - c.height);
      field("pages").value = field("pages").value || "";
    }
  };
  var fromFields = function () {
    if (mode !== "place" || !state.boxes.length) { return; }
    var b = state.boxes[0];
    var read = function (name, fallback) {
      var v = parseFloat(field(name).value);
      return isNaN(v) ? fallback : v;
    };
    b.x = read("x", b.x);
    b.y = read("y", b.y);
    b.width = read("width", b.width);
    var page = parseInt(field("page").value, 10);
    if (page && page !== b.page && page <= state.count) {
      b.page = page;
      show(state.file, page);
    }
    draw();
  };
  ["x", "y", "width", "page"].forEach(function (name) {
    if (mode === "place" && field(name)) { field(name).addEventListener("change", fromFields); }
  });

  var drag = null;
  stage.addEventListener("pointerdown", function (e) {
    if (!state.file || e.button > 0 || e.target.classList.contains("mark-remove")) { return; }
    var p = at(e);
    var mark = e.target.closest(".mark");
    e.preventDefault();
    if (mark && mode === "place") {
      var b = state.boxes[+mark.dataset.index];
      drag = { box: b, resize: e.target.classList.contains("grip"), from: p, start: { x: b.x, y: b.y, width: b.width } };
    } else if (mode === "box" || mode === "boxes") {
      if (mode === "box") { state.boxes = []; }
      var fresh = { page: state.page, x: p.x, y: p.y, width: 0, height: 0 };
      state.boxes.push(fresh);
      drag = { box: fresh, draw: true, from: p };
    } else {
      return;
    }
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var p = at(e);
    var b = drag.box;
    if (drag.draw) {
      b.x = Math.min(p.x, drag.from.x);
      b.y = Math.min(p.y, drag.from.y);
      b.width = Math.abs(p.x - drag.from.x);
      b.height = Math.abs(p.y - drag.from.y);
    } else if (drag.resize) {
      b.width = clamp(drag.start.width + p.x - drag.from.x, 0.03, 1 - b.x);
      b.width = Math.min(b.width, (1 - b.y) * pageAspect() / Math.max(signAspect(), 1e-3));
    } else {
      b.x = clamp(drag.start.x + p.x - drag.from.x, 0, 1 - b.width);
      b.y = clamp(drag.start.y + p.y - drag.from.y, 0, Math.max(0, 1 - signTall(b)));
    }
    draw();
  });
  var finish = function () {
    if (!drag) { return; }
    var b = drag.box;
    if (drag.draw && (b.width < 0.005 || b.height < 0.005)) {
      state.boxes.splice(state.boxes.indexOf(b), 1); // a click, not a box
    } else if (drag.draw && mode === "box") {
      /* Crop keeps at least 2% of the page each way (app/pdf/crop.py MIN_KEPT): a box
       * drawn thinner grows to that, so whatever is drawn is what the server accepts. */
      b.width = Math.max(b.width, 0.02);
      b.height = Math.max(b.height, 0.02);
      b.x = clamp(b.x, 0, 1 - b.width);
      b.y = clamp(b.y, 0, 1 - b.height);
    }
    drag = null;
    toFields();
    draw();
  };
  stage.addEventListener("pointerup", finish);
  stage.addEventListener("pointercancel", finish);

  var turn = function (step) {
    var page = state.page + step;
    if (state.file && page >= 1 && page <= state.count) { show(state.file, page); }
  };
  if ($("page-prev")) { $("page-prev").addEventListener("click", function () { turn(-1); }); }
  if ($("page-next")) { $("page-next").addEventListener("click", function () { turn(1); }); }
  if ($("boxes-clear")) {
    $("boxes-clear").addEventListener("click", function () { state.boxes = []; draw(); });
  }
  if ($("place-add")) {
    $("place-add").addEventListener("click", function () {
      var last = state.boxes[state.boxes.length - 1] || { x: 0.55, y: 0.8, width: 0.3 };
      state.boxes.push({ page: state.page, x: clamp(last.x - 0.1, 0, 0.7), y: clamp(last.y - 0.1, 0, 0.9), width: last.width });
      draw();
    });
  }

  /* -- the signature: shown as it changes; moved and resized with the keyboard -------- */
  if (mode === "place") {
    form.addEventListener("sheaf:signature", function () { draw(); toFields(); });
    /* Arrow keys move it, Shift with the arrow keys resizes it (right and up: bigger). */
    stage.addEventListener("keydown", function (e) {
      var mark = e.target.closest && e.target.closest(".mark-place");
      var step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!mark || !step || e.target !== mark) { return; }
      e.preventDefault();
      var b = state.boxes[+mark.dataset.index];
      if (e.shiftKey) {
        b.width += 0.01 * (step[0] || -step[1]);
      } else {
        b.x += 0.01 * step[0];
        b.y += 0.01 * step[1];
      }
      draw();
      toFields();
    });
  }

  form.addEventListener("sheaf:send", function (e) {
    var data = e.detail.data;
    if (mode === "place") {
      if (state.boxes.length > 1) {
        data.set("placements", JSON.stringify(state.boxes.map(function (b) {
          return { page: b.page, x: round(b.x), y: round(b.y), width: round(b.width) };
        })));
      }
    } else if (mode === "boxes" && state.boxes.length) {
      data.set("areas", JSON.stringify(state.boxes.map(function (b) {
        return { page: b.page, x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) };
      })));
    }
  });

  /* -- a stamp shown before it is made ------------------------------------------------- */
  var timer = null;
  var stamp = function () {
    var asked = new CustomEvent("sheaf:ask", { detail: { data: null } });
    form.dispatchEvent(asked);  // tools.js answers with what a run would send
    var data = asked.detail.data;
    if (!data) { return; }
    data.delete("csrf_token");
    window.Sheaf.post(form.dataset.endpoint, data)
      .then(function (resp) { return resp.ok ? resp.blob() : null; })
      .then(function (made) { if (made) { show(made, 1); } });
  };
  /* A stamp preview runs the operation on the whole file: on a large one it waits for
   * an option to change (the page itself shows at once), and pressing the tool's
   * button cancels one still pending. */
  var LARGE = 8 * 1024 * 1024;
  if (mode === "stamp") {
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(stamp, 600); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(stamp, 300); });
    form.addEventListener("submit", function () { clearTimeout(timer); });
  }

  form.addEventListener("sheaf:files", function (e) {
    state.file = e.detail[0] || null;
    state.boxes = [];
    if (!state.file) { box.hidden = true; return; }
    /* The page's place is kept from now on, before its picture arrives, so nothing
     * below (the run button) moves under a pointer that is on its way to it. */
    box.hidden = false;
    if (!image.getAttribute("src")) { stage.classList.add("waiting"); }
    if (mode === "stamp" && state.file.size <= LARGE) { stamp(); return; }
    var first = 1;
    if (mode === "place") {
      var asked = parseInt(field("page").value, 10);
      first = asked || 0; // 0: the last page, known after the first answer
    }
    var begin = function () {
      if (mode === "place") {
        state.boxes = [{ page: state.page, x: parseFloat(field("x").value) || 0.55,
          y: parseFloat(field("y").value) || 0.8, width: parseFloat(field("width").value) || 0.3 }];
        toFields();
      }
      draw();
    };
    if (first) {
      show(state.file, first).then(begin);
    } else {
      show(state.file, 1).then(function () {
        return state.count > 1 ? show(state.file, state.count) : null;
      }).then(begin);
    }
  });
  image.addEventListener("load", function () { stage.classList.remove("waiting"); draw(); });
})();
