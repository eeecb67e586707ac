/* "Turn on notifications on this device": registers the service worker, asks for permission
   (only from the tap), subscribes with the deployment's VAPID key and sends the subscription
   to the server. A device already turned on re-sends its subscription on each visit. */
"use strict";
(function () {
  const box = document.querySelector("[data-push]");
  if (!box) return;
  const button = box.querySelector("[data-push-button]");
  const status = box.querySelector("[data-push-status]");
  const say = (text) => { status.textContent = text; };

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function send(subscription) {
    const response = await fetch(box.dataset.subscribeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(subscription),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new Error(answer.error || "The server did not accept this device.");
    }
  }

  async function register() {
    const registration = await navigator.serviceWorker.register(box.dataset.worker, { scope: box.dataset.scope });
    await navigator.serviceWorker.ready;
    return registration;
  }

  async function turnOn() {
    button.disabled = true;
    say("Turning on notifications…");
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        throw new Error("notifications are blocked for this site. Allow them in your browser's site settings and try again.");
      }
      const registration = await register();
      let subscription = await registration.pushManager.getSubscription();
      if (!subscription) {
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.vapidKey),
        });
      }
      await send(subscription);
      say("Notifications are on for this device.");
      button.textContent = "Notifications are on";
    } catch (error) {
      say("Could not turn on notifications: " + ((error && error.message) || error) +
          " You still get emails and see everything under Notifications.");
      button.disabled = false;
    }
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot show notifications. On iPhone, add this site to your Home Screen first.");
    button.disabled = true;
    return;
  }
  button.addEventListener("click", turnOn);
  if (Notification.permission === "granted") {
    // Subscriptions expire silently: refresh this device's on every visit.
    register()
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => subscription && send(subscription))
      .then(() => say(""))
      .catch(() => {});
  }
})();
