// Highlight on arrival: a search result links to /documents/<id>?hl=words#pN; mark those
// words in paragraph N (or in every paragraph when there is no anchor). Without JavaScript the
// anchor still takes the reader to the paragraph.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var words = (params.get("hl") || "").split(/\s+/).filter(Boolean).slice(0, 20);
  if (!words.length) return;
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var wanted = new Set(words.map(fold));
  var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  var roots = target ? [target] : Array.prototype.slice.call(document.querySelectorAll(".para"));
  var wordPattern = /[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*/gu;
  function markIn(node) {
    var text = node.nodeValue, last = 0, match, pieces = [];
    wordPattern.lastIndex = 0;
    while ((match = wordPattern.exec(text)) !== null) {
      if (!wanted.has(fold(match[0]))) continue;
      pieces.push(document.createTextNode(text.slice(last, match.index)));
      var mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = match[0];
      pieces.push(mark);
      last = match.index + match[0].length;
    }
    if (!pieces.length) return;
    pieces.push(document.createTextNode(text.slice(last)));
    var parent = node.parentNode;
    pieces.forEach(function (piece) { parent.insertBefore(piece, node); });
    parent.removeChild(node);
  }
  roots.forEach(function (root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(markIn);
  });
  var first = document.querySelector("mark.search-hit");
  if (first && target) target.classList.add("search-target");
})();
