/* Fill in a form: the document's fields, listed as a real form with the words the page
 * prints for them (the server's "label"), their current values, and a picture of each
 * page with the fields outlined on it; clicking an outline takes the person to that
 * field in the list. Only the answers that changed are sent (as "values").
 * tools.js sends the files and calls Sheaf.formFill(form, ui) once (ui: Sheaf.tool). */
(function () {
  "use strict";

  var MAX_PAGES = 12;  /* pictures of the first pages with fields; the list has them all */
  var PICTURE_WIDTH = 900;

  window.Sheaf = window.Sheaf || {};
  window.Sheaf.formFill = function (form, ui) {
    var fieldsBox = document.getElementById("form-fields");
    var pagesBox = document.getElementById("form-pages");
    if (!fieldsBox) { return; }
    var holder = document.getElementById("formfill") || fieldsBox;
    var say = function (name) { return holder.getAttribute("data-msg-" + name) || ""; };
    var reading = 0;  /* answers to an older choice of file are dropped */

    var make = function (tag, cls, text) {
      var el = document.createElement(tag);
      if (cls) { el.className = cls; }
      if (text !== undefined) { el.textContent = text; }
      return el;
    };
    var words = function (f) { return f.label || f.name; };
    var choicesOf = function (f) {
      return f.choices && f.choices.length ? f.choices
        : (f.options || []).map(function (value) { return { value: value, label: value }; });
    };
    var labelWith = function (label, f) {
      label.textContent = words(f);
      if (f.required) {
        label.appendChild(document.createTextNode(" "));
        label.appendChild(make("span", "required-mark", "(" + say("required") + ")"));
      }
      return label;
    };

    var control = function (f, i) {
      var box = make("div", "field ff-field");
      box.id = "ff-field-" + i;
      var id = "ff-" + i;
      var label = labelWith(make("label"), f);
      label.htmlFor = id;
      var el;
      if (f.type === "checkbox") {
        /* The box, then its words, on one line, as on paper. */
        box.className += " ff-check";
        el = make("input");
        el.type = "checkbox";
        el.checked = !!f.value;
        box.appendChild(el);
        box.appendChild(label);
      } else if (f.type === "radio") {
        /* A radio group is a group of radio buttons, the value held on the fieldset. */
        el = make("fieldset", "ff-radios");
        el.appendChild(labelWith(make("legend"), f));
        el.value = f.value || "";
        choicesOf(f).forEach(function (choice, n) {
          var line = make("label", "ff-choice");
          var radio = make("input");
          radio.type = "radio";
          radio.name = "ff-radio-" + i;
          radio.id = id + "-" + n;
          radio.value = choice.value;
          radio.checked = choice.value === f.value;
          radio.disabled = f.read_only;
          radio.addEventListener("change", function () { el.value = choice.value; });
          line.appendChild(radio);
          line.appendChild(document.createTextNode(choice.label || choice.value));
          el.appendChild(line);
        });
        box.appendChild(el);
      } else if (f.type === "choice") {
        el = make("select");
        [""].concat(f.options).forEach(function (value) {
          var o = make("option", "", value);
          o.value = value;
          o.selected = value === (f.value || "");
          el.appendChild(o);
        });
        box.appendChild(label);
        box.appendChild(el);
      } else {
        el = make("input");
        el.type = "text";
        el.value = f.value || "";
        box.appendChild(label);
        box.appendChild(el);
      }
      el.id = id;
      el.dataset.name = f.name;
      el.dataset.kind = f.type;
      el.dataset.before = JSON.stringify(f.type === "checkbox" ? !!f.value : f.value || "");
      el.disabled = f.read_only || f.type === "signature";
      box.addEventListener("focusin", function () { highlight(i); reveal(i); });
      box.addEventListener("input", function () { paint(i); });
      box.addEventListener("change", function () { paint(i); });
      return box;
    };

    /* One field shown as the one being filled: in the list and on the pictures. */
    var highlight = function (i) {
      Array.prototype.forEach.call(holder.querySelectorAll(".ff-active"), function (el) {
        el.classList.remove("ff-active");
      });
      Array.prototype.forEach.call(holder.querySelectorAll('[data-field="' + i + '"]'), function (el) {
        el.classList.add("ff-active");
      });
      var box = document.getElementById("ff-field-" + i);
      if (box) { box.classList.add("ff-active"); }
    };
    /* Beside the list (wide screens), the pictures scroll by themselves to the field
     * being filled; on a phone they are above the list and stay where they are. */
    var reveal = function (i) {
      if (!pagesBox || pagesBox.hidden || getComputedStyle(pagesBox).position !== "sticky") { return; }
      var mark = pagesBox.querySelector('[data-field="' + i + '"]');
      if (!mark) { return; }
      var view = pagesBox.getBoundingClientRect();
      var at = mark.getBoundingClientRect();
      if (at.top < view.top || at.bottom > view.bottom) {
        pagesBox.scrollTop += at.top - view.top - view.height / 3;
      }
    };
    var goTo = function (i, value) {
      var box = document.getElementById("ff-field-" + i);
      if (!box) { return; }
      var target = box.querySelector("input, select");
      if (value !== null && value !== undefined) {
        Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (r) {
          if (r.value === value) { target = r; }
        });
      }
      highlight(i);
      box.scrollIntoView({ block: "nearest" });
      if (target) { target.focus({ preventScroll: true }); }
    };

    /* -- pictures of the pages, the fields outlined on them ----------------------- */
    var withFile = function (file) {
      var data = new FormData(form);
      data.delete(form.dataset.field);
      data.delete("values");
      data.append(form.dataset.field, file, file.name || "form.pdf");
      return data;
    };
    var outline = function (f, i, widget) {
      var b = make("button", "ff-outline ff-outline-" + f.type);
      b.type = "button";
      b.tabIndex = -1;  /* the list is the keyboard's way; this is for the pointer */
      var choice = choicesOf(f).filter(function (c) { return c.value === widget.value; })[0];
      var name = words(f) + (choice && f.type === "radio" ? ": " + choice.label : "");
      b.title = name;
      b.setAttribute("aria-label", name);
      b.dataset.field = String(i);
      var box = widget.box;
      b.style.left = (box[0] * 100) + "%";
      b.style.top = (box[1] * 100) + "%";
      b.style.width = Math.max(0.5, (box[2] - box[0]) * 100) + "%";
      b.style.height = Math.max(0.5, (box[3] - box[1]) * 100) + "%";
      b.addEventListener("click", function () { goTo(i, widget.value); });
      return b;
    };
    /* Under each outline, the answer as it will show (a picture, not a second name
     * for the button: the list says it to screen readers). */
    var answer = function (f, i, widget, outlined) {
      var place = make("span", "ff-value-box ff-value-" + f.type);
      place.setAttribute("aria-hidden", "true");
      ["left", "top", "width", "height"].forEach(function (side) { place.style[side] = outlined.style[side]; });
      place.dataset.for = String(i);
      place.dataset.name = outlined.title;
      var shown = make("span", "ff-value");
      shown.dataset.value = widget.value === null || widget.value === undefined ? "" : widget.value;
      place.appendChild(shown);
      return place;
    };
    /* The answers show on the picture as they are typed (pdfium's picture has the
     * page without its fields' values): text as text, a tick, a dot. */
    var paint = function (i) {
      var el = document.getElementById("ff-" + i);
      if (!el || !pagesBox) { return; }
      Array.prototype.forEach.call(pagesBox.querySelectorAll('[data-for="' + i + '"] .ff-value'), function (shown) {
        var kind = el.dataset.kind;
        shown.textContent = kind === "checkbox" ? (el.checked ? "\u2713" : "")
          : kind === "radio" ? (el.value !== "" && el.value === shown.dataset.value ? "\u25CF" : "")
          : kind === "signature" ? "" : el.value;
      });
    };
    var showPages = function (file, fields, token) {
      if (!pagesBox) { return; }
      var stages = pagesBox.querySelector(".ff-stages");
      stages.textContent = "";
      var numbers = [];
      fields.forEach(function (f) {
        (f.widgets || []).forEach(function (w) {
          if (numbers.indexOf(w.page) < 0) { numbers.push(w.page); }
        });
      });
      numbers.sort(function (a, b) { return a - b; });
      numbers = numbers.slice(0, MAX_PAGES);
      pagesBox.hidden = !numbers.length;
      /* Every page's place and outlines at once; the pictures follow, pages next to
       * each other in one request (the preview gives up to twelve from one page). */
      var images = {};
      numbers.forEach(function (number) {
        var figure = make("figure", "ff-page");
        var stage = make("div", "ff-stage waiting");
        var img = make("img");
        img.alt = say("picture").replace("{n}", String(number));
        stage.appendChild(img);
        fields.forEach(function (f, i) {
          (f.widgets || []).forEach(function (w) {
            if (w.page !== number) { return; }
            var outlined = outline(f, i, w);
            stage.appendChild(answer(f, i, w, outlined));
            stage.appendChild(outlined);
          });
        });
        figure.appendChild(make("figcaption", "", say("page").replace("{n}", String(number))));
        figure.appendChild(stage);
        stages.appendChild(figure);
        images[number] = img;
      });
      var runs = [];
      numbers.forEach(function (number) {
        var last = runs[runs.length - 1];
        if (last && last.from + last.count === number) { last.count++; } else { runs.push({ from: number, count: 1 }); }
      });
      var picture = function (k) {
        if (k >= runs.length || token !== reading) { return; }
        var data = withFile(file);
        data.append("width", String(PICTURE_WIDTH));
        data.append("page", String(runs[k].from));
        data.append("count", String(runs[k].count));
        window.Sheaf.post(form.dataset.preview, data)
          .then(function (resp) { return resp.ok ? resp.json() : null; })
          .then(function (body) {
            if (body && token === reading) {
              (body.images || [body.image]).forEach(function (src, n) {
                var img = images[runs[k].from + n];
                if (!img) { return; }
                img.src = src;
                img.parentNode.classList.remove("waiting");
              });
            }
            picture(k + 1);
          })
          .catch(function () { picture(k + 1); });
      };
      fields.forEach(function (f, i) { paint(i); });
      picture(0);
    };

    /* The list in reading order (the file's own order is often the order the fields
     * were made in): by page, then line by line (a field within about 1% of the page's
     * height of a line's first one is on that line), left to right. */
    var readingOrder = function (fields) {
      var keyed = fields.map(function (f, n) {
        var w = (f.widgets || []).slice().sort(function (a, b) {
          return a.page - b.page || a.box[1] - b.box[1];
        })[0];
        return { f: f, n: n, page: w ? w.page : Infinity, top: w ? w.box[1] : 0, left: w ? w.box[0] : 0 };
      });
      keyed.sort(function (a, b) { return a.page - b.page || a.top - b.top || a.n - b.n; });
      var row = 0, rowTop = null, rowPage = null;
      keyed.forEach(function (k) {
        if (k.page !== rowPage || k.top - rowTop > 0.012) { row++; rowTop = k.top; rowPage = k.page; }
        k.row = row;
      });
      keyed.sort(function (a, b) { return a.row - b.row || a.left - b.left || a.n - b.n; });
      return keyed.map(function (k) { return k.f; });
    };

    var clear = function () {
      fieldsBox.textContent = "";
      fieldsBox.hidden = true;
      if (pagesBox) { pagesBox.hidden = true; }
    };
    var readFields = function (file) {
      var token = ++reading;
      clear();
      ui.send(fieldsBox.dataset.endpoint, withFile(file), false, function (xhr) {
        if (token !== reading) { return; }
        var fields = readingOrder(JSON.parse(xhr.responseText).fields);
        if (!fields.length) { fieldsBox.appendChild(make("p", "", ui.msg("noform"))); }
        fields.forEach(function (f, i) { fieldsBox.appendChild(control(f, i)); });
        fieldsBox.hidden = false;
        showPages(file, fields, token);
      });
    };
    var changedValues = function () {
      var values = {};
      Array.prototype.forEach.call(fieldsBox.querySelectorAll("[data-name]"), function (el) {
        if (el.disabled) { return; }
        var value = el.dataset.kind === "checkbox" ? el.checked : el.value;
        if (JSON.stringify(value) === el.dataset.before) { return; }
        values[el.dataset.name] = el.dataset.kind === "radio" && value === "" ? false : value;
      });
      return values;
    };

    var chosen = null;
    form.addEventListener("sheaf:files", function (e) {
      chosen = e.detail && e.detail.length ? e.detail[0] : null;
      if (chosen) { readFields(chosen); } else { reading++; clear(); }
    });
    /* A protected form is listed once its password is typed. */
    var password = form.querySelector("[name=password]");
    if (password) {
      password.addEventListener("change", function () {
        if (chosen && fieldsBox.hidden && password.value) { readFields(chosen); }
      });
    }
    form.addEventListener("sheaf:send", function (e) {
      e.detail.data.set("values", JSON.stringify(changedValues()));
    });
  };
})();
