// Referrals page: "Copy link" copies the link's text field and says so for screen readers.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.querySelector(button.getAttribute("data-copy"));
  var status = document.querySelector("[data-copy-status]");
  if (!field) return;
  var done = function () {
    if (status) status.textContent = button.getAttribute("data-copied");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () {
      field.select();
      document.execCommand("copy");
      done();
    });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
