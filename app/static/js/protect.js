/* Protect: the new password must be typed the same twice (or read back with "show")
 * before Sheaf locks the file, so a slip of the finger cannot lock the person out.
 * Runs before tools.js's submit handler (capture phase) and stops it on a mismatch. */
(function () {
  "use strict";

  var form = document.getElementById("tool-form");
  var first = document.getElementById("opt-new_password");
  var again = document.getElementById("opt-new_password_again");
  var show = document.getElementById("show-passwords");
  if (!form || !first || !again) { return; }

  var clear = function () {
    var old = document.getElementById("error-new_password_again");
    if (old) { old.remove(); }
    again.removeAttribute("aria-invalid");
  };

  form.addEventListener("submit", function (e) {
    clear();
    if (!first.value || first.value === again.value) { return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    var note = document.createElement("p");
    note.className = "field-error";
    note.id = "error-new_password_again";
    note.textContent = again.dataset.msgMismatch;
    again.parentNode.insertBefore(note, again.nextSibling);
    again.setAttribute("aria-invalid", "true");
    again.focus();
  }, true);
  again.addEventListener("input", clear);

  if (show) {
    show.addEventListener("change", function () {
      var kind = show.checked ? "text" : "password";
      first.type = kind;
      again.type = kind;
    });
  }
})();
