/* Helpsquare's widget, for a company's own site:
 *   <script src="https://helpsquare.example/widget.js" data-company="acme-cloud" async></script>
 * adds a "Help" button that opens the company's help (/embed/companies/<slug>) in a dialog.
 * Optional: data-label (the button's text), data-sso-login (your page that signs the
 * customer in through Helpsquare's single sign-on; see the README).
 * No inline code or styles are added to your page, so it works under a strict CSP.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) {
    return;
  }
  var company = script.getAttribute("data-company") || "";
  if (!/^[a-z0-9][a-z0-9-]{0,109}$/.test(company)) {
    return;
  }
  // The words people read, in the language the script was asked in (Helpsquare fills them
  // in for each request: app/integrations/widget.py).
  var words = {"help": "Help", "close": "Close"};
  var page = new URL("/embed/companies/" + company, script.src);
  var sso = script.getAttribute("data-sso-login");
  if (sso) {
    page.searchParams.set("sso", sso);
  }

  function style(node, rules) {
    for (var name in rules) {
      node.style.setProperty(name, rules[name]);
    }
  }

  function start() {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = script.getAttribute("data-label") || words.help;
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("data-helpsquare", "open");
    style(button, {
      position: "fixed", right: "1rem", bottom: "1rem", "z-index": "2147483000",
      padding: "0.6rem 1.1rem", border: "0", "border-radius": "999px",
      background: "#0b5cad", color: "#fff", font: "600 1rem system-ui, sans-serif",
      cursor: "pointer", "box-shadow": "0 2px 8px rgba(0,0,0,.3)"
    });

    var dialog = document.createElement("dialog");
    dialog.setAttribute("aria-label", words.help);
    style(dialog, {
      width: "min(28rem, calc(100vw - 2rem))", height: "min(38rem, calc(100vh - 2rem))",
      padding: "0", border: "1px solid #d9dcdf", "border-radius": "8px"
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = words.close;
    close.setAttribute("data-helpsquare", "close");
    style(close, { position: "absolute", top: "0.4rem", right: "0.4rem", cursor: "pointer" });
    var frame = document.createElement("iframe");
    frame.title = words.help;
    style(frame, { width: "100%", height: "100%", border: "0", display: "block" });
    dialog.appendChild(frame);
    dialog.appendChild(close);

    button.addEventListener("click", function () {
      if (!frame.getAttribute("src")) {
        frame.setAttribute("src", page.href);
      }
      if (dialog.showModal) {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
      frame.focus();
    });
    close.addEventListener("click", function () {
      if (dialog.close) {
        dialog.close();
      } else {
        dialog.removeAttribute("open");
      }
      button.focus();
    });
    dialog.addEventListener("close", function () {
      button.focus();
    });
    document.body.appendChild(button);
    document.body.appendChild(dialog);
  }

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
