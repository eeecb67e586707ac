/* Live email preview: a form with data-preview-url posts its fields (CSRF token included) as
   the person types and shows the answer in the iframe named by data-preview-target. Without
   JavaScript the page's own Preview button or link does the same. */
document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
  var id = form.getAttribute("data-preview-target");
  var frame = document.getElementById(id);
  var subject = document.getElementById(id + "-subject");
  var error = document.getElementById(id + "-error");
  var timer = null;
  function refresh() {
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (answer.error) {
        error.textContent = typeof answer.error === "string" ? answer.error : answer.error.message;
        return;
      }
      error.textContent = "";
      subject.textContent = answer.subject;
      frame.srcdoc = answer.html;
    });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
});
