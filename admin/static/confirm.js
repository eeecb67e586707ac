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
