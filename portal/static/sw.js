// Offline reading. Pages come from the network first, then from what was saved for offline
// reading, then the offline page; versioned static files come from the cache. A form marked
// offline_queue that cannot be sent waits in IndexedDB until the connection returns.
"use strict";
var SHELL = "shell", SAVED = "offline-", TOKEN = "/offline/token", OFFLINE = "/offline";
// The account whose pages are saved, in a cache of its own (the page prunes the shell's).
var ACCOUNT = "account", ACCOUNT_KEY = "/offline/account", ANONYMOUS = "anonymous";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("sync", function (event) {
  if (event.tag === "replay") { event.waitUntil(replay()); }
});
self.addEventListener("message", function (event) {
  if (event.data === "replay") { event.waitUntil(replay()); }
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== location.origin || request.headers.has("range")) { return; }
  if (request.method === "POST" && request.mode === "navigate" && isPlainForm(request)) {
    var copy = request.clone();
    event.respondWith(fetch(request).catch(function () { return keepForLater(copy); }));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.indexOf("/static/") === 0 && url.search) {
    event.respondWith(saved(request).then(function (hit) {
      return hit || fetch(request).catch(function () { return anyVersion(request); });
    }));
  } else {
    event.respondWith(fetch(request).then(function (response) {
      if (request.mode !== "navigate") { return response; }
      // The page gets its answer once what another account saved is gone, so the shell it
      // then caches for offline use is not deleted with the rest.
      return noteAccount(response).then(function () {
        refreshSaved(request, response);
        return response;
      });
    }, function () {
      return saved(request).then(function (hit) {
        if (hit) { return hit; }
        if (request.mode === "navigate") { return offlinePage(); }
        return request.destination === "image" ? anyVersion(request) : Response.error();
      });
    }));
  }
});

// Uploads go straight to the network: copying their body would hold it all in memory.
function isPlainForm(request) {
  return (request.headers.get("content-type") || "").indexOf("urlencoded") >= 0;
}

function saved(request) {
  return caches.match(request, { ignoreVary: true });
}

// Pages saved before a new stylesheet came out, or pictures saved at their own address while
// the page asks for another size, make do with the copy that is there.
function anyVersion(request) {
  return caches.match(request, { ignoreSearch: true, ignoreVary: true })
    .then(function (copy) { return copy || Response.error(); });
}

function offlinePage() {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(OFFLINE, { ignoreSearch: true, ignoreVary: true });
  }).then(function (page) { return page || Response.error(); });
}

// Saved pages show the account they were saved by. When the pages now come for another
// account, or for nobody because the session expired, everything saved is forgotten; pages
// saved before logging in show nobody and are kept.
function noteAccount(response) {
  var account = response.headers.get("X-Portal-Account");
  if (!account) { return Promise.resolve(); }
  return caches.open(ACCOUNT).then(function (cache) { return cache.match(ACCOUNT_KEY); })
    .then(function (hit) { return hit ? hit.text() : ANONYMOUS; })
    .then(function (known) {
      if (known === account) { return; }
      var forget = known === ANONYMOUS ? Promise.resolve() : caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      });
      return forget.then(function () { return caches.open(ACCOUNT); }).then(function (cache) {
        return cache.put(ACCOUNT_KEY, new Response(account));
      });
    }).catch(function () {});
}

// A saved page read online is stored again, so that its offline copy shows today's progress.
function refreshSaved(request, response) {
  if (response.status !== 200 || response.redirected) { return; }
  var copy = response.clone();
  caches.keys().then(function (names) {
    names.filter(function (name) { return name.indexOf(SAVED) === 0; }).forEach(function (name) {
      caches.open(name).then(function (cache) {
        return cache.match(request, { ignoreVary: true }).then(function (hit) {
          return hit && cache.put(request.url, copy.clone());
        });
      });
    });
  });
}

function keepForLater(request) {
  return request.formData().then(function (form) {
    var user = form.get("offline_queue");
    if (!user) { return offlinePage(); }
    var item = { url: request.url, body: new URLSearchParams(form).toString(), user: user };
    return queue("readwrite", function (store) { return store.put(item); }).then(function () {
      var sync = self.registration.sync;
      if (sync) { sync.register("replay").catch(function () {}); }
      return Response.redirect(request.referrer || OFFLINE, 303);
    });
  }).catch(offlinePage);
}

// One queued form per address: pressing again offline replaces it instead of sending twice.
function queue(mode, work) {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open("offline-queue", 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore("forms", { keyPath: "url" });
    };
    open.onerror = function () { reject(open.error); };
    open.onsuccess = function () {
      var transaction = open.result.transaction("forms", mode);
      var answer = work(transaction.objectStore("forms"));
      transaction.oncomplete = function () { resolve(answer.result); };
      transaction.onerror = function () { reject(transaction.error); };
    };
  });
}

var replaying = null;

function replay() {
  replaying = replaying || queue("readonly", function (store) { return store.getAll(); })
    .then(function (items) { return items.length ? sendAll(items) : []; })
    .catch(function () { return []; })
    .then(function (sent) { replaying = null; return tellPages(sent); });
  return replaying;
}

// The form token in a queued form may have expired with the session: ask for a fresh one.
function sendAll(items) {
  return fetch(TOKEN, { credentials: "same-origin", redirect: "manual" })
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (account) {
      var mine = items.filter(function (item) { return item.user === String(account.user); });
      return Promise.all(mine.map(function (item) { return send(item, account.token); }));
    });
}

function send(item, token) {
  var body = new URLSearchParams(item.body);
  body.set("csrf_token", token);
  var options = { method: "POST", body: body, credentials: "same-origin", redirect: "manual" };
  return fetch(item.url, options).then(function (response) {
    if (response.status >= 500) { return null; }
    return queue("readwrite", function (store) { return store.delete(item.url); })
      .then(function () { return item.url; });
  }, function () { return null; });
}

function tellPages(sent) {
  var waiting = queue("readonly", function (store) { return store.getAllKeys(); });
  return Promise.all([waiting, self.clients.matchAll()]).then(function (found) {
    found[1].forEach(function (page) { page.postMessage({ waiting: found[0], sent: sent }); });
  });
}
