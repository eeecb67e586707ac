/* Passkeys (WebAuthn) for Foyer's forms, without a build step.
 *
 * A form marked data-passkey="create" (add a passkey) or "get" (sign in, second step) is
 * handled here: on submit, its data-passkey-options URL is POSTed (with the form's CSRF token)
 * for the ceremony's options, the browser is asked to create or use a passkey, and its answer
 * is put, as JSON, into the form's hidden "credential" field before the form is submitted
 * normally. The server checks everything; errors come back on the page as usual.
 * Messages are given by the page (data-msg-*) so they are translated.
 */
(function () {
  "use strict";

  function toBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBuffer(item.id) });
    });
  }

  function creationOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return { publicKey: options };
  }

  function requestOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return { publicKey: options };
  }

  function answer(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
    }
    return JSON.stringify(json);
  }

  function say(form, message) {
    var box = form.querySelector("[data-passkey-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function fetchOptions(form) {
    var token = form.querySelector("input[name=csrf_token]");
    return fetch(form.dataset.passkeyOptions, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
    }).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (body) {
        var problem = typeof body.error === "string" ? body.error : body.error && body.error.message;
        if (!reply.ok) throw new Error(problem || form.dataset.msgFailed);
        return body;
      });
    });
  }

  function run(form) {
    var creating = form.dataset.passkey === "create";
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetchOptions(form)
      .then(function (options) {
        return creating
          ? navigator.credentials.create(creationOptions(options))
          : navigator.credentials.get(requestOptions(options));
      })
      .then(function (credential) {
        if (!credential) throw new Error(form.dataset.msgCancelled);
        form.querySelector("input[name=credential]").value = answer(credential);
        form.submit();
      })
      .catch(function (error) {
        if (button) button.disabled = false;
        var cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
        say(form, cancelled ? form.dataset.msgCancelled : (error && error.message) || form.dataset.msgFailed);
      });
  }

  function setUp(form) {
    var supported = window.PublicKeyCredential && navigator.credentials && window.fetch;
    if (!supported) {
      var notice = form.querySelector("[data-passkey-unsupported]");
      if (notice) notice.hidden = false;
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      return;
    }
    form.addEventListener("submit", function (event) {
      if (typeof form.checkValidity === "function" && !form.checkValidity()) return;
      event.preventDefault();
      run(form);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey]"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
