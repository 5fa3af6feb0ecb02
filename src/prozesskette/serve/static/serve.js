// prozesskette serve: live update, zoom and pan. Part of prozesskette (MIT, see LICENSE.txt);
// no third-party code. The pages work without this file; it only adds to them.
"use strict";

(function () {
  const body = document.body;
  const status = document.getElementById("pv-status");

  function announce(text) {
    if (status) status.textContent = text;
  }

  function clock() {
    return new Date().toLocaleTimeString("de-DE");
  }

  function listen(query, onEvent) {
    const source = new EventSource("/_/events" + query);
    source.onmessage = function (message) {
      try {
        onEvent(JSON.parse(message.data));
      } catch (error) {
        announce("Aktualisierung fehlgeschlagen.");
      }
    };
    return source;
  }

  // ------------------------------------------------------------ the list of chains
  if (body.dataset.page === "index") {
    const rows = document.getElementById("pv-rows");
    listen("", function () {
      fetch("/_/rows", {cache: "no-store"}).then(function (response) {
        return response.text();
      }).then(function (html) {
        rows.innerHTML = html;
        announce("Liste aktualisiert um " + clock() + ".");
      });
    });
    return;
  }
  if (body.dataset.page !== "chain") return;

  // ------------------------------------------------------------ one chain
  const name = body.dataset.chain;
  const form = document.getElementById("pv-controls");
  const viewport = document.getElementById("pv-viewport");
  const canvas = document.getElementById("pv-canvas");
  const problems = document.getElementById("pv-problems");
  let revision = Number(body.dataset.revision);
  let loading = null;
  let again = false;

  // The view's URL query, as the server's ViewOptions.query() writes it: a control's first
  // option is its default and left out, except the whole chain ("focus=") when the server
  // has a default focus.
  function query() {
    const params = new URLSearchParams();
    for (const select of form.querySelectorAll("select")) {
      const first = select.options.length ? select.options[0].value : "";
      if (select.value !== first || (select.name === "focus" && body.dataset.focusDefault)) {
        params.set(select.name, select.value);
      }
    }
    const text = params.toString().replace(/%2C/g, ",");
    return text ? "?" + text : "";
  }

  function pathOf(chain) {
    return chain.split("/").map(encodeURIComponent).join("/");
  }

  // The actors a focus view can show change with the file (an actor renamed, added, or
  // without steps now); the server then sends a different control. It replaces the old one
  // only when its choices or its choice differ, and keeps the keyboard focus on it.
  function signature(select) {
    if (!select) return "";
    return Array.from(select.options, function (option) {
      return option.value + "\t" + option.text;
    }).join("\n") + "\n" + select.value;
  }

  function replaceFocusControl(html) {
    const select = document.getElementById("pv-focus");
    const template = document.createElement("template");
    template.innerHTML = html || "";
    const fresh = template.content.firstElementChild;
    if (signature(select) === signature(fresh && fresh.querySelector("select"))) return;
    const focused = select !== null && document.activeElement === select;
    if (select) select.closest("label").remove();
    if (!fresh) return;
    form.insertBefore(fresh, form.querySelector(".pv-apply"));
    if (focused) fresh.querySelector("select").focus();
  }

  function refresh(reason) {
    if (loading) {
      again = true;
      return loading;
    }
    loading = fetch("/_/view/" + pathOf(name) + query(), {cache: "no-store"})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (view) {
        revision = Math.max(revision, view.revision);
        body.dataset.revision = String(view.revision);
        if (view.chart) canvas.innerHTML = view.chart;
        viewport.classList.toggle("pv-outdated", view.outdated);
        const open = problems.querySelector("details[open] summary");
        problems.innerHTML = view.problems;
        const nav = document.querySelector(".pv-downloads");
        if (nav) nav.outerHTML = view.downloads;
        replaceFocusControl(view.focus_control);
        if (open) {
          for (const summary of problems.querySelectorAll("summary")) {
            if (summary.textContent === open.textContent) summary.parentElement.open = true;
          }
        }
        announce((view.errors ? "Die Datei hat Fehler. " : "Diagramm aktualisiert. ") +
          reason + " " + clock() + ".");
      })
      .catch(function () {
        announce("Aktualisierung fehlgeschlagen; der Server läuft vielleicht nicht mehr.");
      })
      .finally(function () {
        loading = null;
        if (again) {
          again = false;
          refresh(reason);
        }
      });
    return loading;
  }

  listen("?chain=" + encodeURIComponent(name), function (event) {
    if (event.chain === name && event.revision > revision) refresh("Gespeichert um");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "/" + pathOf(name) + query());
    refresh("Ansicht geändert um");
  });
  form.addEventListener("change", function () {
    form.requestSubmit();
  });

  // ------------------------------------------------------------ zoom and pan
  let scale = 1, x = 0, y = 0;
  const pointers = new Map();
  let pinch = null;

  function apply() {
    canvas.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")";
  }

  function zoomAt(factor, px, py) {
    const next = Math.min(8, Math.max(0.2, scale * factor));
    x = px - (px - x) * (next / scale);
    y = py - (py - y) * (next / scale);
    scale = next;
    apply();
  }

  function centre() {
    return [viewport.clientWidth / 2, viewport.clientHeight / 2];
  }

  function fit() {
    scale = 1; x = 0; y = 0;
    apply();
  }

  viewport.addEventListener("wheel", function (event) {
    event.preventDefault();
    const box = viewport.getBoundingClientRect();
    zoomAt(Math.exp(-event.deltaY / 500), event.clientX - box.left, event.clientY - box.top);
  }, {passive: false});

  viewport.addEventListener("pointerdown", function (event) {
    if (event.target.closest && event.target.closest("a")) return;
    viewport.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, [event.clientX, event.clientY]);
    pinch = null;
  });
  viewport.addEventListener("pointermove", function (event) {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    pointers.set(event.pointerId, [event.clientX, event.clientY]);
    if (pointers.size === 1) {
      x += event.clientX - last[0];
      y += event.clientY - last[1];
      apply();
      return;
    }
    const [a, b] = Array.from(pointers.values());
    const distance = Math.hypot(a[0] - b[0], a[1] - b[1]);
    const box = viewport.getBoundingClientRect();
    if (pinch) zoomAt(distance / pinch, (a[0] + b[0]) / 2 - box.left, (a[1] + b[1]) / 2 - box.top);
    pinch = distance;
  });
  function release(event) {
    pointers.delete(event.pointerId);
    pinch = null;
  }
  viewport.addEventListener("pointerup", release);
  viewport.addEventListener("pointercancel", release);

  viewport.addEventListener("keydown", function (event) {
    const step = 60;
    const [cx, cy] = centre();
    const keys = {
      ArrowLeft: function () { x += step; apply(); },
      ArrowRight: function () { x -= step; apply(); },
      ArrowUp: function () { y += step; apply(); },
      ArrowDown: function () { y -= step; apply(); },
      "+": function () { zoomAt(1.25, cx, cy); },
      "=": function () { zoomAt(1.25, cx, cy); },
      "-": function () { zoomAt(0.8, cx, cy); },
      "0": fit,
    };
    const action = keys[event.key];
    if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      action();
    }
  });

  for (const button of document.querySelectorAll("[data-zoom]")) {
    button.addEventListener("click", function () {
      const [cx, cy] = centre();
      const kind = button.dataset.zoom;
      if (kind === "in") zoomAt(1.25, cx, cy);
      else if (kind === "out") zoomAt(0.8, cx, cy);
      else if (kind === "full") {
        if (document.fullscreenElement) document.exitFullscreen();
        else viewport.requestFullscreen().then(fit, function () {
          announce("Vollbild ist in diesem Browser nicht möglich.");
        });
      } else fit();
    });
  }
})();
