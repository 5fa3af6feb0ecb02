"""``prozesskette diff``: what changed between two versions of a chain (files or git
revisions), as a summary in the user's language and optionally a chart with the changes
marked."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from prozesskette.cli.base import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, collect_notes
from prozesskette.messages import _

if TYPE_CHECKING:
    from prozesskette.changes import ChainDiff
    from prozesskette.cli.base import Commands


def add_diff_arguments(commands: Commands) -> None:
    """The ``diff`` command and its options."""
    diff = commands.add_parser(
        "diff", help=_("what changed between two versions of a chain (exit 0: none, 1: some, "
        "2: trouble)"))
    diff.add_argument("old", metavar="OLD", help=_("the old version; may be FILE@REV (the file "
                      "at a git revision, read-only); with --since: the file"))
    diff.add_argument("new", metavar="NEW", nargs="?", default=None, help=_("the new version"))
    diff.add_argument("--since", metavar="REV", default=None,
                      help=_("compare the file with its version at git revision REV"))
    diff.add_argument("-o", "--output", metavar="OUT", default=None,
                      help=_("also draw the new chart with the changes marked: OUT.html, "
                      "OUT.svg or OUT.pdf"))
    diff.add_argument("--lang", metavar="TAG", default=None,
                      help=_("draw in this language of the chain's translations"))


def _user_language() -> str:
    """German when the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set starts with
    "de", else English (until gettext arrives)."""
    import os

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def _diff_versions(args: argparse.Namespace, err: TextIO) -> tuple[str, str, str] | None:
    """OLD, NEW and the old version's git revision ("" for a file), or None (usage error)."""
    from prozesskette.changes import split_revision

    if args.since is not None:
        if args.new is not None:
            err.write(_("prozesskette diff: error: with --since give one file: "
                        "prozesskette diff --since REV FILE") + "\n")
            return None
        return args.old, args.old, args.since
    if args.new is None:
        err.write(_("prozesskette diff: error: give two versions: prozesskette diff OLD NEW "
                    "(OLD may be FILE@REV), or prozesskette diff --since REV FILE") + "\n")
        return None
    old, revision = split_revision(args.old)
    return old, args.new, revision or ""


def _write_diff_summary(changes: ChainDiff, compared: str, out: TextIO) -> None:
    """The differences, one a line with its old and new values, in the user's language."""
    from prozesskette.changes import SIGNS, describe_diff
    from prozesskette.words import words_for

    language = _user_language()
    words = words_for("diff", language)
    sections = describe_diff(changes, language)
    count = sum(len(section.items) for section in sections)
    out.write(f"{compared}: " + (words["count"].format(count) if count else words["none"])
              + "\n")
    for section in sections:
        out.write(f"{section.heading}:\n")
        for item in section.items:
            out.write(f"  {SIGNS[item.kind]} {item.text}\n")
            out.writelines(f"      {detail}\n" for detail in item.details)


def run_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``diff OLD NEW``: exit 0 for no change, 1 for some, 2 for trouble, as diff(1)."""
    from prozesskette import api
    from prozesskette.changes import diff_chains, revision_text
    from prozesskette.errors import ProzessketteError
    from prozesskette.graph import load_with_issues
    from prozesskette.output import write_atomic

    versions = _diff_versions(args, err)
    suffix = (args.output or ".html").rsplit(".", 1)[-1].lower()
    if versions is None or suffix not in ("html", "svg", "pdf"):
        if versions is not None:
            err.write(_("prozesskette diff: error: -o must end in .html, .svg or .pdf") + "\n")
        return EXIT_USAGE
    old_path, new_path, revision = versions
    old_name = f"{old_path}@{revision}" if revision else old_path
    try:
        old_source = revision_text(old_path, revision) if revision else old_path
        chains = []
        for source, name in ((old_source, old_name), (new_path, new_path)):
            chain, issues = load_with_issues(source, filename=name)
            errors = [issue for issue in issues if issue.is_error]
            for issue in errors:
                err.write(issue.format() + "\n")
            if chain is None or errors:
                return EXIT_USAGE
            chains.append(chain)
        changes = diff_chains(chains[0], chains[1])
        _write_diff_summary(changes, f"{old_name} → {new_path}", out)
        if args.output:
            options = {"lang": args.lang} if args.lang else {}
            import warnings

            data: str | bytes
            with warnings.catch_warnings(record=True) as caught, collect_notes() as notes:
                warnings.simplefilter("always")  # print problems, not code
                if suffix == "pdf":
                    data = api.to_diff_pdf(chains[0], chains[1], compared=old_name, **options)
                elif suffix == "svg":
                    data = api.to_diff_svg(chains[0], chains[1], **options)
                else:
                    data = api.to_diff_html(chains[0], chains[1], **options)
            err.writelines(_("{file}: warning: {message}").format(file=args.output,
                                                                  message=w.message) + "\n"
                           for w in caught)
            err.writelines(_("{file}: note: {message}").format(file=args.output, message=note)
                           + "\n" for note in notes)
            write_atomic(args.output, data)
            err.write(_("wrote {file}").format(file=args.output) + "\n")
    except ProzessketteError as exc:  # trouble, not a difference: exit 2 as diff(1) does
        for issue in exc.issues:
            err.write(issue.format() + "\n")
        return EXIT_USAGE
    return EXIT_ERRORS if changes else EXIT_OK
