/* Upload progress for the candidate's deposit forms (progressive enhancement).
   Without JavaScript the forms post normally; with it, the same POST goes through
   XMLHttpRequest so that a <progress> bar shows how much has been sent. */
(function () {
  "use strict";

  function showPage(xhr) {
    // Show the server's answer (receipt or the page with the error) as if navigated to.
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    if (xhr.responseURL) {
      history.pushState(null, "", xhr.responseURL);
    }
    var main = document.getElementById("main");
    if (main) { main.focus(); }
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (!input || !bar || !window.FormData || !window.DOMParser) { return; }

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (file && maxBytes && file.size > maxBytes) {
        event.preventDefault();
        status.textContent = form.getAttribute("data-too-large");
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      if (!file) { return; }  // let the server explain what is missing
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          status.textContent = bar.value + " %";
        }
      });
      xhr.addEventListener("load", function () { showPage(xhr); });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        button.disabled = false;
        status.textContent = form.getAttribute("data-network-error");  // translated by the page
      });
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form.upload-form").forEach(enhance);
})();
