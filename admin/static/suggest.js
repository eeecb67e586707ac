// Type-ahead for inputs with data-suggest: fill their <datalist> with matching account names.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(input.value);
        fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { accounts: [] }; })
          .then(function (data) {
            list.textContent = "";
            (data.accounts || []).forEach(function (account) {
              var option = document.createElement("option");
              option.value = account.name;
              list.appendChild(option);
            });
          }).catch(function () {});
      }, 200);
    });
  });
}());
