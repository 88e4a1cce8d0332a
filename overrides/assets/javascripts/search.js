// The guide's search box, over Pagefind's index of the reader's edition (the page's <html lang>).
// Pagefind is loaded on first use, so it never delays a page; its WebAssembly runs in a web worker.
// The page reads fully without this script: the search button stays hidden.
(function () {
  "use strict";
  var dialog = document.getElementById("pg-search");
  var opener = document.querySelector(".pg-search-open");
  if (!dialog || !opener || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector(".pg-search__form");
  var input = dialog.querySelector(".pg-search__input");
  var close = dialog.querySelector(".pg-search__close");
  var status = dialog.querySelector(".pg-search__status");
  var none = dialog.querySelector(".pg-search__none");
  var list = dialog.querySelector(".pg-search__results");
  var bundle = new URL(dialog.getAttribute("data-pg-search-bundle"), document.baseURI);
  var root = bundle.pathname.replace(/pagefind\/$/, "");
  var engine = null;
  var latest = 0;
  var timer = 0;
  var MAX_RESULTS = 10;

  function words(name) {
    return dialog.getAttribute("data-pg-search-" + name) || "";
  }

  function load() {
    if (!engine) {
      engine = import(bundle.href + "pagefind.js").then(function (pagefind) {
        return pagefind
          .options({ basePath: bundle.pathname, baseUrl: root, excerptLength: 20 })
          .then(function () { return pagefind.init(); })
          .then(function () { return pagefind; });
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  // Words that carry no meaning of their own in a question ("how often do I need infusions"). Pagefind
  // finds only pages that have every word, so they are left out of the search, unless they are all there is.
  var STOP_WORDS = {
    en: "a an and are as at be been being but by can could did do does doing for from had has have having how i if in into is it its me my of on or our should so than that the their them then there these they this those to up us was we were what when where which while who why will with would you your",
    es: "a al algo como con cual cuales cuando de del donde el ella ellos en era es esa ese eso esta estas este esto estos fue ha hay la las le les lo los me mi mis muy nos o para pero por porque que quien se sea ser si sin sobre su sus te tengo tiene tu un una uno unos y ya yo"
  };
  var stopWords = new Set((STOP_WORDS[document.documentElement.lang] || "").split(" "));
  var MIN_PREFIX = 4;

  // Lower case, accents folded, punctuation dropped: "¿Vomitó?" and "vomito" are the same word.
  function fold(word) {
    return word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^\p{L}\p{N}&]+/gu, "");
  }

  function terms(query) {
    var all = query.split(/[\s\-\/,;:!?¿¡.()"]+/).map(fold).filter(Boolean);
    var meaningful = all.filter(function (word) { return !stopWords.has(word); });
    return meaningful.length ? meaningful : all;
  }

  // Whether a word of the page is the word typed, or the same word with another ending ("fainted", "fainting"):
  // Pagefind also offers words that share only a first letter or two with a word it does not know.
  function answers(found, typed) {
    if (found.startsWith(typed)) return true;
    if (typed.length < 6) return false;
    var same = 0;
    while (same < found.length && same < typed.length && found[same] === typed[same]) same++;
    return same >= Math.max(MIN_PREFIX, Math.ceil(0.7 * typed.length));
  }

  function relevant(page, wanted) {
    var words = page.content.split(/\s+/);
    var matched = new Set(page.locations.map(function (at) { return fold(words[at] || ""); }));
    return wanted.some(function (typed) {
      for (var word of matched) if (answers(word, typed)) return true;
      return false;
    });
  }

  // The pages that answer a query, best first: every word searched together, or, when no page has them all,
  // each word on its own; a page is kept only if a word it matched is one the reader typed.
  function find(query) {
    var wanted = terms(query);
    if (!wanted.length) return Promise.resolve([]);
    return load().then(function (pagefind) {
      function pages(text) {
        return pagefind.search(text).then(function (found) {
          return Promise.all(found.results.slice(0, 3 * MAX_RESULTS).map(function (result) {
            return result.data().then(function (page) { page.score = result.score; return page; });
          }));
        }).then(function (found) {
          return found.filter(function (page) {
            page.wanted = wanted;
            return relevant(page, wanted);
          });
        });
      }
      return pages(wanted.join(" ")).then(function (together) {
        if (together.length || wanted.length < 2) return together;
        return Promise.all(wanted.map(pages)).then(function (each) {
          var byUrl = new Map();
          each.forEach(function (list) {
            list.forEach(function (page) {
              var seen = byUrl.get(page.url);
              if (seen) seen.score += page.score;
              else byUrl.set(page.url, page);
            });
          });
          return Array.from(byUrl.values()).sort(function (a, b) { return b.score - a.score; });
        });
      });
    }).then(function (found) { return found.slice(0, MAX_RESULTS); });
  }

  // Pagefind's excerpts are HTML with <mark> around the matching words: keep the text and the marks only.
  function excerpt(html) {
    var out = document.createElement("p");
    out.className = "pg-search__excerpt";
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  // A page found by its tags alone (words readers search for that it does not use, in a hidden element at the
  // end of its text): Pagefind's excerpt would be a list of them, so show only the tags that matched.
  function tagExcerpt(page) {
    var tags = page.meta && page.meta.pg_tags;
    if (!tags || !page.locations.length) return null;
    var start = page.content.split(/\s+/).length - tags.split(/\s+/).length;
    if (page.locations.some(function (at) { return at < start; })) return null;
    var out = document.createElement("p");
    out.className = "pg-search__excerpt";
    tags.replace(/\.$/, "").split(". ").forEach(function (tag) {
      var hit = false;
      var parts = tag.split(/(\s+)/).map(function (word) {
        var found = /\S/.test(word) && page.wanted.some(function (typed) { return answers(fold(word), typed); });
        hit = hit || found;
        return { word: word, found: found };
      });
      if (!hit) return;
      if (out.childNodes.length) out.appendChild(document.createTextNode(", "));
      parts.forEach(function (part) {
        var node = part.found ? document.createElement("mark") : document.createTextNode(part.word);
        if (part.found) node.textContent = part.word;
        out.appendChild(node);
      });
    });
    return out.childNodes.length ? out : null;
  }

  function render(query, pages) {
    list.textContent = "";
    pages.forEach(function (page) {
      var item = document.createElement("li");
      item.className = "pg-search__result";
      var link = document.createElement("a");
      link.className = "pg-search__link";
      link.href = page.url;
      link.textContent = (page.meta && page.meta.title) || page.url;
      item.appendChild(link);
      item.appendChild(tagExcerpt(page) || excerpt(page.excerpt || ""));
      list.appendChild(item);
    });
    none.hidden = pages.length > 0;
    status.textContent = pages.length === 1 ? words("one") : pages.length ? words("many").replace("{n}", pages.length) : "";
    dialog.setAttribute("data-pg-search-query", query);
    dialog.setAttribute("data-pg-search-state", pages.length ? "results" : "none");
  }

  function search() {
    var query = input.value.trim();
    var id = ++latest;
    if (!query) {
      list.textContent = "";
      none.hidden = true;
      status.textContent = "";
      dialog.setAttribute("data-pg-search-state", "empty");
      return;
    }
    dialog.setAttribute("data-pg-search-state", "busy");
    find(query)
      .then(function (pages) { if (id === latest) render(query, pages); })
      .catch(function () {
        if (id !== latest) return;
        list.textContent = "";
        none.hidden = true;
        status.textContent = words("failed");
        dialog.setAttribute("data-pg-search-query", query);
        dialog.setAttribute("data-pg-search-state", "failed");
      });
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load();
  }

  opener.hidden = false;
  opener.addEventListener("click", open);
  // "/" opens the search, as on Material's sites, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.nodeName);
    if (event.key !== "/" || typing || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
    event.preventDefault();
    open();
  });
  close.addEventListener("click", function () { dialog.close(); });
  // A click on the backdrop (outside the box) closes the search, as Material's does.
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) dialog.close();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  // Enter opens the first result.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    var first = list.querySelector("a");
    if (first) first.click();
    else search();
  });
  dialog.setAttribute("data-pg-search-state", "empty");
  // The same search without the box, for the guide's benchmark: pgSearch.find("query") gives the result pages.
  window.pgSearch = { find: find };
})();
