// The search box of the Clearance rule book: it filters the index that search-index.js sets
// (`window.clearanceSearchIndex`), with no request, so that it works from file://.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  var index = window.clearanceSearchIndex || [];
  var root = document.body.getAttribute("data-root") || "";
  if (!input || !results) {
    return;
  }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var folded = index.map(function (entry) {
    return fold(entry.name + " " + entry.title + " " + entry.words);
  });
  function show() {
    var words = fold(input.value).split(/\s+/).filter(function (word) { return word.length > 0; });
    results.textContent = "";
    if (words.length === 0) {
      return;
    }
    var shown = 0;
    for (var position = 0; position < index.length && shown < 30; position += 1) {
      var text = folded[position];
      if (words.every(function (word) { return text.indexOf(word) >= 0; })) {
        var entry = index[position];
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + entry.url;
        link.textContent = entry.name;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = entry.kind;
        item.appendChild(kind);
        item.appendChild(link);
        item.appendChild(document.createTextNode(" " + entry.title));
        results.appendChild(item);
        shown += 1;
      }
    }
  }
  input.addEventListener("input", show);
})();
