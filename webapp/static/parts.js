// A long document is shown in parts; a link to a paragraph on another part (#p1234) goes to
// the part that holds it. Without JavaScript the list of parts says which holds which.
(function () {
  "use strict";
  var nav = document.getElementById("parts");
  if (!nav) return;
  function follow() {
    var match = /^#p(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("p" + match[1])) return;
    var number = parseInt(match[1], 10);
    var links = nav.querySelectorAll("a[data-first]");
    for (var i = 0; i < links.length; i++) {
      var first = parseInt(links[i].getAttribute("data-first"), 10);
      var last = parseInt(links[i].getAttribute("data-last"), 10);
      if (number >= first && number <= last) {
        window.location.replace(links[i].href.split("#")[0] + window.location.hash);
        return;
      }
    }
  }
  follow();
  window.addEventListener("hashchange", follow);
})();
