"""The pages of the live preview, in German: the list of chains and one chain's page.

Plain HTML built with escaped f-strings: every text from a chain file passes :func:`esc`.
The pages work without JavaScript (the controls are a GET form, the problems are
``<details>`` that open on click); ``static/serve.js`` adds zoom, pan and the live update.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import quote

from prozesskette.errors import Issue
from prozesskette.serve.workspace import OUTPUT_KINDS, ChainState, OutputKind, ViewOptions

SEVERITY_WORDS = {"error": "Fehler", "warning": "Warnung", "note": "Hinweis"}
DIRECTION_WORDS = {"": "wie in der Datei", "lr": "waagerecht (links → rechts)",
                   "tb": "senkrecht (oben → unten)"}
LANE_ORDER_WORDS = {"": "wie in der Kette", "auto": "automatisch (weniger Kreuzungen)",
                    "file": "wie in der Datei"}
LANGUAGE_WORDS = {"de": "Deutsch", "en": "Englisch", "ar": "Arabisch", "de-x-ls": "Leichte Sprache",
                  "fr": "Französisch", "uk": "Ukrainisch", "ru": "Russisch", "tr": "Türkisch",
                  "fa": "Persisch", "ti": "Tigrinya", "ps": "Paschtu", "ku": "Kurdisch"}
OUTPUT_WORDS: dict[OutputKind, str] = {
    "svg": "SVG (Grafik)", "pdf": "PDF (Druck, mit Schnittstellenpapier)",
    "html": "HTML (barrierearme Seite)", "png": "PNG (Bild)", "bpmn": "BPMN 2.0 (Modellierung)",
    "json": "JSON (Layout)"}
STATIC = "/_/static"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def url(name: str) -> str:
    """The page address of a chain; every part is percent-encoded."""
    return "/" + quote(name, safe="/")


def _page(title: str, body: str, page: str, data: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="icon" href="{STATIC}/icon.svg" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{STATIC}/serve.css">\n'
        f'<script src="{STATIC}/serve.js" defer></script>\n</head>\n'
        f'<body data-page="{page}"{data}>\n'
        '<a class="pv-skip" href="#pv-main">Zum Inhalt springen</a>\n'
        f"{body}\n"
        '<p id="pv-status" class="pv-hidden" role="status" aria-live="polite"></p>\n'
        "</body>\n</html>\n")


def chain_rows(states: Iterable[ChainState]) -> str:
    """The rows of the index table (also sent alone when a chain changes)."""
    rows = []
    for state in states:
        problems = (f'<td class="pv-num{" pv-bad" if state.errors else ""}">{state.errors}</td>'
                    f'<td class="pv-num">{state.warnings}</td>')
        rows.append(
            f'<tr><th scope="row"><a href="{esc(url(state.name))}">{esc(state.title)}</a></th>'
            f"<td>{esc(state.version or '–')}</td>{problems}"
            f"<td><code>{esc(state.path.name)}</code></td></tr>")
    if not rows:
        rows.append('<tr><td colspan="5">Keine Kette gefunden (Dateien mit der Endung '
                    "<code>.yaml</code> oder <code>.yml</code>).</td></tr>")
    return "\n".join(rows)


def index_page(states: list[ChainState], folder: str) -> str:
    body = (
        '<header class="pv-bar"><h1>Prozessketten</h1>'
        f"<p>Vorschau für <code>{esc(folder)}</code>. Die Liste folgt jeder gespeicherten "
        "Änderung.</p></header>\n"
        '<main id="pv-main">\n<table class="pv-list">\n'
        "<caption>Ketten mit Stand und Zahl der Probleme</caption>\n"
        '<thead><tr><th scope="col">Titel</th><th scope="col">Stand</th>'
        '<th scope="col">Fehler</th><th scope="col">Warnungen</th>'
        '<th scope="col">Datei</th></tr></thead>\n'
        f'<tbody id="pv-rows">\n{chain_rows(states)}\n</tbody>\n</table>\n</main>')
    return _page("Prozessketten – Vorschau", body, "index")


def _excerpt(state: ChainState, issue: Issue) -> str:
    """The source line of a problem with its neighbours and a caret under the column."""
    if not issue.line:
        return "<p>Das Problem betrifft die Datei als Ganzes.</p>"
    width = len(str(issue.line + 1))
    lines = []
    for number in range(max(1, issue.line - 1), issue.line + 2):
        if number > len(state.lines):
            break
        mark = "pv-here" if number == issue.line else "pv-near"
        lines.append(f'<span class="{mark}">{number:>{width}} │ '
                     f"<bdi>{esc(state.source_line(number))}</bdi></span>")
        if number == issue.line and issue.col:
            lines.append(f'<span class="pv-caret" aria-hidden="true">{" " * width} │ '
                         f'{" " * (issue.col - 1)}^</span>')
    return f'<pre class="pv-source"><code>{"".join(lines)}</code></pre>'  # spans are blocks


def problems_panel(state: ChainState, extra: list[Issue]) -> str:
    """Every problem of the chain (and the untranslated texts of the chosen language), each
    opening to show its source line."""
    issues = sorted([*state.issues, *extra])
    items: dict[bool, list[str]] = {True: [], False: []}  # notes apart: they are many and calm
    for issue in issues:
        where = f"Zeile {issue.line}, Spalte {issue.col}" if issue.line else "Datei"
        hint = f'<p class="pv-hint">Tipp: {esc(issue.hint)}</p>' if issue.hint else ""
        items[issue.severity == "note"].append(
            f'<li class="pv-{issue.severity}"><details><summary>'
            f'<span class="pv-where">{where}</span> '
            f'<strong>{SEVERITY_WORDS[issue.severity]}:</strong> {esc(issue.message)}</summary>'
            f"{hint}{_excerpt(state, issue)}</details></li>")
    notes = len(items[True])
    counts = f"{state.errors} Fehler, {state.warnings + len(extra)} Warnungen, {notes} Hinweise"
    outdated = ""
    if state.outdated:
        outdated = ('<p class="pv-outdated-note"><strong>Veraltet:</strong> Die Datei hat Fehler. '
                    "Das Diagramm zeigt den letzten fehlerfreien Stand.</p>")
    elif state.chain is None:
        outdated = ('<p class="pv-outdated-note"><strong>Kein Diagramm:</strong> Die Datei hatte '
                    "noch keinen fehlerfreien Stand.</p>")
    listing = f'<ul class="pv-problems">{"".join(items[False])}</ul>' if items[False] else \
        ("<p>Keine Fehler und keine Warnungen.</p>")
    if notes:
        listing += (f'<details class="pv-notes"><summary>{notes} Hinweise anzeigen</summary>'
                    f'<ul class="pv-problems">{"".join(items[True])}</ul></details>')
    return (f'<h2 id="pv-problems-title">Probleme <span class="pv-count">({counts})</span></h2>'
            f"{outdated}{listing}")


def _select(name: str, label: str, options: dict[str, str], chosen: str) -> str:
    choices = "".join(
        f'<option value="{esc(value)}"{" selected" if value == chosen else ""}>{esc(text)}'
        "</option>" for value, text in options.items())
    return (f'<label class="pv-control">{label} <select name="{name}" id="pv-{name}">'
            f"{choices}</select></label>")


def focus_control(state: ChainState, view: ViewOptions) -> str:
    """The choice of the focus view (issue 16: one institution's chart): the whole chain, or
    the chart as one actor with steps sees it. A focus of several actors (``serve --focus
    a,b`` or a URL) is offered too while it is shown, so the control names what the chart
    shows."""
    if state.chain is None or not state.focusable:
        return ""
    names = {actor.id: str(actor.name) for actor in state.chain.actors}
    options = {"": "ganze Kette"}
    if view.focus and view.focus not in state.focusable:
        options[view.focus] = " + ".join(names[actor] for actor in view.focus.split(","))
    options.update((actor, names[actor]) for actor in state.focusable)
    return _select("focus", "Sicht", options, view.focus or "")


def downloads(state: ChainState, view: ViewOptions, png: bool) -> str:
    """Links to every output at its stable address, with the page's view options."""
    links = "".join(
        f'<li><a href="{esc(url(state.name) + "." + kind + view.query())}" download '
        f'data-kind="{kind}">{esc(OUTPUT_WORDS[kind])}</a></li>'
        for kind in OUTPUT_KINDS if png or kind != "png")
    return (f'<nav class="pv-downloads" aria-labelledby="pv-downloads-title">'
            f'<h2 id="pv-downloads-title">Herunterladen</h2><ul>{links}</ul></nav>')


def chain_page(state: ChainState, view: ViewOptions, chart: str, extra: list[Issue],
               png: bool) -> str:
    """One chain's page: controls, problems above the chart, the chart, downloads."""
    languages = {lang: f"{LANGUAGE_WORDS.get(lang, lang)} ({lang})" for lang in state.languages}
    if not languages:
        languages = {"": "wie in der Datei"}
    first = next(iter(languages))
    controls = (
        f'<form class="pv-controls" id="pv-controls" method="get" action="{esc(url(state.name))}">'
        + (_select("lang", "Sprache", languages, view.lang or first) if len(languages) > 1
           else "")
        + _select("direction", "Ausrichtung", DIRECTION_WORDS, view.direction or "")
        + _select("lane_order", "Reihenfolge der Bahnen", LANE_ORDER_WORDS, view.lane_order or "")
        + focus_control(state, view)
        + '<button type="submit" class="pv-apply">Anzeigen</button></form>')
    version = f"Stand: {esc(state.version)} · " if state.version else ""
    outdated = " pv-outdated" if state.outdated else ""
    body = (
        '<header class="pv-bar">'
        '<p class="pv-back"><a href="/">← Alle Ketten</a></p>'
        f"<h1>{esc(state.title)}</h1>"
        f'<p class="pv-meta">{version}Datei: <code>{esc(state.path.name)}</code></p>'
        f"{controls}</header>\n"
        '<main id="pv-main">\n'
        f'<section id="pv-problems" aria-labelledby="pv-problems-title">'
        f"{problems_panel(state, extra)}</section>\n"
        '<section class="pv-chart-area" aria-labelledby="pv-chart-title">'
        '<h2 id="pv-chart-title" class="pv-hidden">Diagramm</h2>'
        '<div class="pv-zoom" role="group" aria-label="Zoom">'
        '<button type="button" data-zoom="in">Vergrößern</button>'
        '<button type="button" data-zoom="out">Verkleinern</button>'
        '<button type="button" data-zoom="fit">Einpassen</button>'
        '<button type="button" data-zoom="full">Vollbild</button></div>'
        f'<div id="pv-viewport" class="pv-viewport{outdated}" tabindex="0" role="region" '
        'aria-label="Diagramm: mit der Maus oder den Pfeiltasten verschieben, '
        'mit Mausrad, Plus und Minus zoomen, 0 passt es ein">'
        f'<div id="pv-canvas">{chart}</div></div></section>\n'
        f"{downloads(state, view, png)}\n</main>")
    data = f' data-chain="{esc(state.name)}" data-revision="{state.revision}"'
    if view.default_focus:  # the script then keeps an empty focus (the whole chain) in URLs
        data += f' data-focus-default="{esc(view.default_focus)}"'
    return _page(f"{state.title} – Vorschau", body, "chain", data)


def not_found_page(message: str) -> str:
    body = (f'<main id="pv-main"><h1>Nicht gefunden</h1><p>{esc(message)}</p>'
            '<p><a href="/">Zur Liste der Ketten</a></p></main>')
    return _page("Nicht gefunden", body, "error")
