/* At logout, drop what this browser kept for the signed-in user: the logout form names
   the prefix of those localStorage keys (data-clear-storage), e.g. the grading drafts
   (static/js/grading-draft.js). An expired session does not come through here, so a
   draft typed before it expired is still there after logging in again. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var prefix = form && form.getAttribute && form.getAttribute("data-clear-storage");
    if (!prefix) { return; }
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i -= 1) {
        var name = store.key(i);
        if (name && name.indexOf(prefix) === 0) { store.removeItem(name); }
      }
    } catch (e) { /* storage disabled: nothing was kept */ }
  });
})();
