/* Grille d'évaluation: never lose a word.

   - Drafts are saved as the juror types (debounced) to the JSON endpoint of the form's
     data-draft-url, with the CSRF token in the X-CSRFToken header; the answer's version
     is put back into the form, so that the plain HTML buttons keep working.
   - Every change is also kept in localStorage under data-draft-key
     ("assess-grading-draft:<user id>:<assignment id>"), marked "dirty" until the server
     has it. When the network is down the save waits for the "online" event; when the
     login session has ended (401, or 400 "csrf") the page says so with a link to log in
     again (back to this sheet), and the draft is put back into the form on return.
   - A stale save (409 "stale": saved meanwhile in another tab) shows what happened and
     lets the juror choose; nothing is overwritten without a click.
   - « Soumettre la grille » opens a <dialog> summarising the levels; without this script
     the same button leads to a confirmation page.
   - Text areas with data-max-chars get a live counter.
   Logging out clears these keys (static/js/logout.js). Without JavaScript, or without
   storage, the form works as plain HTML. */
(function () {
  "use strict";

  var firstInvalid = document.querySelector("[aria-invalid=true]");
  var focusTarget = document.querySelector("[data-focus-on-load]");
  if (document.querySelector(".grading-conflict[data-focus-on-load]")) {
    focusTarget.focus();
  } else if (firstInvalid) {
    firstInvalid.focus(); // the summary (role=alert) is announced; the field is where to act
  } else if (focusTarget) {
    focusTarget.focus();
  }

  var store = null;
  try {
    store = window.localStorage;
    store.getItem("assess-probe");
  } catch (e) {
    store = null; // storage disabled (private mode, policy): autosave still works
  }

  var locked = document.querySelector("[data-draft-clear]");
  if (locked && store) { store.removeItem(locked.getAttribute("data-draft-clear")); }

  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }

  var FIELD = /^(level|observation|evidence|oral_evidence)_\d+$|^overall_comment$|^candidate_absent$/;
  var key = form.getAttribute("data-draft-key");
  var url = form.getAttribute("data-draft-url");
  var versionInput = form.querySelector("input[name=version]");
  var version = form.getAttribute("data-draft-version");
  var statusBox = form.querySelector("[data-draft-status]");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };

  /* ---- the form's values ---------------------------------------------------------- */

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && FIELD.test(el.name);
    });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        values[el.name] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(values) {
    fields().forEach(function (el) {
      var has = Object.prototype.hasOwnProperty.call(values, el.name);
      if (el.type === "radio") {
        el.checked = has && values[el.name] === el.value;
      } else if (el.type === "checkbox") {
        el.checked = has && values[el.name] === true;
      } else if (has) {
        el.value = values[el.name];
      }
    });
    form.querySelectorAll("textarea[data-max-chars]").forEach(updateCounter);
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  /* ---- the copy in this browser ---------------------------------------------------- */

  function readCopy() {
    if (!store) { return null; }
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function keep(dirty, extra) {
    if (!store) { return; }
    var copy = { version: version, fields: snapshot(), dirty: dirty, at: Date.now() };
    if (extra) { Object.keys(extra).forEach(function (k) { copy[k] = extra[k]; }); }
    try { store.setItem(key, JSON.stringify(copy)); } catch (e) { /* quota: the server has it */ }
  }

  /* ---- messages --------------------------------------------------------------------- */

  function say(text, tone) {
    if (!statusBox) { return; }
    statusBox.textContent = text;
    statusBox.className = "draft-status" + (tone ? " draft-status-" + tone : " muted");
  }

  function notice(text, actions) {
    var old = form.parentNode.querySelector(".draft-notice");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.className = "draft-notice";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    (actions || []).forEach(function (action) {
      var el;
      if (action.href) {
        el = document.createElement("a");
        el.href = action.href;
        el.setAttribute("role", "button");
      } else {
        el = document.createElement("button");
        el.type = "button";
        el.addEventListener("click", function () { action.run(); box.remove(); });
      }
      el.className = "secondary outline";
      el.textContent = action.label;
      box.appendChild(el);
    });
    form.parentNode.insertBefore(box, form);
    return box;
  }

  function clearNotice() {
    var old = form.parentNode.querySelector(".draft-notice");
    if (old) { old.remove(); }
  }

  /* ---- autosave ----------------------------------------------------------------------- */

  var timer = null, inFlight = false, again = false, waiting = false, expired = false;
  var heldSubmit = null;

  function setVersion(value) {
    version = String(value);
    versionInput.value = version;
    form.setAttribute("data-draft-version", version);
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(send, delay === undefined ? 1500 : delay);
  }

  function send() {
    window.clearTimeout(timer);
    if (inFlight) { again = true; return; }
    if (navigator.onLine === false) { waiting = true; say(msg("offline"), "warn"); return; }
    inFlight = true;
    var sent = snapshot();
    var token = form.querySelector("input[name=csrf_token]");
    say(msg("saving"));
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify({ version: Number(version), fields: sent })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        answered(response.status, body, sent);
      });
    }, function () {
      waiting = true; // the network: sent again when it is back
      say(msg("offline"), "warn");
    }).then(done, done);
  }

  function done() {
    inFlight = false;
    if (heldSubmit) {
      var button = heldSubmit;
      heldSubmit = null;
      submitWith(button);
      return;
    }
    if (again) { again = false; schedule(300); }
  }

  function answered(status, body, sent) {
    if (status === 200) {
      waiting = false;
      expired = false;
      setVersion(body.version);
      keep(!same(sent, snapshot()));
      clearNotice();
      var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      say(msg("saved").replace("{time}", time), "ok");
    } else if (status === 401 || (status === 400 && body.code === "csrf")) {
      expired = true;
      say("");
      notice(msg("expired"), [{ label: msg("login"),
                                href: form.getAttribute("data-login-url") }]);
    } else if (status === 409 && body.code === "stale") {
      say("");
      notice(msg("stale"), [
        { label: msg("overwrite"), run: function () { setVersion(body.version); send(); } },
        { label: msg("reload"), run: function () {
          if (store) { store.removeItem(key); }
          window.location.reload();
        } }
      ]);
    } else if (status === 409) {
      say(msg("locked") + " " + (body.message || ""), "warn");
    } else if (status === 422) {
      say(body.message && !body.errors ? body.message : msg("invalid"), "warn");
    } else {
      waiting = true;
      say(msg("offline"), "warn");
    }
  }

  function edited() {
    keep(true);
    if (!expired) { schedule(); }
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  window.addEventListener("online", function () { if (waiting) { send(); } });
  // Logged in again in another tab: try once more when the juror comes back here.
  window.addEventListener("focus", function () { if (expired) { send(); } });

  function submitWith(button) {
    keep(true, { submitted: true });
    if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }
  }

  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inFlight) { // wait for the autosave's new version, then post with it
      event.preventDefault();
      heldSubmit = event.submitter || null;
      return;
    }
    // Kept until the page that answers shows a newer version (then dropped).
    keep(true, { submitted: true });
  });

  /* ---- what this browser kept from before ------------------------------------------- */

  var copy = readCopy();
  if (copy && copy.dirty && copy.fields) {
    if (copy.version === version) {
      // Not yet on the server (network down, login expired, tab closed): put it back.
      if (!same(copy.fields, snapshot())) {
        apply(copy.fields);
        notice(form.getAttribute("data-draft-restored"));
        schedule(500);
      }
    } else if (!copy.submitted) {
      // Typed on an older version: never thrown away without the juror's say.
      notice(form.getAttribute("data-draft-older"), [
        { label: form.getAttribute("data-draft-apply"),
          run: function () { apply(copy.fields); keep(true); schedule(0); } },
        { label: form.getAttribute("data-draft-discard"),
          run: function () { if (store) { store.removeItem(key); } } }
      ]);
    } else if (store) {
      store.removeItem(key); // posted with the form, and saved since
    }
  } else if (copy && store) {
    store.removeItem(key);
  }

  /* ---- live counters ---------------------------------------------------------------- */

  function storedLength(text) { return text.replace(/\r\n/g, "\n").trim().length; }

  function updateCounter(area) {
    var counter = document.getElementById(area.id + "-count");
    if (!counter) { return; }
    var limit = Number(area.getAttribute("data-max-chars"));
    var count = storedLength(area.value);
    var over = count > limit;
    counter.textContent = msg(over ? "too-long" : "count")
      .replace("{count}", String(count)).replace("{limit}", String(limit));
    counter.className = "char-count" + (over ? " char-count-over" : "");
    // Announced when the limit is crossed, not at every keystroke.
    if (over !== (counter.getAttribute("aria-live") === "polite")) {
      counter.setAttribute("aria-live", over ? "polite" : "off");
    }
  }

  form.querySelectorAll("textarea[data-max-chars]").forEach(function (area) {
    var counter = document.createElement("small");
    counter.id = area.id + "-count";
    counter.setAttribute("aria-live", "off");
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    updateCounter(area);
    area.addEventListener("input", function () { updateCounter(area); });
  });

  /* ---- the confirmation dialog --------------------------------------------------------- */

  var opener = form.querySelector("[data-confirm-dialog]");
  var dialog = opener && document.getElementById(opener.getAttribute("data-confirm-dialog"));
  if (dialog && typeof dialog.showModal === "function") {
    opener.addEventListener("click", function (event) {
      event.preventDefault();
      var body = dialog.querySelector("[data-recap]");
      body.textContent = "";
      form.querySelectorAll("fieldset[data-criterion]").forEach(function (set) {
        var checked = set.querySelector("input[type=radio]:checked");
        var label = checked && form.querySelector("label[for='" + checked.id + "']");
        var row = document.createElement("tr");
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = set.getAttribute("data-criterion");
        var td = document.createElement("td");
        td.textContent = label ? label.textContent.trim() : msg("no-level");
        row.appendChild(th);
        row.appendChild(td);
        body.appendChild(row);
      });
      var absent = form.querySelector("input[name=candidate_absent]");
      dialog.querySelector("[data-absent-summary]").hidden = !(absent && absent.checked);
      dialog.showModal();
    });
    dialog.querySelector("[data-dialog-close]").addEventListener("click", function () {
      dialog.close();
      opener.focus();
    });
  }
})();
