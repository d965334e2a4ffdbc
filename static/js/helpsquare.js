/* Helpsquare's one script, and only an enhancement: every page works without it. Each block
 * below is one feature; `helpsquare` holds what they share.
 *
 * Everything is built with textContent: no server or user text is ever parsed as HTML.
 */
var helpsquare = {
  element: function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  },
  // Only links into this site: the server gives paths, never anything else. "//host" and
  // "/\host" would lead away (browsers read both as another host).
  localPath: function (url) {
    return (
      typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\"
    );
  },
};

/* Similar questions.
 *
 * On the ask page, questions that look like the one being typed appear under the title
 * (from /search/similar), so the asker can find the answer before posting. Without this
 * script the server shows the same list as a step after the first "Post".
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

  var element = helpsquare.element;

  function item(question) {
    // Only links into this site: the server gives paths, never anything else.
    if (!helpsquare.localPath(question.url)) {
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

/* The header (issue 13): its menus (<details>, which open without this script) close on
 * Escape and on a click elsewhere; on narrow screens the search icon opens the header's
 * search form in place (without the script it is a link to the search page); the bell opens
 * the latest few notifications from /notifications/latest (JSON, built here with
 * textContent), without marking anything read. Without the script the bell is a link to
 * the notifications page.
 */
(function () {
  "use strict";

  var header = document.querySelector(".site-header");
  if (!header) {
    return;
  }

  var element = helpsquare.element;

  var localPath = helpsquare.localPath;

  var menus = Array.prototype.slice.call(header.querySelectorAll("details.menu"));
  var bell = header.querySelector("a.bell[data-latest-url]");
  var panel = null;

  function closeMenus(except) {
    menus.forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }

  function closeBell() {
    if (panel && !panel.hidden) {
      panel.hidden = true;
      bell.setAttribute("aria-expanded", "false");
    }
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        closeMenus(menu);
        closeBell();
      }
    });
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
    if (panel && !panel.hidden && !panel.contains(event.target) && !bell.contains(event.target)) {
      closeBell();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    if (panel && !panel.hidden) {
      closeBell();
      bell.focus();
    }
  });

  // Narrow screens: the search icon shows the form under the header and puts the caret in it.
  var toggle = header.querySelector("a.site-search-toggle[data-search-form]");
  var search = toggle && document.getElementById(toggle.getAttribute("data-search-form"));
  if (search) {
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", search.id);
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var open = !header.classList.contains("site-header--search");
      header.classList.toggle("site-header--search", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        closeMenus(null);
        closeBell();
        var input = search.querySelector("input[type='search']");
        if (input) {
          input.focus();
        }
      }
    });
  }

  if (!bell || !window.fetch) {
    return;
  }

  function showLatest(data) {
    var labels = data.labels || {};
    panel.textContent = "";
    panel.appendChild(element("p", "bell-panel__heading", labels.heading || "Latest notifications"));
    var items = (Array.isArray(data.items) ? data.items : []).filter(function (item) {
      return localPath(item.url);
    });
    if (items.length) {
      var list = element("ul", "bell-panel__list");
      items.forEach(function (item) {
        var li = element("li", item.unread ? "is-unread" : null);
        var link = element("a");
        link.href = item.url;
        if (item.unread) {
          link.appendChild(element("span", "notification__flag", labels["new"] || "New"));
        }
        link.appendChild(document.createTextNode(item.text));
        var when = element("time", null, item.when);
        when.setAttribute("datetime", item.when_iso || "");
        link.appendChild(when);
        li.appendChild(link);
        list.appendChild(li);
      });
      panel.appendChild(list);
    } else {
      panel.appendChild(element("p", "bell-panel__empty", labels.empty || "No notifications yet."));
    }
    var all = element("a", "bell-panel__all", labels.all || "All notifications");
    all.href = localPath(data.all_url) ? data.all_url : bell.getAttribute("href");
    panel.appendChild(all);
  }

  bell.setAttribute("aria-expanded", "false");
  bell.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) {
      return; // a new tab or window: the notifications page, as the link says
    }
    event.preventDefault();
    if (panel && !panel.hidden) {
      closeBell();
      return;
    }
    if (!panel) {
      panel = element("div", "menu__panel bell-panel");
      panel.id = "bell-panel";
      panel.setAttribute("role", "region");
      panel.setAttribute("aria-label", bell.getAttribute("aria-label"));
      bell.setAttribute("aria-controls", panel.id);
      bell.parentNode.appendChild(panel);
    }
    closeMenus(null);
    panel.hidden = false;
    bell.setAttribute("aria-expanded", "true");
    fetch(bell.getAttribute("data-latest-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(showLatest)
      .catch(function () {
        // Signed out elsewhere or offline: the page itself still has them all.
        window.location.href = bell.getAttribute("href");
      });
  });
})();

/* Question lists (company, product and all questions): the filters apply as soon as one
 * changes; the Filter button stays for pages without this script, hidden once it runs. A
 * long company or product description shows its first lines, with a button for the rest.
 */
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("form[data-apply-on-change]"), function (form) {
    var button = form.querySelector("button[type='submit']");
    if (button) {
      button.hidden = true;
    }
    form.addEventListener("change", function () {
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-clamp]"), function (box) {
    box.classList.add("is-clamped");
    if (box.scrollHeight <= box.clientHeight + 2) {
      box.classList.remove("is-clamped");
      return; // short enough to show whole
    }
    var more = document.createElement("button");
    more.type = "button";
    more.className = "link-button clamp-toggle";
    more.textContent = box.getAttribute("data-label-more") || "Show more";
    more.setAttribute("aria-expanded", "false");
    more.addEventListener("click", function () {
      var open = box.classList.toggle("is-clamped") === false;
      more.textContent = open
        ? box.getAttribute("data-label-less") || "Show less"
        : box.getAttribute("data-label-more") || "Show more";
      more.setAttribute("aria-expanded", open ? "true" : "false");
    });
    box.parentNode.insertBefore(more, box.nextSibling);
  });
})();

/* /ask: the companies follow the typing (from /companies/suggest). */
(function () {
  "use strict";
  var input = document.getElementById("company-picker-q");
  var list = document.getElementById("company-picker-list");
  var add = document.getElementById("company-picker-add");
  var timer;
  if (!input || !list || !add || !window.fetch) {
    return;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q))
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          if (q === input.value.trim()) {
            list.textContent = "";
            data.items.forEach(function (company) {
              var li = list.appendChild(document.createElement("li"));
              var link = li.appendChild(document.createElement("a"));
              link.href = helpsquare.localPath(company.ask_url) ? company.ask_url : "#";
              link.textContent = company.name;
              li.append(" ", company.domain);
            });
            document.getElementById("company-picker-status").textContent = data.message;
            add.href = helpsquare.localPath(data.add_url) ? data.add_url : add.href;
          }
        })
        .catch(function () {});
    }, 200);
  });
})();


/* Actions in place (issue 13; app/in_place.py): helpful, me too, follow, endorse, the best
 * answer and "Mark as read" are one-button forms marked data-fetch. This block sends the
 * same POST with the CSRF token in a header, asking for JSON, and changes the page where it
 * stands: the button's pressed state and label, the count beside it, the badges, the bell.
 * The focus stays on the button; what happened is said next to it (a status, or an alert
 * for a refusal). If the request cannot be made at all (offline), the form is posted as it
 * would be without this script. Text goes in with textContent only.
 */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData || !document.addEventListener) {
    return;
  }

  function closest(node, selector) {
    return node && node.closest ? node.closest(selector) : null;
  }

  // The sentence next to the form: one element per form, made the first time, so a screen
  // reader announces the change (polite) or the refusal (an alert).
  function say(form, text, refused) {
    var box = form.nextElementSibling;
    if (!box || !box.classList.contains("action-status")) {
      box = document.createElement("span");
      box.className = "action-status";
      box.setAttribute("role", "status");
      form.parentNode.insertBefore(box, form.nextSibling);
    }
    box.setAttribute("role", refused ? "alert" : "status");
    box.classList.toggle("action-status--error", !!refused);
    box.textContent = "";
    // A moment apart, so the change is announced even in a box made just now.
    window.setTimeout(function () {
      box.textContent = text || "";
    }, 50);
  }

  function setHidden(form, name, value) {
    var field = form.querySelector("input[type='hidden']:not([name='csrf_token'])");
    if (field) {
      field.name = name;
      field.value = value;
    }
  }

  function setLabel(button, text) {
    if (typeof text === "string" && text) {
      button.textContent = text;
    }
  }

  function badge(kind, icon, text) {
    var node = document.createElement("span");
    node.className = "badge badge--" + kind;
    var mark = document.createElement("span");
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = icon + " ";
    node.appendChild(mark);
    node.appendChild(document.createTextNode(text));
    return node;
  }

  function endorsement(form, state) {
    var header = closest(form, "article.answer");
    header = header && header.querySelector(".answer__header");
    if (!header || !state) {
      return;
    }
    var shown = header.querySelector(".badge--answered");
    if (state.shown && !shown) {
      var badges = header.querySelectorAll(".badge");
      var after = badges.length ? badges[badges.length - 1] : null;
      var node = badge("answered", "✓", state.text);
      header.insertBefore(node, after ? after.nextSibling : header.firstChild);
      header.insertBefore(document.createTextNode(" "), node);
    } else if (!state.shown && shown) {
      shown.parentNode.removeChild(shown);
    }
  }

  // The question's "Answered" badge (its header's first line of badges).
  function answered(state) {
    var meta = document.querySelector("#question > header > p.meta");
    if (!meta || !state) {
      return;
    }
    var shown = meta.querySelector(".badge--answered");
    if (state.shown && !shown) {
      var kind = meta.querySelector(".badge");
      var node = badge("answered", "✓", state.text);
      meta.insertBefore(node, kind ? kind.nextSibling : meta.firstChild);
      meta.insertBefore(document.createTextNode(" "), node);
    } else if (!state.shown && shown) {
      meta.removeChild(shown);
    }
  }

  // The best answer moves: every answer card on the page gets its badge and button again.
  function bestAnswer(reply) {
    answered(reply.answered);
    var cards = document.querySelectorAll("article.answer[id^='answer-']");
    Array.prototype.forEach.call(cards, function (card) {
      var id = card.id.slice("answer-".length);
      var best = reply.best_answer_id !== null && String(reply.best_answer_id) === id;
      card.classList.toggle("answer--best", best);
      var header = card.querySelector(".answer__header");
      var old = header && header.querySelector(".badge--best");
      if (old && !best) {
        header.removeChild(old);
      } else if (header && best && !old) {
        header.insertBefore(document.createTextNode(" "), header.firstChild);
        header.insertBefore(badge("best", "★", reply.badge_text), header.firstChild);
      }
      var form = card.querySelector("form[data-fetch][action$='/best-answer']");
      var button = form && form.querySelector("button");
      if (!button) {
        return;
      }
      if (best) {
        setHidden(form, "action", "clear");
        setLabel(button, reply.unmark_label);
      } else {
        setHidden(form, "answer_id", id);
        setLabel(button, reply.choose_label);
      }
    });
  }

  function bell(state) {
    var link = document.querySelector("a.bell");
    if (!link || !state) {
      return;
    }
    link.setAttribute("aria-label", state.label);
    var count = link.querySelector(".bell__count");
    if (!state.count && count) {
      link.removeChild(count);
    } else if (state.count) {
      if (!count) {
        count = document.createElement("span");
        count.className = "bell__count";
        link.appendChild(count);
      }
      count.textContent = String(state.count);
    }
  }

  // A notification read from its row: the row says so, the button goes, the focus goes to
  // the row's link (it would otherwise fall to the top of the page).
  function readRow(form) {
    var row = closest(form, "li.notification");
    if (!row) {
      return false;
    }
    row.classList.remove("notification--unread");
    var flag = row.querySelector(".notification__flag");
    if (flag) {
      flag.parentNode.removeChild(flag);
    }
    var link = row.querySelector(".notification__text a");
    form.parentNode.removeChild(form);
    if (link) {
      link.focus();
    }
    return true;
  }

  function apply(form, button, reply) {
    if (typeof reply.pressed === "boolean") {
      button.setAttribute("aria-pressed", reply.pressed ? "true" : "false");
    }
    if (typeof reply.action === "string") {
      setHidden(form, "action", reply.action);
    }
    setLabel(button, reply.label);
    var selector = form.getAttribute("data-fetch-count");
    var scope = closest(form, ".actions") || document;
    var count = selector ? scope.querySelector(selector) : null;
    if (count && typeof reply.count_text === "string") {
      count.textContent = reply.count_text;
    }
    if (reply.endorsed) {
      endorsement(form, reply.endorsed);
    }
    if ("best_answer_id" in reply) {
      bestAnswer(reply);
    }
    if (reply.bell) {
      bell(reply.bell);
    }
    say(form, reply.message, false);
    if (reply.read) {
      readRow(form); // the sentence stays where the button was
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-fetch") || event.defaultPrevented) {
      return;
    }
    var token = form.querySelector("input[name='csrf_token']");
    var button = form.querySelector("button");
    if (!token || !button) {
      return; // the plain post
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") {
      return; // one at a time: a second press waits for the first answer
    }
    form.setAttribute("aria-busy", "true");
    // getAttribute: the toggles' hidden field is named "action", which hides form.action.
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token.value },
      body: new FormData(form),
    })
      .then(
        function (response) {
          return response.json().then(
            function (reply) {
              return { ok: response.ok, reply: reply || {} };
            },
            function () {
              return { ok: false, reply: {} };
            }
          );
        },
        function () {
          return null; // no answer at all: offline
        }
      )
      .then(function (result) {
        form.removeAttribute("aria-busy");
        var error = result && result.reply.error;
        if (result && result.ok) {
          apply(form, button, result.reply);
        } else if (error && error.message) {
          say(form, error.message, true); // refused: nothing changed
        } else {
          form.submit(); // offline, or no answer we understand: as without this script
        }
      });
  });
})();
