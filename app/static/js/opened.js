/* The opened-files page: each PDF's first page and page count, asked of Sheaf by id. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-preview]"), function (img) {
    var item = img.closest(".opened-item");
    fetch(img.dataset.preview, { credentials: "same-origin" })
      .then(function (resp) { return resp.json().then(function (body) { return { ok: resp.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) {
          var problem = item.querySelector(".opened-problem");
          problem.textContent = answer.body.message || "";
          problem.hidden = false;
          return;
        }
        img.src = answer.body.image;
        img.hidden = false;
        var pages = item.querySelector(".opened-pages");
        pages.textContent = pages.dataset.msgPages.replace("{n}", String(answer.body.pages));
      })
      .catch(function () { /* the name and the tools are enough */ });
  });
})();
