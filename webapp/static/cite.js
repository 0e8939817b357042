/* Cite a quote: select words in a document, press "Cite", get a permalink and citations.
 *
 * Offsets are Unicode code points of the version's canonical text. Each numbered block carries
 * data-start (its first code point) and its textContent equals the canonical text of the block,
 * so a DOM point maps to data-start + the number of code points before it in its block. JS
 * strings count UTF-16 units, so counts go through Array.from (which splits by code point).
 * Without JavaScript the page still has "Cite paragraph N" links; this only adds to it.
 */
(function () {
  "use strict";

  var LETTER = /[\p{L}\p{N}\p{M}]/u;
  var JOINER = /['’\-‐]/u;

  function codePoints(text) { return Array.from(text); }

  function isLetter(c) { return c !== undefined && LETTER.test(c); }

  // Is the boundary before index k inside a word? (letters on both sides, or an apostrophe or
  // hyphen between letters, as in "we’re" or "child-protection").
  function insideWord(cps, k) {
    if (k <= 0 || k >= cps.length) return false;
    if (isLetter(cps[k - 1]) && isLetter(cps[k])) return true;
    if (JOINER.test(cps[k]) && isLetter(cps[k - 1]) && isLetter(cps[k + 1])) return true;
    return JOINER.test(cps[k - 1]) && isLetter(cps[k - 2]) && isLetter(cps[k]);
  }

  function snapStart(cps, i) {
    while (i < cps.length && /\s/u.test(cps[i])) i++;
    while (insideWord(cps, i)) i--;
    return i;
  }

  function snapEnd(cps, j) {
    while (j > 0 && /\s/u.test(cps[j - 1])) j--;
    while (insideWord(cps, j)) j++;
    return j;
  }

  // Code points from the start of block to the DOM point (node, offset).
  function offsetIn(block, node, offset) {
    var range = document.createRange();
    range.setStart(block, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString()).length;
  }

  function blockFor(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    return element ? element.closest(".para") : null;
  }

  // Map a DOM range to canonical offsets [start, end), snapped to whole words; null if none.
  function rangeToSpan(range, body) {
    var blocks = Array.prototype.filter.call(body.querySelectorAll(".para"), function (p) {
      return range.intersectsNode(p);
    });
    if (!blocks.length) return null;
    var first = blocks[0], last = blocks[blocks.length - 1];
    var firstText = codePoints(first.textContent), lastText = codePoints(last.textContent);
    var a = blockFor(range.startContainer) === first ? offsetIn(first, range.startContainer, range.startOffset) : 0;
    var b = blockFor(range.endContainer) === last ? offsetIn(last, range.endContainer, range.endOffset) : lastText.length;
    if (a >= firstText.length && blocks.length > 1) { // starts at the very end of a block
      blocks.shift(); first = blocks[0]; firstText = codePoints(first.textContent); a = 0;
    }
    if (b === 0 && blocks.length > 1) { // ends at the very start of a block
      blocks.pop(); last = blocks[blocks.length - 1]; lastText = codePoints(last.textContent); b = lastText.length;
    }
    a = snapStart(firstText, a);
    b = snapEnd(lastText, b);
    var start = Number(first.dataset.start) + a, end = Number(last.dataset.start) + b;
    return end > start ? { start: start, end: end } : null;
  }

  function copyText(text, button) {
    function done(ok) {
      var status = document.getElementById("cite-status") || button;
      button.dataset.copied = ok ? "yes" : "no";
      if (status.id === "cite-status") status.textContent = ok ? "Copied." : "Select the text and copy it.";
      button.textContent = ok ? "Copied" : "Copy failed";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  }

  function wireCopyButtons(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.wired) return;
      button.dataset.wired = "yes";
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.copy);
        if (target) copyText(target.href && target.tagName === "A" ? target.href : target.textContent, button);
      });
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderStyles(container, citations) {
    container.textContent = "";
    Object.keys(citations).forEach(function (style) {
      var c = citations[style];
      var section = element("section", "cite-style");
      var heading = element("h3", null, c.label);
      heading.id = "panel-" + style + "-h";
      section.setAttribute("aria-labelledby", heading.id);
      section.appendChild(heading);
      c.entries.forEach(function (entry, i) {
        var id = "panel-" + style + "-" + (i + 1);
        var wrap = element("div", "cite-entry");
        wrap.appendChild(element("p", "cite-label", entry.label));
        var text = element(entry.text.indexOf("\n") >= 0 ? "pre" : "p", "citation", entry.text);
        text.id = id;
        if (text.tagName === "PRE") { text.tabIndex = 0; text.setAttribute("aria-label", c.label); }
        wrap.appendChild(text);
        var button = element("button", "copy", "Copy");
        button.type = "button";
        button.dataset.copy = id;
        button.appendChild(element("span", "visually-hidden", " " + c.label + " " + entry.label.toLowerCase()));
        wrap.appendChild(button);
        section.appendChild(wrap);
      });
      container.appendChild(section);
    });
  }

  var STYLE_KEY = "archive-cite-style"; // the reader's style, chosen on a quote page (cite-style.js)

  function styleOrder(citations) {
    var styles = Object.keys(citations), saved = null;
    try { saved = window.localStorage.getItem(STYLE_KEY); } catch (e) { /* not kept */ }
    if (styles.indexOf(saved) > 0) styles.splice(0, 0, styles.splice(styles.indexOf(saved), 1)[0]);
    return styles;
  }

  // Copy gives only the words: the text of each numbered block the selection touches, one
  // blank line between blocks, whatever controls (Cite links, buttons) sit between them.
  function copiedWords(range, body) {
    var parts = [];
    body.querySelectorAll(".para").forEach(function (block) {
      if (!range.intersectsNode(block)) return;
      var part = document.createRange();
      part.selectNodeContents(block);
      if (range.compareBoundaryPoints(Range.START_TO_START, part) > 0) part.setStart(range.startContainer, range.startOffset);
      if (range.compareBoundaryPoints(Range.END_TO_END, part) < 0) part.setEnd(range.endContainer, range.endOffset);
      var text = part.toString();
      if (text) parts.push(text);
    });
    return parts.join("\n\n");
  }

  function wireCopy(body) {
    document.addEventListener("copy", function (event) {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount || !event.clipboardData) return;
      var range = selection.getRangeAt(0);
      if (!body.contains(range.commonAncestorContainer)) return; // reaches outside the text: as is
      var words = copiedWords(range, body);
      if (!words) return;
      event.clipboardData.setData("text/plain", words);
      event.preventDefault();
    });
  }

  function init() {
    var article = document.querySelector("article.document[data-document]");
    var body = document.getElementById("document-body");
    wireCopyButtons(document);
    if (!article || !body) return;
    var doc = article.dataset.document, version = article.dataset.version;
    var button = document.getElementById("cite-button");
    var panel = document.getElementById("cite-panel");
    var span = null, opener = null, firstBlock = null, pending = false, dragging = false;
    wireCopy(body);

    // Put each "Cite paragraph N" link right after its paragraph (keyboard users meet it there);
    // cite.css keeps it out of selections, and the copy handler out of the clipboard.
    document.querySelectorAll("a.cite-para[data-para]").forEach(function (link) {
      var para = document.getElementById("p" + link.dataset.para);
      if (!para) return;
      var holder = element("p", "cite-para-holder");
      holder.appendChild(link);
      para.insertAdjacentElement("afterend", holder);
    });
    var list = document.querySelector(".cite-paragraphs");
    if (list) list.hidden = true;

    // The selected range if it holds words of the text (and note them in span), else null.
    function selectedRange() {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
      var range = selection.getRangeAt(0);
      if (!body.contains(range.commonAncestorContainer) && !range.intersectsNode(body)) return null;
      var found = rangeToSpan(range, body);
      if (!found) return null;
      span = found;
      firstBlock = blockFor(range.startContainer) || body.querySelector(".para");
      return range;
    }

    function placeButton() {
      pending = false;
      var range = panel.hidden && !dragging ? selectedRange() : null;
      if (!range) { button.hidden = true; return; }
      var rect = range.getBoundingClientRect(), width = document.documentElement.clientWidth;
      button.hidden = false;
      var left = Math.max(8, Math.min(rect.left, width - button.offsetWidth - 8));
      button.style.top = (window.scrollY + rect.bottom + 6) + "px";
      button.style.left = (window.scrollX + left) + "px";
    }

    // The control follows the selection itself, however it was made (mouse, keys, a finger).
    function schedule() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(placeButton);
    }

    function showPanel() {
      panel.hidden = false;
      button.hidden = true;
      document.getElementById("cite-panel-h").focus();
    }

    function openPanel() {
      selectedRange(); // the selection as it is now, not as the last frame saw it
      if (!span) return;
      var active = document.activeElement;
      opener = active && active !== document.body ? active : button;
      var api = "/api/v1/documents/" + encodeURIComponent(doc) + "/v" + version + "/q/" + span.start + "-" + span.end;
      fetch(api, { headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (data) {
        document.getElementById("cite-words").textContent = data.quote.text;
        var link = document.getElementById("cite-permalink");
        link.href = data.quote.permalink;
        link.textContent = data.quote.url;
        document.getElementById("cite-status").textContent = "";
        var ordered = {};
        styleOrder(data.citations).forEach(function (style) { ordered[style] = data.citations[style]; });
        renderStyles(document.getElementById("cite-panel-styles"), ordered);
        wireCopyButtons(panel);
        showPanel();
      }).catch(function (error) {
        document.getElementById("cite-status").textContent = "Could not make a citation: " + error.message;
        showPanel();
      });
    }

    // Closed by Escape, by Close or by a tap or click outside; focus goes back where it was:
    // the control that opened the panel, or, when the selection is gone, its paragraph.
    function closePanel() {
      if (panel.hidden) return;
      panel.hidden = true;
      placeButton();
      var target = opener === button && button.hidden ? firstBlock : opener;
      if (target && target.classList && target.classList.contains("para")) target.tabIndex = -1;
      if (target && target.focus) target.focus();
    }

    document.addEventListener("selectionchange", schedule);
    // Not while a mouse button is down: the control would appear under the pointer and the
    // drag would go on to select its text.
    document.addEventListener("mousedown", function (event) { dragging = event.target !== button; });
    document.addEventListener("mouseup", function () { dragging = false; schedule(); });
    document.addEventListener("keyup", function (event) { if (event.shiftKey || event.key === "Shift") schedule(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) { event.preventDefault(); closePanel(); }
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !panel.contains(event.target) && event.target !== button) closePanel();
    });
    button.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
    button.addEventListener("click", openPanel);
    document.getElementById("cite-close").addEventListener("click", closePanel);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  window.archiveCite = { rangeToSpan: rangeToSpan, snapStart: snapStart, snapEnd: snapEnd };
})();
