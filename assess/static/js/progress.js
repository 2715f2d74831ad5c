/* Progress bar of a long job: polls the job's JSON status and reloads the page when the
   job ends. Without JavaScript the page shows the state and a « Rafraîchir » link. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-url]");
  if (!box || !window.fetch) { return; }
  var initial = box.getAttribute("data-job-status");
  if (initial !== "queued" && initial !== "running") { return; }

  var url = box.getAttribute("data-job-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-job-percent]");
  var message = box.querySelector("[data-job-message]");
  var refresh = box.querySelector(".job-refresh");
  var delay = 1500;
  var failures = 0;

  if (refresh) { refresh.hidden = true; }  // the page updates itself

  function label(data) {
    var key = data.interrupted ? "interrupted" : data.status;
    var text = box.getAttribute("data-label-" + key) || "";
    return text.replace("{done}", data.done).replace("{total}", data.total);
  }

  function show(data) {
    bar.max = data.total || 1;
    bar.value = data.status === "done" ? bar.max : data.done;
    bar.textContent = data.percent + " %";
    percent.textContent = data.percent + " %";
    var text = label(data);
    // Only touch the live region when the words change, so screen readers are not flooded.
    if (message.textContent.trim() !== text) { message.textContent = text; }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, delay * (failures + 1));
        } else if (refresh) {
          refresh.hidden = false;  // give up polling: let the user refresh by hand
        }
      });
  }

  window.setTimeout(poll, delay);
})();
