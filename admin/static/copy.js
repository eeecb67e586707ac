document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  button.addEventListener("click", function () {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    field.select();
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
    });
  });
});
document.querySelectorAll("[data-select-all]").forEach(function (box) {
  box.addEventListener("change", function () {
    document.querySelectorAll("input[name='" + box.getAttribute("data-select-all") + "']").forEach(function (item) {
      item.checked = box.checked;
    });
  });
});
