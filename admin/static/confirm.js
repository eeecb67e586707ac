// Destructive buttons and forms ask first: data-confirm="Question?" on a button or a form.
// Without JavaScript the action runs as before; pages whose action cannot be undone also use
// a confirmation page.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);

// A colour picker beside each hex field (data-colour-for): either one updates the other. Without
// JavaScript the hex field alone is submitted, as before.
document.querySelectorAll("input[type=color][data-colour-for]").forEach(function (picker) {
  var field = document.getElementById(picker.getAttribute("data-colour-for"));
  picker.addEventListener("input", function () { field.value = picker.value; });
  field.addEventListener("input", function () {
    if (/^#[0-9a-fA-F]{6}$/.test(field.value)) { picker.value = field.value.toLowerCase(); }
  });
});
