"""Contact freshness (issue 17, item 2): a contact's ``checked: YYYY-MM-DD``, ``check
--max-age MONTHS`` and the check dates in the HTML page and the PDF contact directory."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from paths import CHAINS, ROOT
from prozesskette import api
from prozesskette.cli import main
from prozesskette.errors import Issue
from prozesskette.export import chain_to_yaml
from prozesskette.graph import check_chain, check_contact_age, months_after, months_between
from prozesskette.loader import load, read_chain
from prozesskette.model import FIELDS, Contact, date_problem
from prozesskette.schema import chain_schema
from prozesskette.words import CATALOGUE, words_for

FRESH = ROOT / "tests" / "data" / "fresh" / "contacts-checked.yaml"
# where things stand in FRESH (line, column of the value)
ERIKA_CHECKED = (18, 18)
FATMA = (26, 9)  # the contact without a date: its first key
OLENA_CHECKED = (28, 59)  # in a flow mapping


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def contacts(path: Path = FRESH) -> dict[str, Contact]:
    chain = load(path)
    return {contact.name: contact for actor in chain.actors for contact in actor.contacts}


def chain_text(checked: dict[str, str | None]) -> str:
    """A small chain with one contact per entry: ``name → checked`` (None: no date)."""
    lines = ["title: T", "actors:", "  - id: a", "    name: A", "    contacts:"]
    for name, day in checked.items():
        lines.append(f"      - name: {name}")
        if day is not None:
            lines.append(f"        checked: {day}")
    lines += ["steps:", "  - {id: s, title: S, actor: a, kind: start, next: e}",
              "  - {id: e, title: E, actor: a, kind: end}"]
    return "\n".join(lines) + "\n"


# --- the field ---------------------------------------------------------------------------------

def test_unquoted_and_quoted_dates_load_as_days() -> None:
    found = contacts()
    assert found["Erika Beispiel"].checked == date(2023, 5, 2)  # unquoted: YAML's timestamp
    assert found["Max Mustermann"].checked == date(2026, 11, 3)  # in quotes
    assert found["Olena Kovalenko"].checked == date(2025, 12, 31)  # in a flow mapping
    assert found["Fatma Yılmaz"].checked is None


def test_the_date_round_trips_through_plain_data_and_yaml() -> None:
    chain = load(FRESH)
    erika = chain.to_dict()["actors"][1]["contacts"][0]
    assert erika["checked"] == "2023-05-02"
    json.dumps(chain.to_dict())  # plain data: no date objects
    assert load(chain_to_yaml(chain)) == chain


def test_python_callers_may_give_a_date_or_its_text() -> None:
    assert Contact("Erika", checked=date(2026, 11, 3)).checked == date(2026, 11, 3)
    from_text = Contact("Erika", checked="2026-11-03")  # type: ignore[arg-type]
    assert from_text.checked == date(2026, 11, 3)
    with pytest.raises(ValueError, match="checked: '2026-13-01' is not a date"):
        Contact("Erika", checked="2026-13-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="point in time"):
        Contact("Erika", checked=datetime(2026, 11, 3, 10, 0))


def test_a_dict_from_yaml_safe_load_keeps_its_date() -> None:
    """yaml.safe_load turns an unquoted date into datetime.date; such dicts load too."""
    data = yaml.safe_load(chain_text({"Erika": "2026-11-03"}))
    assert isinstance(data["actors"][0]["contacts"][0]["checked"], date)
    assert load(data).actors[0].contacts[0].checked == date(2026, 11, 3)


@pytest.mark.parametrize(("written", "message"), [
    ("2026-13-01", "'2026-13-01' is not a date: there is no month 13"),
    ("2026-00-10", "'2026-00-10' is not a date: there is no month 0"),
    ("2026-02-29", "'2026-02-29' is not a date: 2026-02 has 28 days"),
    ("2026-04-31", "'2026-04-31' is not a date: 2026-04 has 30 days"),
    ("0000-01-01", "'0000-01-01' is not a date: there is no year 0"),
    ("gestern", "'gestern' is not a date written as YYYY-MM-DD"),
    ("2026-1-5", "'2026-1-5' is not a date written as YYYY-MM-DD"),  # a YAML timestamp
    ("2026-11-03 10:00", "'2026-11-03 10:00' is not a date written as YYYY-MM-DD"),
    ("03.11.2026", "'03.11.2026' is not a date written as YYYY-MM-DD"),
    ("[2026, 11, 3]", "'checked' must be a date"),
])
def test_invalid_dates_are_located_errors(tmp_path: Path, written: str, message: str) -> None:
    path = tmp_path / "kette.yaml"
    path.write_text(chain_text({"Erika": written}), "utf-8")
    loaded = read_chain(path)
    assert loaded.chain is None
    assert [issue.format() for issue in loaded.errors] == [
        f"{path}:7:18: error: {message}\n"
        "    hint: write the day as YYYY-MM-DD, e.g. checked: 2026-11-03"]
    code, _, err = run("check", str(path))
    assert code == 1 and f"{path}:7:18: error: {message}" in err


def test_leap_days_are_dates() -> None:
    assert date_problem("2024-02-29") is None
    assert date_problem("2000-02-29") is None
    assert date_problem("1900-02-29") == "'1900-02-29' is not a date: 1900-02 has 28 days"


@given(st.dates(min_value=date(1, 1, 1)))
def test_every_calendar_day_written_iso_is_accepted(day: date) -> None:
    assert date_problem(day.isoformat()) is None
    assert Contact("X", checked=day.isoformat()).checked == day  # type: ignore[arg-type]


def test_schema_and_format_docs_include_the_field() -> None:
    checked = chain_schema()["$defs"]["Contact"]["properties"]["checked"]
    assert checked["type"] == "string" and checked["format"] == "date"
    pattern = re.compile(checked["pattern"])
    assert pattern.match("2026-11-03")
    assert not any(pattern.match(bad) for bad in ("2026-13-01", "gestern", "2026-1-5",
                                                  "2026-11-32"))
    assert FIELDS["Contact"]["checked"].kind == "date"
    shipped = json.loads((ROOT / "schema" / "prozesskette.schema.json").read_text("utf-8"))
    assert shipped["$defs"]["Contact"]["properties"]["checked"] == checked
    reference = (ROOT / "docs" / "format.md").read_text("utf-8")
    assert "| `checked` | nein | `date` |" in reference
    assert "| `date` | Datum als `JJJJ-MM-TT`" in reference


# --- the age check -----------------------------------------------------------------------------

def test_months_between_counts_whole_calendar_months() -> None:
    assert months_between(date(2023, 5, 2), date(2025, 12, 4)) == 31
    assert months_between(date(2023, 5, 2), date(2025, 12, 2)) == 31
    assert months_between(date(2023, 5, 2), date(2025, 12, 1)) == 30
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1  # the due day, clamped
    assert months_between(date(2026, 5, 2), date(2026, 5, 1)) == 0  # not after: 0
    assert months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_after(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert months_after(date(2025, 11, 3), 14) == date(2027, 1, 3)
    assert months_after(date(9999, 1, 1), 12) is None


@given(st.dates(), st.dates(), st.integers(min_value=1, max_value=600))
def test_a_contact_is_old_exactly_when_today_is_past_its_due_day(checked: date, today: date,
                                                                months: int) -> None:
    chain = load(chain_text({"Erika": checked.isoformat()}))
    issues = check_contact_age(chain, months, today)
    due = months_after(checked, months)
    if checked > today:
        assert [issue.code for issue in issues] == ["contact-checked-later"]
    elif due is not None and today > due:
        assert [issue.code for issue in issues] == ["contact-old"]
        elapsed = months_between(checked, today)
        assert elapsed >= months
        assert f"({elapsed} month{'s' if elapsed != 1 else ''} ago)" in issues[0].message
    else:
        assert issues == []
    # whole months: the day that many months on is not after today, one more month is
    elapsed = months_between(checked, today)
    if checked <= today and (after := months_after(checked, elapsed + 1)) is not None:
        assert (months_after(checked, elapsed) or today) <= today < after


def test_old_and_unchecked_contacts_are_warned_about_at_their_lines() -> None:
    chain = load(FRESH)
    issues = check_contact_age(chain, 12, today=date(2026, 12, 4))
    file = str(FRESH)
    assert [issue.format() for issue in issues] == [
        f"{file}:{ERIKA_CHECKED[0]}:{ERIKA_CHECKED[1]}: warning: contact 'Erika Beispiel' was "
        "last checked 2023-05-02 (43 months ago)\n"
        "    hint: older than 12 months: confirm the details with the person, then write "
        "`checked: 2026-12-04`",
        f"{file}:{FATMA[0]}:{FATMA[1]}: warning: contact 'Fatma Yılmaz' has never been "
        "checked\n"
        "    hint: confirm the details with the person, then add `checked: 2026-12-04`",
    ]
    assert [issue.code for issue in issues] == ["contact-old", "contact-unchecked"]
    assert all(issue.severity == "warning" for issue in issues)


def test_the_limit_is_inclusive_and_a_later_date_is_suspicious() -> None:
    chain = load(FRESH)
    # Olena was checked 2025-12-31: twelve months later to the day is not older than 12
    assert not [i for i in check_contact_age(chain, 12, date(2026, 12, 31))
                if "Olena" in i.message]
    late = [i for i in check_contact_age(chain, 12, date(2027, 1, 1)) if "Olena" in i.message]
    assert [(i.line, i.col, i.message) for i in late] == [
        (*OLENA_CHECKED, "contact 'Olena Kovalenko' was last checked 2025-12-31 "
                         "(12 months ago)")]
    early = [i for i in check_contact_age(chain, 12, date(2025, 12, 4)) if "Olena" in i.message]
    assert [(i.line, i.col, i.code) for i in early] == [(*OLENA_CHECKED,
                                                         "contact-checked-later")]
    assert "after today (2025-12-04)" in early[0].message


def test_the_age_check_needs_a_positive_limit_and_is_not_part_of_check_chain() -> None:
    chain = load(FRESH)
    with pytest.raises(ValueError, match="at least 1"):
        check_contact_age(chain, 0, date(2026, 12, 4))
    assert not [issue for issue in check_chain(chain) if issue.code.startswith("contact-")
                and issue.code != "contact-too-long"]


def test_a_chain_built_in_python_gets_unlocated_warnings() -> None:
    chain = api.load(chain_text({"Erika": None}))
    bare = type(chain)(chain.title, chain.actors, chain.steps)  # no source map
    (issue,) = check_contact_age(bare, 6, date(2026, 12, 4))
    assert isinstance(issue, Issue) and (issue.line, issue.col) == (0, 0)


# --- the command line ----------------------------------------------------------------------

def test_check_max_age_warns_with_the_right_lines(tmp_path: Path) -> None:
    today = date.today()
    old = (today - timedelta(days=3 * 366)).isoformat()
    recent = (today - timedelta(days=20)).isoformat()
    path = tmp_path / "kette.yaml"
    path.write_text(chain_text({"Erika Beispiel": old, "Max Muster": None,
                                "Olena Kovalenko": recent}), "utf-8")
    code, out, err = run("check", "--max-age", "12", str(path))
    assert code == 0, err  # warnings, not errors
    months = months_between(date.fromisoformat(old), today)
    assert err.splitlines() == [
        f"{path}:7:18: warning: contact 'Erika Beispiel' was last checked {old} "
        f"({months} months ago)",
        "    hint: older than 12 months: confirm the details with the person, then write "
        f"`checked: {today.isoformat()}`",
        f"{path}:8:9: warning: contact 'Max Muster' has never been checked",
        f"    hint: confirm the details with the person, then add `checked: {today.isoformat()}`",
    ]
    assert f"{path}: ok, 2 warning(s)" in out
    assert "  contacts: 1 of 3 checked within 12 month(s), 1 older, 1 never checked\n" in out
    # without --max-age nobody asks: no warnings
    code, out, err = run("check", str(path))
    assert (code, err) == (0, "") and "contacts:" not in out
    # -q prints the warnings only
    code, out, err = run("check", "-q", "--max-age", "48", str(path))
    assert code == 0 and out == "" and err.count("warning:") == 1


@pytest.mark.parametrize(("value", "message"), [
    ("0", "argument --max-age: 0: give at least 1 month"),
    ("-3", "argument --max-age: -3: give at least 1 month"),
    ("zwölf", "argument --max-age: 'zwölf' is not a whole number of months"),
    ("1.5", "argument --max-age: '1.5' is not a whole number of months"),
])
def test_max_age_must_be_a_positive_whole_number(value: str, message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("check", "--max-age", value, str(FRESH))
    assert code == 2 and out == ""
    err = capsys.readouterr().err  # argparse reports usage errors on sys.stderr
    assert message in err and "usage: prozesskette check" in err


def test_the_shipped_chains_have_no_dates_and_every_contact_is_unchecked() -> None:
    code, out, err = run("check", "--max-age", "12", *map(str, CHAINS))
    assert code == 0 and "contacts: 0 of" in out
    total = sum(len(actor.contacts) for chain in map(load, CHAINS) for actor in chain.actors)
    assert err.count("has never been checked") == total > 0


# --- the outputs -------------------------------------------------------------------------------

class Cards(HTMLParser):
    """The contact cards of the HTML page: data-checked, the <time>s and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[dict[str, str]] = []
        self.depth = 0  # inside ul.contacts > li

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "li" and self.depth == 0 and self.in_contacts:
            self.cards.append({"data": values.get("data-checked", ""), "text": "",
                               "time": ""})
            self.depth = 1
        elif self.depth:
            self.depth += tag == "li"
            if tag == "time":
                self.cards[-1]["time"] = values["datetime"]
        if tag == "ul":
            self.in_contacts = values.get("class") == "contacts"

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.depth:
            self.depth -= 1
        if tag == "ul" and not self.depth:
            self.in_contacts = False

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.cards[-1]["text"] += data

    in_contacts = False


def cards(page: str) -> list[dict[str, str]]:
    parser = Cards()
    parser.feed(page)
    return parser.cards


def test_html_cards_carry_the_date_machine_readable_and_visible() -> None:
    found = cards(api.to_html(FRESH, qr=False))
    assert [(card["data"], card["time"]) for card in found] == [
        ("2023-05-02", "2023-05-02"), ("2026-11-03", "2026-11-03"), ("", ""),
        ("2025-12-31", "2025-12-31")]
    texts = [" ".join(card["text"].split()) for card in found]
    assert texts[0].startswith("Erika Beispiel") and texts[0].endswith("geprüft am 02.05.2023")
    assert texts[2].startswith("Fatma Yılmaz") and texts[2].endswith("nie geprüft")
    for card in found:
        if card["time"]:
            assert date.fromisoformat(card["time"]) == date.fromisoformat(card["data"])


def test_html_dates_are_written_in_the_page_language() -> None:
    with pytest.warns(UserWarning, match="no 'en' translation"):
        english = cards(api.to_html(FRESH, qr=False, lang="en"))
    assert english[0]["text"].endswith("checked 2023-05-02")
    assert english[2]["text"].endswith("never checked")
    with pytest.warns(UserWarning, match="no 'uk' translation"):
        ukrainian = cards(api.to_html(FRESH, qr=False, lang="uk"))
    assert ukrainian[0]["text"].endswith("перевірено 02.05.2023")
    assert ukrainian[0]["time"] == "2023-05-02"


@pytest.mark.parametrize("path", CHAINS, ids=lambda p: p.name)
def test_chains_without_dates_show_nothing_new(path: Path) -> None:
    page = api.to_html(path, qr=False)
    assert "data-checked" not in page and "<time" not in page
    assert words_for("fresh", "de")["never"] not in page


# the small test chain's QR codes are enlarged to print at 0.4 mm: not what these tests look at
NO_PRINT_WARNING = pytest.mark.filterwarnings("ignore::prozesskette.printing.PrintWarning")


@pytest.fixture(scope="module")
def directory_text() -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(api.to_pdf(FRESH)))
    pages = [page.extract_text() for page in reader.pages]
    start = next(index for index, text in enumerate(pages) if "Kontaktverzeichnis" in text)
    return " ".join(" ".join(pages[start:]).split())


@NO_PRINT_WARNING
def test_the_schnittstellenpapier_shows_each_check_date(directory_text: str) -> None:
    text = directory_text
    order = ["Erika Beispiel", "geprüft am 02.05.2023", "Max Mustermann",
             "geprüft am 03.11.2026", "Fatma Yılmaz", "nie geprüft", "Olena Kovalenko",
             "geprüft am 31.12.2025"]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)


@NO_PRINT_WARNING
def test_a_pdf_of_a_chain_without_dates_has_no_check_lines() -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(api.to_pdf(ROOT / "tests" / "data" / "example.yaml")))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Erika Beispiel" in text and "geprüft" not in text


# --- the words -----------------------------------------------------------------------------

def test_every_language_has_the_fresh_words() -> None:
    day = date(2026, 11, 3)
    for tag, surfaces in CATALOGUE.items():
        fresh = surfaces["fresh"]
        assert set(fresh) == {"checked", "never", "date"}, tag
        assert fresh["checked"].count("{}") == 1, tag
        shown = day.strftime(fresh["date"])
        assert {"2026", "11", "03"} <= set(re.findall(r"\d+", shown)), (tag, shown)


def test_check_dates_survive_the_bpmn_round_trip() -> None:
    from prozesskette.export import from_bpmn, to_bpmn

    chain = api.load(ROOT / "tests" / "data" / "fresh" / "contacts-checked.yaml")
    back, _ = from_bpmn(to_bpmn(chain))
    dates = [[contact.checked for contact in actor.contacts] for actor in chain.actors]
    assert [[contact.checked for contact in actor.contacts] for actor in back.actors] == dates
    assert any(date is not None for row in dates for date in row)


def test_check_dates_survive_the_xlsx_round_trip(tmp_path: Path) -> None:
    from prozesskette.export import from_sheet, to_xlsx

    chain = api.load(ROOT / "tests" / "data" / "fresh" / "contacts-checked.yaml")
    workbook = tmp_path / "kette.xlsx"
    workbook.write_bytes(to_xlsx(chain))
    back, issues = from_sheet(workbook)
    assert issues == [] and back.to_dict() == chain.to_dict()
    assert [contact.checked for actor in back.actors for contact in actor.contacts] == [
        contact.checked for actor in chain.actors for contact in actor.contacts]


def test_months_count_like_due_days_at_month_ends() -> None:
    """From 29 January, the due day a year and a month later is 28 February (a common year):
    on that day thirteen whole months have passed (found by hypothesis)."""
    assert months_between(date(2000, 1, 29), date(2001, 2, 28)) == 13
    assert months_between(date(2000, 1, 29), date(2001, 2, 27)) == 12
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1
