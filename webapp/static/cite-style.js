/* The quote page's citation style: the reader's choice comes first and is remembered here.
 *
 * Without JavaScript each style is a plain link (?style=apa) that the server answers with that
 * style first. With it, choosing a style moves it to the front at once and keeps it in
 * localStorage, so that every quote page, and the Cite panel on documents, leads with it. A
 * ?style= in the address (a link someone shared) wins over the remembered choice and is not
 * stored: only the reader's own choice is.
 */
(function () {
  "use strict";

  var KEY = "archive-cite-style";

  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function remember(style) {
    try { window.localStorage.setItem(KEY, style); } catch (e) { /* private mode: not kept */ }
  }

  function init() {
    var chosen = document.getElementById("cite-chosen");
    var others = document.getElementById("cite-other-styles");
    var links = Array.prototype.slice.call(document.querySelectorAll(".style-choice a[data-style]"));
    if (!chosen || !others || !links.length) return;
    var status = document.getElementById("style-status");

    function section(style) {
      return document.querySelector('.quote-cite .cite-style[data-style="' + style + '"]');
    }

    function show(style, announce) {
      var wanted = section(style);
      if (!wanted || wanted.parentElement === chosen) return;
      Array.prototype.slice.call(chosen.querySelectorAll(".cite-style")).forEach(function (old) {
        var after = Array.prototype.find.call(others.children, function (s) {
          return Number(s.dataset.order) > Number(old.dataset.order);
        });
        others.insertBefore(old, after || null);
      });
      chosen.appendChild(wanted);
      links.forEach(function (link) {
        if (link.dataset.style === style) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      });
      if (announce && status) status.textContent = wanted.querySelector("h3").textContent + " first.";
    }

    var known = links.map(function (link) { return link.dataset.style; });
    var saved = remembered();
    if (!new URLSearchParams(window.location.search).has("style") && known.indexOf(saved) >= 0) {
      show(saved, false);
    }
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        remember(link.dataset.style);
        show(link.dataset.style, true);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
