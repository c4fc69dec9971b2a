/* The home page's filter: typing shows only the tools whose words (name and line, in
 * every language Sheaf speaks: data-words) contain every word typed. */
(function () {
  "use strict";

  var input = document.getElementById("tool-filter");
  if (!input) { return; }
  var status = document.getElementById("tool-filter-status");
  var grid = document.getElementById("tool-grid");
  var items = grid.querySelectorAll("li[data-words]");
  var msg = function (name) { return status.getAttribute("data-msg-" + name) || ""; };

  var filter = function () {
    var typed = input.value.trim().toLowerCase();
    var words = typed.split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var have = li.getAttribute("data-words");
      var on = words.every(function (w) { return have.indexOf(w) >= 0; });
      li.hidden = !on;
      if (on) { shown += 1; }
    });
    grid.querySelectorAll("ul.tool-grid").forEach(function (list) {
      var any = list.querySelector("li:not([hidden])");
      list.hidden = !any;
      var heading = document.getElementById(list.getAttribute("aria-labelledby"));
      if (heading) { heading.hidden = !any; }
    });
    if (!words.length) { status.textContent = ""; return; }
    status.textContent = shown === 0 ? msg("none").replace("{words}", input.value.trim())
      : shown === 1 ? msg("one") : msg("some").replace("{n}", String(shown));
  };
  input.addEventListener("input", filter);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; filter(); }
    if (e.key === "Enter") {  /* one match left: Enter opens it */
      var open = grid.querySelectorAll("li:not([hidden]) a");
      if (open.length === 1) { open[0].click(); }
    }
  });
})();
