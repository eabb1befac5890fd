/*
 * The report entry page: automatic saving without losing anything typed.
 *
 * htmx posts the whole form (with the version the page was built on) when a cell changes; the
 * answer replaces, out of band, the version, the save status and each cell's messages, never
 * the inputs. This file adds what htmx does not do by itself:
 * - a copy of what is typed in localStorage, keyed by submission and version, offered back
 *   when the page is opened again (after a lost connection, a crash or a conflict);
 * - "Chưa lưu được — sẽ thử lại" and retries with a growing delay when the network fails;
 * - a stop after a conflict (409: someone else saved first) so nothing is overwritten;
 * - the explanation box ("giải trình") shown next to a cell that has a warning;
 * - a click on Submit waits for a save in flight, so the version sent is the latest.
 * No inline script: the page may run under a Content-Security-Policy without 'unsafe-inline'.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-report-form]");
  if (!form || !window.htmx) {
    return;
  }
  var submissionId = form.getAttribute("data-submission");
  var storagePrefix = "report-draft:" + submissionId + ":";
  var inFlight = false;
  var stopped = false;
  var submitting = false;
  var pendingSubmitter = null;
  var editSerial = 0;
  var sentSerial = 0;
  var retryDelay = 2000;
  var retryTimer = null;

  function message(key) {
    var template = document.getElementById("save-messages");
    var item = template && template.content.querySelector('[data-key="' + key + '"]');
    return item ? item.textContent : key;
  }

  function setStatus(state) {
    var status = document.getElementById("save-status");
    if (!status) {
      return;
    }
    status.setAttribute("data-state", state);
    status.textContent = message(state);
  }

  function version() {
    var input = document.getElementById("submission-version");
    return input ? input.value : "";
  }

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll('[name^="v."], [name^="g."]'));
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (field) {
      values[field.name] = field.value;
    });
    return values;
  }

  // --- the local copy -----------------------------------------------------------------------

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // private mode or disabled: saving still works, only the copy is missing
    }
  }

  function storedKeys() {
    var store = storage();
    var keys = [];
    if (!store) {
      return keys;
    }
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(storagePrefix) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function keepCopy() {
    var store = storage();
    if (!store) {
      return;
    }
    storedKeys().forEach(function (key) {
      if (key !== storagePrefix + version()) {
        store.removeItem(key);
      }
    });
    try {
      store.setItem(storagePrefix + version(), JSON.stringify({ at: Date.now(), values: snapshot() }));
    } catch (error) {
      // Storage full: nothing to do, the server copy is the one that counts.
    }
  }

  function dropCopies() {
    var store = storage();
    if (store) {
      storedKeys().forEach(function (key) {
        store.removeItem(key);
      });
    }
  }

  function differsFromPage(values) {
    return fields().some(function (field) {
      return Object.prototype.hasOwnProperty.call(values, field.name) && values[field.name] !== field.value;
    });
  }

  function offerRestore() {
    var banner = document.getElementById("restore-banner");
    var keys = storedKeys();
    if (!banner || !keys.length) {
      return;
    }
    var key = keys.sort().pop();
    var copy;
    try {
      copy = JSON.parse(storage().getItem(key));
    } catch (error) {
      copy = null;
    }
    if (!copy || !copy.values || !differsFromPage(copy.values)) {
      dropCopies();
      return;
    }
    if (key !== storagePrefix + version()) {
      banner.querySelector(".restore-older").classList.remove("d-none");
    }
    banner.classList.remove("d-none");
    banner.querySelector("[data-restore]").addEventListener("click", function () {
      fields().forEach(function (field) {
        if (Object.prototype.hasOwnProperty.call(copy.values, field.name)) {
          field.value = copy.values[field.name];
        }
      });
      banner.classList.add("d-none");
      editSerial++;
      refreshCells();
      setStatus("dirty");
      htmx.trigger(form, "retry-save");
    });
    banner.querySelector("[data-discard]").addEventListener("click", function () {
      dropCopies();
      banner.classList.add("d-none");
    });
  }

  // --- what the page shows next to each cell ------------------------------------------------

  function refreshCells() {
    form.querySelectorAll(".cell-input").forEach(function (input) {
      var id = input.id.replace(/^in--/, "");
      var error = document.getElementById("err--" + id);
      input.classList.toggle("is-invalid", !!(error && error.textContent.trim()));
    });
    form.querySelectorAll(".explain").forEach(function (box) {
      var id = box.id.replace(/^exp--/, "");
      var issues = document.getElementById("iss--" + id);
      var text = box.querySelector("textarea");
      var warned = !!(issues && issues.querySelector(".issue-warning"));
      box.classList.toggle("d-none", !(warned || (text && text.value.trim())));
    });
  }

  function hasCellErrors() {
    return Array.prototype.some.call(form.querySelectorAll(".cell-error"), function (error) {
      return error.textContent.trim() !== "";
    });
  }

  // --- saving -------------------------------------------------------------------------------

  function scheduleRetry() {
    if (stopped || retryTimer) {
      return;
    }
    setStatus("offline");
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      htmx.trigger(form, "retry-save");
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.name.indexOf(".") !== 1) {
      return;
    }
    editSerial++;
    keepCopy();
    if (!stopped && !inFlight && !retryTimer) {
      setStatus("dirty");
    }
    if (event.target.classList.contains("explain-input")) {
      refreshCells();
    }
  });

  form.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt !== form) {
      return;
    }
    if (stopped || submitting) {
      event.preventDefault();
      return;
    }
    inFlight = true;
    sentSerial = editSerial;
    setStatus("saving");
  });

  form.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 400) {
      // A conflict or a locked report: show the server's message, keep every typed value.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      stopped = true;
    }
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) {
      return;
    }
    inFlight = false;
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 200 && xhr.status < 300) {
      retryDelay = 2000;
      if (editSerial === sentSerial && !hasCellErrors()) {
        dropCopies();
      } else {
        keepCopy(); // re-keyed to the new version
      }
    } else if (stopped) {
      keepCopy();
    } else if (xhr && xhr.status >= 400 && xhr.status < 500) {
      // Refused for good (signed out, no longer allowed): retrying would not help.
      stopped = true;
      keepCopy();
      setStatus("stopped");
    } else {
      keepCopy();
      scheduleRetry();
    }
    refreshCells();
    if (pendingSubmitter) {
      var submitter = pendingSubmitter;
      pendingSubmitter = null;
      form.requestSubmit(submitter);
    }
  });

  ["htmx:sendError", "htmx:timeout", "htmx:responseError"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      var xhr = event.detail && event.detail.xhr;
      if (!stopped && !(xhr && xhr.status >= 400 && xhr.status < 500)) {
        scheduleRetry();
      }
    });
  });

  window.addEventListener("online", function () {
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
      htmx.trigger(form, "retry-save");
    }
  });

  form.addEventListener("submit", function (event) {
    if (inFlight) {
      // Wait for the save in flight: its answer carries the version this submission needs.
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
      return;
    }
    submitting = true; // no automatic save may slip in with the version this post carries
  });

  document.body.addEventListener("htmx:oobAfterSwap", refreshCells);

  refreshCells();
  offerRestore();
})();
