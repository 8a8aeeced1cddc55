/* Fit wide content to the article without sideways scrollbars (see book.css):
   - a code block a little too wide for the article gets a smaller font (down to MIN of its size),
     so aligned columns stay aligned; a block that would need less than that wraps instead;
   - a displayed equation that MathJax could not break (a matrix) is scaled down to fit.
   Runs once MathJax has typeset the page, and again when the window changes width. */
(function () {
  "use strict";
  var MIN = 0.72;

  function shrinkToFit(el, box, allowMin) {
    el.style.fontSize = "";
    var need = el.scrollWidth, have = box.clientWidth;
    if (need <= have + 1) return true;
    var base = parseFloat(getComputedStyle(el).fontSize);
    var scale = have / need;
    if (scale < allowMin) return false;
    for (var i = 0; i < 4 && el.scrollWidth > box.clientWidth + 1; i++) {
      el.style.fontSize = (base * scale).toFixed(2) + "px";
      scale *= 0.97;
    }
    return el.scrollWidth <= box.clientWidth + 1;
  }

  function fitCode() {
    document.querySelectorAll("article pre").forEach(function (pre) {
      if (pre.closest("table")) return;  // a cell's width follows its content: let it wrap
      pre.classList.add("nn-nowrap");
      if (!shrinkToFit(pre, pre, MIN)) {
        pre.style.fontSize = "";
        pre.classList.remove("nn-nowrap");
      }
    });
  }

  function fitMath() {
    document.querySelectorAll("article div.math").forEach(function (div) {
      var shown = div.querySelector(".MathJax_CHTML, .MathJax, .MathJax_Display");
      if (!shown) return;
      div.style.fontSize = "";
      if (div.scrollWidth > div.clientWidth + 1) {
        var scale = div.clientWidth / div.scrollWidth;
        div.style.fontSize = Math.floor(scale * 98) + "%";
      }
    });
  }

  function fitAll() {
    fitCode();
    fitMath();
  }

  var lastWidth = 0;
  function onResize() {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    fitAll();
  }

  // MathJax is loaded asynchronously: hook its end of startup (after the first typeset) whether
  // it has arrived already or not (a window.MathJax object set first is read as configuration).
  function afterMathJax() {
    window.MathJax.Hub.Register.StartupHook("End", fitMath);
  }
  if (window.MathJax && window.MathJax.Hub) {
    afterMathJax();
  } else {
    window.MathJax = window.MathJax || {};
    window.MathJax.AuthorInit = afterMathJax;
  }

  // Opened from disk, the browser blocks the search's fetches of the pages' text, so results
  // list titles only: say so, and how to get the full results.
  function noteSearchFromDisk() {
    var results = document.getElementById("search-results");
    if (!results || window.location.protocol !== "file:") return;
    var note = document.createElement("p");
    note.className = "nn-search-note";
    note.textContent = "Opened from disk, search lists page titles only: the browser does " +
      "not let a page read other files. Run ./nnbook read to serve the book on this machine " +
      "and see the matching text as well.";
    results.parentNode.insertBefore(note, results);
  }

  document.addEventListener("DOMContentLoaded", function () {
    lastWidth = window.innerWidth;
    noteSearchFromDisk();
    fitAll();
    window.addEventListener("resize", onResize);
  });
})();
