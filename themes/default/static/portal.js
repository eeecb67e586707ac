// The Menu button of the client navigation (a <details> element, so it works without
// JavaScript): kept open on wide screens, closed on phones, and its aria-expanded follows it.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48rem)");
  var menus = document.querySelectorAll("[data-nav-menu]");

  function sync(menu) {
    var summary = menu.querySelector("summary");
    if (summary) { summary.setAttribute("aria-expanded", menu.open ? "true" : "false"); }
  }

  function fit() {
    menus.forEach(function (menu) {
      menu.open = wide.matches;
      sync(menu);
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { sync(menu); });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        sync(menu);
        menu.querySelector("summary").focus();
      }
    });
  });
  if (wide.addEventListener) { wide.addEventListener("change", fit); }
  fit();
}());
