/* "Recent files" on the home page: "Remove from this list" without reloading the page.
 * Without this script the same form posts and the page reloads; nothing else changes. */
(function () {
  "use strict";
  var section = document.getElementById("recent");
  if (!section || !window.fetch) { return; }
  var status = document.getElementById("recent-status");

  Array.prototype.forEach.call(section.querySelectorAll("form.recent-remove"), function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var item = form.closest(".recent-item");
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRF-Token": window.Sheaf.csrfToken }
      }).then(function (resp) {
        if (!resp.ok) { throw new Error(String(resp.status)); }
        var next = item.nextElementSibling || item.previousElementSibling;
        item.parentNode.removeChild(item);
        status.textContent = section.getAttribute("data-msg-removed");
        if (next) {
          next.querySelector("button").focus();
        } else {
          section.hidden = true;  /* the list is empty: no heading over nothing */
          document.getElementById("main").focus();
        }
      }).catch(function () {
        form.submit();  /* let the plain form say what went wrong */
      });
    });
  });
})();
