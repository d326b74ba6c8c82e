// frontdesk web: the desk page's own script (no inline scripts: the CSP allows none).
// - It points textual.js at this server's websocket (same host and scheme as the page).
// - It starts textual.js only once the terminal font (served here, never from another host)
//   is loaded: xterm.js measures its cells once, and a fallback font's size would leave the
//   last rows (the key bar) off screen.
// - When the desk closes (the app quit, the session expired, another tab took over) it
//   leaves the page for /ended, which says why or goes back to the sign-in form.
(function () {
  "use strict";
  var terminal = document.getElementById("terminal");
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  terminal.dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws";

  var start = window.onload; // textual.js's start-up, set when it loaded
  window.onload = null;
  var loaded = new Promise(function (resolve) {
    if (document.readyState === "complete") {
      resolve();
    } else {
      window.addEventListener("load", resolve, { once: true });
    }
  });
  var size = terminal.dataset.fontSize || "16";
  var fonts = document.fonts
    ? Promise.all([
        document.fonts.load(size + "px 'Roboto Mono'"),
        document.fonts.load("bold " + size + "px 'Roboto Mono'"),
      ]).catch(function () {})
    : Promise.resolve();
  Promise.all([loaded, fonts]).then(function () {
    if (typeof start === "function") {
      start.call(window, new Event("load"));
    }
    // Keys go to the desk at once: the receptionist types right after signing in.
    var input = terminal.querySelector("textarea");
    if (input) {
      input.focus();
    }
  });

  var leaving = false;
  new MutationObserver(function () {
    if (!leaving && document.body.classList.contains("-closed")) {
      leaving = true;
      window.location.replace("/ended");
    }
  }).observe(document.body, { attributes: true, attributeFilter: ["class"] });
})();
