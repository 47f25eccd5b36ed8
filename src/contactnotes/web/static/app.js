// contactnotes web app: the few behaviours that need script. Plain JavaScript, no build step.
// Everything is wired by delegation on the document, so parts htmx swaps in work without re-wiring.
(function () {
  "use strict";

  var csrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  // ---- htmx: the CSRF header on every request; form errors (422) are shown; other failures reported ----
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status >= 400 && status !== 401) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = document.getElementById("flash");
      event.detail.swapOverride = "innerHTML";
    }
  });
  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached; nothing was lost, try again.");
  });

  function flash(message) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = message;
    box.appendChild(p);
  }

  // ---- the composer's draft: kept in this browser until the note is posted ----
  var DRAFT_FIELDS = ["body", "type", "time_spent", "note_date", "reminder_date", "reminder_message", "reminder_owner"];
  var DRAFT_CHECKS = ["important", "private"];

  function composerOf(element) {
    return element && element.closest ? element.closest("form.composer") : null;
  }

  function saveDraft(form) {
    var key = form.getAttribute("data-draft-key");
    if (!key) return;
    var draft = { files: [] };
    DRAFT_FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) draft[name] = field.value;
    });
    DRAFT_CHECKS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) draft[name] = field.checked;
    });
    form.querySelectorAll("li.upload.done").forEach(function (li) {
      var keyInput = li.querySelector('input[name="attachment_key"]');
      var nameInput = li.querySelector('input[name="attachment_name"]');
      if (keyInput && nameInput) draft.files.push([keyInput.value, nameInput.value]);
    });
    try {
      localStorage.setItem(key, JSON.stringify(draft));
    } catch (e) {
      /* storage full or disabled: the draft just is not kept */
    }
  }

  function restoreDraft(form) {
    var key = form.getAttribute("data-draft-key");
    if (!key) return;
    if (form.getAttribute("data-posted") === "true") {
      localStorage.removeItem(key);
      return;
    }
    var body = form.elements.namedItem("body");
    if (body && body.value) return; // the server sent the form back as typed: that wins
    var raw = localStorage.getItem(key);
    if (!raw) return;
    var draft;
    try {
      draft = JSON.parse(raw);
    } catch (e) {
      return;
    }
    DRAFT_FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && typeof draft[name] === "string") field.value = draft[name];
    });
    DRAFT_CHECKS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && typeof draft[name] === "boolean") field.checked = draft[name];
    });
    var list = form.querySelector("[data-uploads]");
    if (list && !list.children.length) {
      (draft.files || []).forEach(function (pair) {
        list.appendChild(uploadItem(pair[1])).dataset.ready = "1";
        finishUpload(list.lastChild, pair[0], pair[1]);
      });
    }
  }

  function setUp(root) {
    root.querySelectorAll("[data-tz-offset]").forEach(function (input) {
      input.value = String(new Date().getTimezoneOffset());
    });
    var forms = root.matches && root.matches("form.composer") ? [root] : root.querySelectorAll("form.composer");
    forms.forEach(restoreDraft);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
  });
  document.addEventListener("htmx:load", function (event) {
    setUp(event.detail.elt);
  });
  document.addEventListener("input", function (event) {
    var form = composerOf(event.target);
    if (form) saveDraft(form);
  });
  document.addEventListener("change", function (event) {
    var form = composerOf(event.target);
    if (form) saveDraft(form);
  });

  // ---- Ctrl/Cmd+Enter posts ----
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      var form = event.target.form;
      if (form) {
        event.preventDefault();
        closePicker();
        form.requestSubmit();
      }
    }
  });

  // ---- the @mention picker ----
  var picker = { textarea: null, list: null, start: -1, items: [], active: -1, seq: 0 };

  function mentionQuery(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|[\s(])@([\w.\-]{0,64})$/.exec(before);
    return match ? { start: before.length - match[2].length - 1, text: match[2] } : null;
  }

  function listFor(textarea) {
    var host = textarea.closest(".mention-host");
    var list = host ? host.querySelector('[role="listbox"]') : null;
    if (!list && host) {
      list = document.createElement("ul");
      list.className = "mention-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Teammates");
      list.id = textarea.id + "-mentions";
      list.hidden = true;
      host.appendChild(list);
      textarea.setAttribute("aria-controls", list.id);
      textarea.setAttribute("aria-autocomplete", "list");
    }
    return list;
  }

  function closePicker() {
    if (picker.list) {
      picker.list.hidden = true;
      picker.list.textContent = "";
    }
    if (picker.textarea) {
      picker.textarea.removeAttribute("aria-activedescendant");
    }
    picker.items = [];
    picker.active = -1;
    picker.start = -1;
  }

  function highlight(index) {
    picker.active = index;
    var options = picker.list.querySelectorAll('[role="option"]');
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (options[index]) {
      picker.textarea.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  }

  function showPeople(textarea, list, people) {
    list.textContent = "";
    picker.items = people;
    if (!people.length) {
      closePicker();
      return;
    }
    people.forEach(function (person, i) {
      var option = document.createElement("li");
      option.setAttribute("role", "option");
      option.id = list.id + "-" + i;
      option.dataset.index = String(i);
      var name = document.createElement("span");
      name.textContent = person.name;
      var handle = document.createElement("span");
      handle.className = "muted";
      handle.textContent = " @" + person.handle;
      option.appendChild(name);
      option.appendChild(handle);
      list.appendChild(option);
    });
    list.hidden = false;
    highlight(0);
  }

  function pick(index) {
    var person = picker.items[index];
    var textarea = picker.textarea;
    if (!person || !textarea || picker.start < 0) return;
    var value = textarea.value;
    var insert = "@" + person.handle + " ";
    var end = textarea.selectionStart;
    textarea.value = value.slice(0, picker.start) + insert + value.slice(end);
    var caret = picker.start + insert.length;
    textarea.setSelectionRange(caret, caret);
    closePicker();
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[data-mentions]")) return;
    var query = mentionQuery(textarea);
    if (!query) {
      if (picker.textarea === textarea) closePicker();
      return;
    }
    var list = listFor(textarea);
    picker.textarea = textarea;
    picker.list = list;
    picker.start = query.start;
    var seq = ++picker.seq;
    // Narrow what is shown at once, so Enter never picks from a list older than what was typed.
    var text = query.text.toLowerCase();
    if (picker.items.length) {
      showPeople(textarea, list, picker.items.filter(function (person) {
        return person.name.toLowerCase().indexOf(text) >= 0 || person.handle.indexOf(text) >= 0;
      }));
      picker.start = query.start;
    }
    fetch("/people?q=" + encodeURIComponent(query.text), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (people) {
        if (seq === picker.seq && picker.start >= 0) showPeople(textarea, list, people);
      })
      .catch(function () {});
  });

  document.addEventListener(
    "keydown",
    function (event) {
      if (!picker.items.length || event.target !== picker.textarea) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((picker.active + 1) % picker.items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((picker.active - 1 + picker.items.length) % picker.items.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        event.stopPropagation();
        pick(picker.active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closePicker();
      }
    },
    true
  );

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest ? event.target.closest('.mention-list [role="option"]') : null;
    if (option) {
      event.preventDefault(); // keep the focus in the textarea
      pick(Number(option.dataset.index));
    } else if (picker.list && !event.target.closest(".mention-host")) {
      closePicker();
    }
  });

  // ---- attachments: picker, drop, paste; one request per file, each with its progress bar ----
  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function uploadItem(name) {
    var li = document.createElement("li");
    li.className = "upload";
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    li.appendChild(label);
    return li;
  }

  function removeButton(li, name) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.setAttribute("data-remove-upload", "");
    button.setAttribute("aria-label", "Remove " + name);
    button.textContent = "Remove";
    li.appendChild(button);
  }

  function finishUpload(li, key, name) {
    li.classList.add("done");
    var progress = li.querySelector("progress");
    if (progress) progress.remove();
    var keyInput = document.createElement("input");
    keyInput.type = "hidden";
    keyInput.name = "attachment_key";
    keyInput.value = key;
    var nameInput = document.createElement("input");
    nameInput.type = "hidden";
    nameInput.name = "attachment_name";
    nameInput.value = name;
    li.appendChild(keyInput);
    li.appendChild(nameInput);
    removeButton(li, name);
  }

  function failUpload(li, message) {
    li.classList.add("failed");
    var progress = li.querySelector("progress");
    if (progress) progress.remove();
    var error = document.createElement("p");
    error.className = "error";
    error.setAttribute("role", "alert");
    error.textContent = message;
    li.appendChild(error);
    removeButton(li, li.querySelector(".upload-name").textContent);
  }

  function upload(form, file) {
    var list = form.querySelector("[data-uploads]");
    var name = file.name || "pasted-file";
    var li = uploadItem(name);
    list.appendChild(li);
    var max = Number(form.getAttribute("data-max-bytes") || 0);
    if (max && file.size > max) {
      failUpload(li, name + " is larger than the limit of " + formatSize(max));
      return;
    }
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", "Uploading " + name);
    li.appendChild(progress);
    var body = new FormData();
    body.append("files", file, name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/uploads");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    };
    xhr.onload = function () {
      var answer = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (e) {
        /* not JSON: reported below */
      }
      if (xhr.status === 200 && answer.key) {
        finishUpload(li, answer.key, answer.name || name);
        saveDraft(form);
      } else {
        failUpload(li, answer.error || name + " could not be uploaded (" + xhr.status + ")");
      }
    };
    xhr.onerror = function () {
      failUpload(li, name + " could not be uploaded: the server could not be reached");
    };
    xhr.send(body);
  }

  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("input[data-attach]")) return;
    var form = composerOf(event.target);
    Array.prototype.forEach.call(event.target.files, function (file) {
      upload(form, file);
    });
    event.target.value = "";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-remove-upload]") : null;
    if (!button) return;
    var form = composerOf(button);
    var li = button.closest("li");
    var next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    if (form) {
      saveDraft(form);
      var focusTarget = next ? next.querySelector("button") : form.querySelector("label[for] + input[data-attach]");
      if (focusTarget) focusTarget.focus();
      else form.elements.namedItem("body").focus();
    }
  });

  document.addEventListener("dragover", function (event) {
    var zone = composerOf(event.target);
    if (zone && event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
      event.preventDefault();
      zone.classList.add("dragging");
    }
  });
  document.addEventListener("dragleave", function (event) {
    var zone = composerOf(event.target);
    if (zone) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", function (event) {
    var form = composerOf(event.target);
    if (!form || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.classList.remove("dragging");
    Array.prototype.forEach.call(event.dataTransfer.files, function (file) {
      upload(form, file);
    });
  });

  // ---- the live stream (web/live.py): reconnecting where it left off, notes placed by id, toasts ----
  // The browser's own reconnection sends Last-Event-ID; when the SSE extension has to open a new connection
  // (the old one failed for good: a proxy's error page, a restarted server), it comes here, and the new
  // connection asks for what came after the last event this page received.
  var LIVE_EVENTS = ["notification", "note_created", "note_updated", "note_deleted"];
  var lastEventId = "";
  var TOAST_MILLIS = 15000;
  var TOASTS_SHOWN = 3;

  if (window.htmx) {
    window.htmx.createEventSource = function (url) {
      var address = new URL(url, window.location.href);
      if (lastEventId) address.searchParams.set("after", lastEventId);
      var source = new EventSource(address.pathname + address.search, { withCredentials: true });
      LIVE_EVENTS.forEach(function (name) {
        source.addEventListener(name, function (event) {
          if (event.lastEventId) lastEventId = event.lastEventId;
        });
      });
      return source;
    };
  }

  function firstElementOf(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  // A note change for the open timeline: new notes go on top unless the page already has them (a replay
  // after a reconnect, the author's own post) or filters are on; edits and deletions replace the note
  // where it is, unless its author is editing it here or this page is changing it right now. The browser
  // keeps what is on screen in place (scroll anchoring), and the composer is never touched.
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var source = event.target;
    if (!source.hasAttribute || !source.hasAttribute("data-live-notes")) return;
    event.preventDefault();
    var message = event.detail;
    var incoming = firstElementOf(message.data);
    if (!incoming || !incoming.id) return;
    var existing = document.getElementById(incoming.id);
    if (message.type === "note_created") {
      var list = document.getElementById("timeline-notes");
      if (existing || !list || list.hasAttribute("data-filtered")) return;
      window.htmx.swap(list, message.data, { swapStyle: "afterbegin" });
    } else if (existing && !existing.querySelector(".htmx-request")) {
      // (A request of this page's own on the note, in flight, brings its answer itself.)
      if (message.type === "note_deleted" || !existing.classList.contains("editing")) {
        window.htmx.swap(existing, message.data, { swapStyle: "outerHTML" });
      }
    }
  });

  // A note posted here and pushed by the stream at once may both arrive: keep one of each id.
  document.addEventListener("htmx:afterSettle", function () {
    var seen = {};
    document.querySelectorAll("#timeline-notes > [id^='note-']").forEach(function (element) {
      if (seen[element.id]) element.remove();
      seen[element.id] = true;
    });
  });

  document.addEventListener("htmx:load", function (event) {
    var toast = event.detail.elt;
    if (!toast.matches || !toast.matches("[data-toast]")) return;
    var shown = document.querySelectorAll("#toasts [data-toast]");
    for (var i = TOASTS_SHOWN; i < shown.length; i++) shown[i].remove();
    window.setTimeout(function () {
      if (!toast.contains(document.activeElement)) toast.remove();
    }, TOAST_MILLIS);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-dismiss-toast]") : null;
    if (button) button.closest("[data-toast]").remove();
  });

  document.addEventListener("paste", function (event) {
    var form = composerOf(event.target);
    var files = event.clipboardData ? event.clipboardData.files : null;
    if (!form || !files || !files.length) return;
    event.preventDefault();
    Array.prototype.forEach.call(files, function (file) {
      upload(form, file);
    });
  });
})();
