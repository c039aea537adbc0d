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
