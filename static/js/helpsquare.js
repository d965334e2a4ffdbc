/* Helpsquare's one script, and only an enhancement: every page works without it.
 *
 * On the ask page, questions that look like the one being typed appear under the title
 * (from /search/similar), so the asker can find the answer before posting. Without this
 * script the server shows the same list as a step after the first "Post".
 * Everything is built with textContent: no server or user text is ever parsed as HTML.
 */
(function () {
  "use strict";

  var form = document.getElementById("ask-form");
  if (!form || !window.fetch) {
    return;
  }
  var title = form.querySelector("input[name='title']");
  var seen = form.querySelector("input[name='seen_similar']");
  var live = document.getElementById("similar-live");
  var url = form.getAttribute("data-similar-url");
  if (!title || !seen || !live || !url) {
    return;
  }
  // The matches show while typing, so posting needs no separate "is it one of these?" step.
  seen.value = "1";
  // The words around the matches, in the page's language (data-label-* on the form);
  // each match's count of answers comes from the server with it.
  function label(name, english) {
    return form.getAttribute("data-label-" + name) || english;
  }

  var MIN_LENGTH = 5;
  var WAIT_MS = 300;
  var timer = null;
  var asked = "";
  var pending = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function item(question) {
    // Only links into this site: the server gives paths, never anything else.
    if (typeof question.url !== "string" || question.url.charAt(0) !== "/" || question.url.charAt(1) === "/") {
      return null;
    }
    var li = element("li");
    var link = element("a", null, question.title);
    link.href = question.url;
    li.appendChild(link);
    var meta = element("p", "meta");
    // One badge, as the server's lists show it (app/questions/models.py state_badge).
    var state = question.badge || {};
    var one = element("span", "badge badge--" + question.kind + " badge--state badge--state-" + (state.state || "open"));
    one.appendChild(document.createTextNode(state.text || question.kind_label));
    if (state.icon) {
      var mark = element("span", null, " " + state.icon);
      mark.setAttribute("aria-hidden", "true");
      one.appendChild(mark);
    }
    meta.appendChild(one);
    var count = question.answer_count;
    var answers = question.answers_label || count + (count === 1 ? " answer" : " answers");
    meta.appendChild(document.createTextNode(" " + answers));
    li.appendChild(meta);
    return li;
  }

  function show(questions) {
    live.textContent = "";
    var items = questions.map(item).filter(Boolean);
    if (!items.length) {
      return;
    }
    live.appendChild(element("p", "field__label", label("heading", "Already asked? These look similar:")));
    var list = element("ul", "plain-list similar-list");
    items.forEach(function (li) {
      list.appendChild(li);
    });
    live.appendChild(list);
  }

  function lookUp() {
    var text = title.value.trim();
    if (text === asked) {
      return;
    }
    asked = text;
    if (pending) {
      pending.abort();
      pending = null;
    }
    if (text.length < MIN_LENGTH) {
      show([]);
      return;
    }
    pending = window.AbortController ? new AbortController() : null;
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    fetch(url + separator + "title=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : { items: [] };
      })
      .then(function (data) {
        if (text === asked) {
          show(Array.isArray(data.items) ? data.items : []);
        }
      })
      .catch(function () {
        // Offline, rate limited or superseded by newer typing: the form works regardless.
      });
  }

  title.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, WAIT_MS);
  });
  if (title.value.trim().length >= MIN_LENGTH) {
    lookUp();
  }
})();

/* The Markdown preview (app/comments/preview.py): a form's "Preview" button shows, below the
 * form, what its body fields will look like, from /preview (the CSRF token in a header),
 * without posting the form. The HTML shown is what the server's sanitizer (app/content.py)
 * made of the text: the very HTML the post is saved as and every page shows. Without this
 * script the button posts the form, which comes back with the same preview.
 */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData) {
    return;
  }

  function show(box, html) {
    var prose = box.querySelector(".prose");
    if (prose) {
      prose.innerHTML = html; // sanitized by the server, as on every page
      box.hidden = !html;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-preview-url]") : null;
    var form = button && button.form;
    var token = form && form.querySelector("input[name='csrf_token']");
    if (!token) {
      return; // the button posts the form: the page comes back with the preview
    }
    event.preventDefault();
    ["body", "private_details"].forEach(function (name) {
      var field = form.querySelector("textarea[name='" + name + "']");
      var box = field && form.querySelector("[data-preview-for='" + field.id + "']");
      if (!box) {
        return;
      }
      var data = new FormData();
      data.append("text", field.value);
      data.append("kind", button.getAttribute("data-preview-kind") || "post");
      fetch(button.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value, Accept: "application/json" },
        body: data,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (reply) {
          if (reply && typeof reply.html === "string") {
            show(box, reply.html);
          }
        })
        .catch(function () {
          // Offline or over the limit: the preview stays as it was; posting still works.
        });
    });
  });
})();
