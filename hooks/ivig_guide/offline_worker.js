// The guide's service worker: the emergency pages of every language, and each page the reader opens,
// readable with no network. `GUIDE` (above) is written by the build (ivig_guide.offline): the version
// (the approved lock's hash and the precached files'), what to precache, the offline note in each language.
//
// Pages: network first (cache: "no-cache"); with no answer within GUIDE.timeout ms, or no network, the
// saved copy, with a note at the top saying it is a saved copy and when it was saved. A page never saved:
// the offline page of its language, which links to the saved first-aid steps.
// Embed pages and fragments (portals' frames) are never answered or saved by this worker.
"use strict";

const PREFIX = "ivig-guide-";
const CACHE = PREFIX + GUIDE.version;
const SCOPE = new URL("./", self.location.href).href;
const SAVED = "X-Pg-Saved";
const PRECACHED = new Set(GUIDE.precache.map((path) => SCOPE + path));

/** Return the site-relative path of a URL of this site (no query, no fragment), or null. */
function sitePath(url) {
  const parsed = new URL(url);
  const path = parsed.origin + parsed.pathname;
  return path.startsWith(SCOPE) ? path.slice(SCOPE.length) : null;
}

/** Return whether a site-relative path belongs to the embed pages or fragments of an edition. */
function isEmbed(path) {
  return GUIDE.skip.some((folder) => path === folder.slice(0, -1) || path.startsWith(folder));
}

/** Return the edition language of a site-relative path. */
function languageOf(path) {
  const edition = GUIDE.editions.find((lang) => path.startsWith(lang + "/"));
  return edition || GUIDE.default_language;
}

/** Return the response to keep: its body, its headers without transfer details, and when it was saved. */
async function stamp(response) {
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  headers.set(SAVED, new Date().toISOString());
  const body = await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Fetch one site-relative path from the network into the cache; throw if it fails. */
async function save(cache, path) {
  const response = await fetch(SCOPE + path, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  await cache.put(SCOPE + path, await stamp(response));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Every emergency page of this version, or the install fails and the worker before it stays.
      await Promise.all(GUIDE.precache.map((path) => save(cache, path)));
      await Promise.all(GUIDE.optional.map((path) => save(cache, path).catch(() => undefined)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const name of await caches.keys()) {
        if (!name.startsWith(PREFIX) || name === CACHE) continue;
        // Pages the reader opened stay saved, except those this version precaches anew and any page with
        // emergency sections: those were approved under an older lock.
        const old = await caches.open(name);
        for (const request of await old.keys()) {
          if (PRECACHED.has(request.url) || (await cache.match(request))) continue;
          const response = await old.match(request);
          if (!response || !(response.headers.get("Content-Type") || "").startsWith("text/html")) continue;
          if ((await response.clone().text()).includes(GUIDE.guarded)) continue;
          await cache.put(request, response);
        }
        await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** Return a saved page as shown offline: the note "a copy saved on <date>" at the top of the page. */
async function withNote(saved, lang) {
  const html = await saved.text();
  const when = new Date(saved.headers.get(SAVED) || Date.now());
  const date = new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(when);
  const [before, after] = GUIDE.notes[lang].split("{date}");
  const note =
    `<div class="pg-offline-note" role="status" data-pg-offline-note><p>${escapeHtml(before)}` +
    `<time datetime="${when.toISOString().slice(0, 10)}">${escapeHtml(date)}</time>${escapeHtml(after)}</p></div>`;
  const marker = html.search(/<div[^>]*data-md-component="announce"|<header[\s>]/);
  const body = html.search(/<body[^>]*>/);
  let text;
  if (marker >= 0) text = html.slice(0, marker) + note + html.slice(marker);
  else if (body >= 0) text = html.replace(/<body[^>]*>/, (tag) => tag + note);
  else text = note + html;
  return new Response(text, { status: 200, headers: saved.headers });
}

/** Return the offline page of a language, its links resolved from its own address, wherever it is shown. */
async function offlinePage(cache, lang) {
  const path = GUIDE.offline[lang] || GUIDE.offline[GUIDE.default_language];
  const saved = await cache.match(SCOPE + path);
  if (!saved) return Response.error();
  const html = (await saved.text()).replace(/<head[^>]*>/, (tag) => `${tag}<base href="${SCOPE + path}">`);
  return new Response(html, { status: 200, headers: saved.headers });
}

function answerOf(response) {
  // A navigation cannot be answered with a redirected response: send the browser to where it ended.
  return response.redirected ? Response.redirect(response.url, 301) : response;
}

async function page(event, path) {
  const cache = await caches.open(CACHE);
  const key = SCOPE + path;
  const network = fetch(event.request.url, { cache: "no-cache" }).then(async (response) => {
    if (response.ok && !response.redirected && (response.headers.get("Content-Type") || "").startsWith("text/html")) {
      await cache.put(key, await stamp(response.clone()));
    }
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  let late = false;
  const timeout = new Promise((resolve) =>
    setTimeout(() => {
      late = true;
      resolve(null);
    }, GUIDE.timeout),
  );
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return answerOf(response);
  } catch (error) {
    // No network: the saved copy below.
  }
  const saved = await cache.match(key);
  if (saved) return withNote(saved, languageOf(path));
  if (late) {
    try {
      return answerOf(await network);
    } catch (error) {
      // The slow network failed after all.
    }
  }
  return offlinePage(cache, languageOf(path));
}

async function asset(event, url) {
  const cache = await caches.open(CACHE);
  if (PRECACHED.has(url)) {
    const saved = await cache.match(url);
    if (saved) return saved;
  }
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic") event.waitUntil(cache.put(url, await stamp(response.clone())));
    return response;
  } catch (error) {
    const saved = await cache.match(url);
    return saved || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const path = sitePath(request.url);
  if (path === null || isEmbed(path)) return; // other sites, embed pages, fragments: never answered, never saved
  if (request.mode === "navigate") {
    event.respondWith(page(event, path));
    return;
  }
  const url = SCOPE + path;
  // The site's own files (stylesheets, scripts, icons, the search index) and what is precached; anything
  // else (a browser's own /favicon.ico) goes to the network as if there were no worker.
  if (PRECACHED.has(url) || GUIDE.assets.some((folder) => path.startsWith(folder))) {
    event.respondWith(asset(event, url));
  }
});
