/* Grille d'évaluation: keep unsaved typing in this browser (localStorage) so that an
   expired login or a closed tab does not lose observations. A draft is tied to the sheet
   version the form was loaded with: once a save bumps the version (or the sheet is
   locked) the draft is dropped; while the version is unchanged it is put back. */
(function () {
  "use strict";

  var focusTarget = document.querySelector("[data-focus-on-load]");
  if (focusTarget) { focusTarget.focus(); }

  var store;
  try {
    store = window.localStorage;
    store.getItem("assess-probe");
  } catch (e) {
    return; // storage disabled (private mode, policy): the form works without it
  }

  var locked = document.querySelector("[data-draft-clear]");
  if (locked) { store.removeItem(locked.getAttribute("data-draft-clear")); }

  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var version = form.getAttribute("data-draft-version");

  function textFields() { return form.querySelectorAll("[data-draft]"); }

  function snapshot() {
    var texts = {}, levels = {};
    textFields().forEach(function (el) { texts[el.name] = el.value; });
    form.querySelectorAll("input[type=radio]:checked").forEach(function (el) {
      levels[el.name] = el.value;
    });
    return { version: version, texts: texts, levels: levels };
  }

  function setLevel(name, value) {
    form.querySelectorAll("input[type=radio]").forEach(function (el) {
      if (el.name === name) { el.checked = (el.value === value); }
    });
  }

  function apply(state) {
    textFields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(state.texts, el.name)) { el.value = state.texts[el.name]; }
    });
    Object.keys(state.levels).forEach(function (name) { setLevel(name, state.levels[name]); });
  }

  function differs(a, b) {
    return JSON.stringify(a.texts) !== JSON.stringify(b.texts) ||
      JSON.stringify(a.levels) !== JSON.stringify(b.levels);
  }

  function showNotice(original) {
    var notice = document.createElement("div");
    notice.className = "draft-notice";
    notice.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = form.getAttribute("data-draft-restored");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary outline";
    discard.textContent = form.getAttribute("data-draft-discard");
    discard.addEventListener("click", function () {
      form.querySelectorAll("input[type=radio]").forEach(function (el) { el.checked = false; });
      apply(original);
      store.removeItem(key);
      notice.remove();
    });
    notice.appendChild(text);
    notice.appendChild(discard);
    form.parentNode.insertBefore(notice, form);
  }

  var saved = null;
  try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.version !== version) {
    store.removeItem(key); // saved since, or changed elsewhere: the page holds the truth
  } else if (saved) {
    var original = snapshot();
    if (differs(saved, original)) {
      apply(saved);
      showNotice(original);
    }
  }

  var timer = null;
  function remember() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      try { store.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* quota: ignore */ }
    }, 400);
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
})();
