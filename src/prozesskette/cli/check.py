"""``prozesskette check``: check chain files and summarise their interfaces, translations
and contacts; ``prozesskette schema``: the JSON Schema those files follow."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from prozesskette.cli.base import EXIT_ERRORS, EXIT_OK
from prozesskette.messages import _

if TYPE_CHECKING:
    from prozesskette.cli.base import Commands
    from prozesskette.errors import Issue
    from prozesskette.model import Chain


def _months(text: str) -> int:
    """``check --max-age``: a whole number of months, at least 1."""
    try:
        months = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a whole number of months; e.g. --max-age 12").format(text=text)
        ) from None
    if months < 1:
        raise argparse.ArgumentTypeError(
            _("{months}: give at least 1 month, e.g. --max-age 12").format(months=months))
    return months


def add_check_arguments(commands: Commands) -> None:
    """The ``check`` and ``schema`` commands and their options."""
    check = commands.add_parser("check", help=_("check chain files and summarise their interfaces"))
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("-q", "--quiet", action="store_true", help=_("print problems only"))
    check.add_argument("--lang", action="append", metavar="TAG",
                       help=_("list the texts that have no translation into TAG (e.g. en, ar, "
                              "de-x-ls for Leichte Sprache); repeat for several"))
    check.add_argument("--max-age", type=_months, metavar="MONTHS", default=None,
                       help=_("warn about contacts last checked more than MONTHS months ago "
                              "(their 'checked:' date), or never"))
    commands.add_parser("schema", help=_("print the JSON Schema of the chain format"))


def _summary(chain: object, out: TextIO) -> None:
    from prozesskette.analysis import analyse
    from prozesskette.model import Chain

    assert isinstance(chain, Chain)
    analysis = analyse(chain)
    names = {actor.id: actor.short or actor.name for actor in chain.actors}
    out.write("  " + _("{title}: {steps} steps, {actors} actors, {phases} phases").format(
        title=chain.title, steps=len(chain.steps), actors=len(chain.actors),
        phases=len(chain.phases)) + "\n")
    out.write("  " + _("interfaces: {handoffs} hand-offs, {shared} shared steps").format(
        handoffs=len(analysis.handoffs), shared=len(analysis.shared_steps)) + "\n")
    for (source, target), count in analysis.handoff_pairs().items():
        times = f" ({count}×)" if count > 1 else ""
        out.write("    " + " + ".join(names[a] for a in source) + " → "
                  + " + ".join(names[a] for a in target) + f"{times}\n")
    for shared in analysis.shared_steps:
        out.write(f"    {shared.step}: " + " + ".join(names[a] for a in shared.actors) + "\n")
    out.write("  " + _("overlaps: {count}").format(count=len(analysis.overlaps)) + "\n")
    for overlap in analysis.overlaps:
        out.write(f"    {overlap.title}: " + ", ".join(names[a] for a in overlap.actors)
                  + " (" + ", ".join(overlap.steps) + ")\n")


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``check FILE…``: each file's problems, then its summary; exit 1 when one has errors."""
    from prozesskette.graph import check_contact_age, load_with_issues

    status = EXIT_OK
    for file in args.files:
        chain, issues = load_with_issues(file)
        if chain is not None and args.max_age is not None:
            issues = sorted([*issues, *check_contact_age(chain, args.max_age)])
        for issue in issues:
            if args.quiet and issue.severity == "note":
                continue
            err.write(issue.format() + "\n")
        errors = sum(issue.is_error for issue in issues)
        warnings = sum(issue.severity == "warning" for issue in issues)
        follow_ons = sum(issue.is_follow_on for issue in issues)  # counted apart from causes
        if errors or chain is None:
            status = EXIT_ERRORS
            counted = _("{file}: {errors} error(s), {warnings} warning(s)").format(
                file=file, errors=errors, warnings=warnings)
            if follow_ons:
                counted += "; " + _("{count} follow-on note(s)").format(count=follow_ons)
            err.write(counted + "\n")
            continue
        if not args.quiet:
            out.write(_("{file}: ok").format(file=file) + (", " + _(
                "{count} warning(s)").format(count=warnings) if warnings else "") + "\n")
            _summary(chain, out)
            if args.max_age is not None:
                _contacts_summary(chain, args.max_age, issues, out)
        for language in args.lang or ():
            _untranslated(chain, language, args.quiet, out, err)
    return status


def _contacts_summary(chain: Chain, max_age: int, issues: list[Issue], out: TextIO) -> None:
    """``check --max-age``: how many contacts are current, after the warnings that name the
    others."""
    total = sum(len(actor.contacts) for actor in chain.actors)
    counts = {code: sum(issue.code == code for issue in issues)
              for code in ("contact-old", "contact-unchecked", "contact-checked-later")}
    others = "".join(f", {counts[code]} {what}" for code, what in (
        ("contact-old", _("older")), ("contact-unchecked", _("never checked")),
        ("contact-checked-later", _("dated after today"))) if counts[code])
    out.write("  " + _("contacts: {current} of {total} checked within {months} month(s)").format(
        current=total - sum(counts.values()), total=total, months=max_age) + others + "\n")


def _untranslated(chain: object, language: str, quiet: bool, out: TextIO,
                  err: TextIO) -> None:
    from prozesskette.i18n import languages, localise
    from prozesskette.markup import language_problem
    from prozesskette.model import Chain

    assert isinstance(chain, Chain)
    problem = language_problem(language)
    if problem:
        err.write(_("prozesskette: warning: --lang {problem}").format(problem=problem) + "\n")
        return
    missing = localise(chain, language)[1]
    for issue in missing:
        err.write(issue.format() + "\n")
    if not quiet:
        given = ", ".join(languages(chain))
        status = _("complete") if not missing else _("{count} text(s) untranslated").format(
            count=len(missing))
        out.write("  " + _("{language}: {status} (the chain has texts in {given})").format(
            language=language, status=status, given=given) + "\n")


def run_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``schema``: the JSON Schema of the chain format, for editors."""
    from prozesskette.schema import schema_json

    out.write(schema_json())
    return EXIT_OK
