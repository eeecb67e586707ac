// Live update of a conversation: ask the server every few seconds for messages newer than the
// last one shown and append them. Without JavaScript a reload shows them too.
(function () {
  "use strict";
  var list = document.querySelector("[data-poll]");
  if (!list) { return; }
  var url = list.getAttribute("data-poll");
  var seconds = parseInt(list.getAttribute("data-seconds"), 10) || 5;
  var busy = false;

  function after() {
    return list.getAttribute("data-after") || "0";
  }

  function tick() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(url + "?after=" + encodeURIComponent(after()), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : { messages: [] };
    }).then(function (data) {
      (data.messages || []).forEach(function (message) {
        if (document.getElementById("message-" + message.id)) { return; }
        // The server escaped every user-written character of this fragment.
        list.insertAdjacentHTML("beforeend", message.html);
        list.setAttribute("data-after", String(message.id));
      });
    }).catch(function () {}).then(function () { busy = false; });
  }

  window.setInterval(tick, seconds * 1000);
}());
