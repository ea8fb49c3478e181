// The review page's submit link opens the confirmation as a dialog on the page; without
// JavaScript (or without <dialog>) the same link leads to the confirmation page instead.
(function () {
  "use strict";
  var link = document.getElementById("submit-open");
  var dialog = link && document.getElementById(link.dataset.dialog);
  if (!dialog || typeof dialog.showModal !== "function") return;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    dialog.showModal();
  });
})();
