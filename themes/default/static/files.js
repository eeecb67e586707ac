// Files: drag and drop and a progress bar per file for forms marked data-upload. Each file
// goes in its own request (XMLHttpRequest, for upload progress); without JavaScript the form
// posts every chosen file at once and the page answers as usual.
(function () {
  "use strict";

  function row(list, name) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + name);
    var status = document.createElement("span");
    status.className = "upload-status";
    item.appendChild(label);
    item.appendChild(bar);
    item.appendChild(status);
    list.appendChild(item);
    return { item: item, bar: bar, status: status };
  }

  function fail(view, message) {
    view.item.classList.add("failed");
    view.bar.remove();
    view.status.textContent = message;
    view.status.setAttribute("role", "alert");
  }

  function send(form, file, view) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
      var folder = form.querySelector("[name=folder_id]");
      if (folder) data.append("folder_id", folder.value);
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) view.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 200 && body) {
          view.bar.value = 100;
          view.item.classList.add("done");
          view.status.textContent = "Uploaded as “" + body.stored[0] + "”";
          resolve(true);
        } else {
          var message = body && body.errors && body.errors.length ? body.errors[0]
            : xhr.status === 413 ? "This file is too large." : "The upload failed. Please try again.";
          fail(view, message);
          resolve(false);
        }
      });
      xhr.addEventListener("error", function () { fail(view, "The connection was lost. Please try again."); resolve(false); });
      xhr.send(data);
    });
  }

  function upload(form, files) {
    var list = form.querySelector(".upload-progress");
    var limit = parseInt(form.dataset.maxBytes, 10);
    var jobs = [];
    Array.prototype.forEach.call(files, function (file) {
      var view = row(list, file.name);
      if (limit && file.size > limit) {
        fail(view, "Too large: files can be at most " + form.dataset.maxText + ".");
        return;
      }
      jobs.push(send(form, file, view));
    });
    if (!jobs.length) return;
    Promise.all(jobs).then(function (results) {
      if (results.every(Boolean)) {
        window.setTimeout(function () { window.location.reload(); }, 1200);
      } else {
        var again = document.createElement("li");
        var link = document.createElement("a");
        link.href = window.location.href;
        link.textContent = "Show the uploaded files";
        again.appendChild(link);
        list.appendChild(again);
      }
    });
  }

  function init(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".dropzone") || form;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.files.length) upload(form, input.files);
      input.value = "";
    });
    input.addEventListener("change", function () {
      if (input.files.length) upload(form, input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) upload(form, event.dataTransfer.files);
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(init);
})();
