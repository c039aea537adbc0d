// The portal's only page script, one file so a page needs one request for it.
// Every part is progressive enhancement: pages work the same without JavaScript.

// Title completions for search boxes: fills the shared <datalist> as people type.
// Without JavaScript the boxes work as plain forms.
(function () {
  "use strict";
  var list = document.getElementById("search-suggestions");
  var endpoint = list && list.getAttribute("data-endpoint");
  if (!endpoint || !window.fetch) { return; }
  var timer = null;
  var last = "";

  function fill(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;
      list.appendChild(option);
    });
  }

  function ask(text) {
    if (text === last) { return; }
    last = text;
    if (text.length < 2) { fill([]); return; }
    fetch(endpoint + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (text === last) { fill(data.suggestions || []); } })
      .catch(function () { /* completions are optional */ });
  }

  document.querySelectorAll("input[list=search-suggestions]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(input.value.trim()); }, 200);
    });
  });
})();

// Flaky connections: what was typed in a form survives a failed submit; with a service worker,
// courses and practices can be saved for offline reading and queued forms are sent later.
(function () {
  "use strict";
  var doc = document, script = doc.currentScript, store = window.sessionStorage;
  var TEXT = /^(text|textarea|email|number|search|tel|url|date)$/;
  keepTypedText();
  if (!("serviceWorker" in navigator) || !window.caches) { return; }
  var worker = navigator.serviceWorker;
  worker.addEventListener("message", function (event) { showQueued(event.data); });
  addEventListener("load", function () {
    worker.register(script.getAttribute("data-sw"), { scope: "/" }).then(askToSend);
    if (worker.controller) { cacheShell(); }
  });
  addEventListener("online", askToSend);
  doc.querySelectorAll("[data-offline-manifest]").forEach(offerSaving);
  doc.querySelectorAll("form[data-offline-clear]").forEach(function (form) {
    form.addEventListener("submit", forgetSavedOnLogout);
  });

  function fields(form) {
    return [].filter.call(form.elements, function (field) {
      return field.name && TEXT.test(field.type);
    });
  }

  function keepTypedText() {
    // Sent when the server answered with success or another page; not when offline.
    var pending = store.getItem("keep-pending");
    var elsewhere = pending && pending.split("|")[0] !== location.pathname;
    var sent = doc.querySelector(".flash-success") || elsewhere;
    if (pending && sent && !doc.querySelector("[data-offline-page]")) {
      store.removeItem(pending);
      store.removeItem("keep-pending");
    }
    doc.querySelectorAll("form[method=post]").forEach(function (form, index) {
      var secret = form.querySelector("[type=password],[type=file]");
      if (secret || form.hasAttribute("data-offline-queue")) { return; }
      var key = location.pathname + "|" + index, kept = JSON.parse(store.getItem(key) || "{}");
      fields(form).forEach(function (field) {
        var untouched = field.value === field.defaultValue;
        if (field.name in kept && untouched) { field.value = kept[field.name]; }
      });
      form.addEventListener("input", function () {
        var values = {};
        fields(form).forEach(function (field) { values[field.name] = field.value; });
        store.setItem(key, JSON.stringify(values));
      });
      form.addEventListener("submit", function () { store.setItem("keep-pending", key); });
    });
  }

  function askToSend() {
    worker.ready.then(function (registration) { registration.active.postMessage("replay"); });
  }

  // The worker may still be cut off when the page hears "online": try again, less and less often.
  var retry = null, retryAfter = 1000;
  function showQueued(news) {
    var waitingHere = false;
    doc.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
      var note = doc.getElementById(form.getAttribute("data-offline-queue"));
      if (news.sent.indexOf(form.action) >= 0) { location.reload(); }
      note.hidden = news.waiting.indexOf(form.action) < 0;
      waitingHere = waitingHere || !note.hidden;
    });
    if (waitingHere && navigator.onLine && !retry) {
      retry = setTimeout(function () { retry = null; askToSend(); }, retryAfter);
      retryAfter = Math.min(retryAfter * 2, 60000);
    }
  }

  // The layout (stylesheet, scripts, offline page in this language) as this page links it.
  function cacheShell() {
    var assets = doc.querySelectorAll("link[rel=stylesheet],script[src]");
    var wanted = [].map.call(assets, function (node) { return node.href || node.src; })
      .concat(new URL(script.getAttribute("data-offline"), location.href).href);
    return caches.open("shell").then(function (cache) {
      return cache.keys().then(function (requests) {
        var have = requests.map(function (request) { return request.url; });
        have.forEach(function (url) { if (wanted.indexOf(url) < 0) { cache.delete(url); } });
        return cache.addAll(wanted.filter(function (url) { return have.indexOf(url) < 0; }));
      });
    });
  }

  function offerSaving(box) {
    var name = box.getAttribute("data-offline-cache"), status = box.querySelector("[role=status]");
    var save = box.querySelector("[data-save]"), remove = box.querySelector("[data-remove]");
    var bar = box.querySelector("progress");
    function show(isSaved, message) {
      save.hidden = isSaved;
      remove.hidden = !isSaved;
      bar.hidden = true;
      save.disabled = false;
      status.textContent = message ? box.getAttribute("data-" + message) : "";
    }
    caches.has(name).then(function (isSaved) {
      box.hidden = false;
      show(isSaved, isSaved && "saved");
    });
    save.addEventListener("click", function () {
      save.disabled = true;
      bar.hidden = false;
      status.textContent = box.getAttribute("data-saving");
      Promise.all([fetch(box.getAttribute("data-offline-manifest")).then(asJson), cacheShell()])
        .then(function (answers) { return download(name, answers[0].urls, bar); })
        .then(function () { show(true, "saved"); }, function () {
          caches.delete(name);
          show(false, "failed");
        });
    });
    remove.addEventListener("click", function () {
      caches.delete(name).then(function () { show(false, "removed"); });
    });
  }

  function asJson(response) {
    if (!response.ok) { throw new Error(response.status); }
    return response.json();
  }

  // One file after another: on a weak connection parallel downloads only slow each other down.
  function download(name, urls, bar) {
    return caches.open(name).then(function (cache) {
      return urls.reduce(function (previous, url, index) {
        return previous.then(function () { return fetch(url); }).then(function (response) {
          if (!response.ok || response.redirected) { throw new Error(url); }
          bar.value = (index + 1) / urls.length;
          return cache.put(url, response);
        });
      }, Promise.resolve());
    });
  }

  // Saved pages (the offline page too) show this account: they must not outlive the session.
  function forgetSavedOnLogout(event) {
    var form = event.target;
    event.preventDefault();
    function submit() { form.submit(); }
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }).then(submit, submit);
  }
})();
