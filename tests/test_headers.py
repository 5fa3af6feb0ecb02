"""Lane headers and their QR codes: one module size for all codes of a chart, codes side by
side with the text below where that makes a lane lower, e-mail addresses broken before their
``@``, and a PDF whose codes print at 0.4 mm modules and still decode."""

from __future__ import annotations

import io
import warnings

import pytest

from paths import AUSBILDUNG
from prozesskette import api
from prozesskette.layout import verify
from prozesskette.layout.options import Frame, Options
from prozesskette.layout.sizes import (
    CONTACT_GAP,
    QR_TEXT_GAP,
    header_content,
    lane_header_sizes,
    qr_sides,
)
from prozesskette.loader import load
from prozesskette.model import Actor, Contact
from prozesskette.printing import PdfResult, PrintWarning, build_pdf
from prozesskette.qr import qr_matrix
from prozesskette.renderers.pdf import MIN_MODULE_MM

np = pytest.importorskip("numpy")
zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

TWO = Actor("jc", "Jobcenter Landkreis Stendal", contacts=(
    Contact("Erika Beispiel", role="Integrationsfachkraft", phone="+49 3931 0000-31",
            email="e.beispiel@example.org"),
    Contact("Kübra Şahin", role="Ausbildungsvermittlerin", phone="+49 3931 0000-32",
            email="k.sahin@example.org")))


def test_every_code_of_a_chart_has_the_same_module_size() -> None:
    """The densest code is qr_size wide, the others narrower by their module count."""
    layout = api.layout_chain(AUSBILDUNG)
    spots = [spot for lane in layout.lanes.values() for spot in lane.contacts if spot.qr]
    modules = [spot.qr.w / qr_matrix(spot.payload).total_size for spot in spots
               if spot.qr is not None]
    assert len(modules) >= 8
    assert max(modules) == pytest.approx(min(modules))
    counts = {qr_matrix(spot.payload).total_size for spot in spots}
    assert len(counts) > 1  # the Stendal codes are of versions 9 and 10
    widest = max(spot.qr.w for spot in spots if spot.qr is not None)
    assert widest == pytest.approx(Options().qr_size)
    assert verify(layout) == []


def test_qr_sides_follow_the_module_count() -> None:
    chain = load(AUSBILDUNG)
    sides = qr_sides(chain, Options(qr_size=100.0))
    flat = [side for values in sides.values() for side in values]
    assert max(flat) == pytest.approx(100.0)
    assert min(flat) == pytest.approx(100.0 * 61 / 65)  # version 9 beside version 10
    assert qr_sides(chain, Options(qr=False)) == {actor.id: () for actor in chain.actors}


def test_two_codes_side_by_side_with_their_text_below_make_a_lower_lane() -> None:
    """A header two codes wide but too narrow for two codes with their text beside: the
    codes stand side by side, each text below its code, instead of one under the other."""
    options = Options()
    qr = options.qr_size
    width = 2 * 8.0 + 2 * qr + CONTACT_GAP + 20.0
    content = header_content(TWO, options, width, (qr, qr))
    first, second = content.contacts
    assert first.top == second.top  # one row
    assert first.qr_top == second.qr_top
    assert second.qr_left >= first.qr_left + qr + CONTACT_GAP - 1e-6
    for cell in content.contacts:
        assert cell.text_top >= cell.qr_top + cell.qr_side + QR_TEXT_GAP - 1e-6
        assert cell.text_left == cell.qr_left
    # stacked, with the text beside, the header would be two codes tall
    assert content.height < 2 * qr + CONTACT_GAP


def test_an_email_breaks_before_its_at_sign() -> None:
    contact = Contact("Jürgen Müller-Lüdenscheidt", phone="+49 3931 0000-21",
                      email="j.mueller-luedenscheidt@example.org")
    content = header_content(Actor("abh", "Ausländerbehörde", contacts=(contact,)), Options(),
                             8.0 * 2 + Options().qr_size + QR_TEXT_GAP + 100.0,
                             (Options().qr_size,))
    mail = [line.text for line in content.contacts[0].lines if line.href
            and line.href.startswith("mailto:")]
    assert mail == ["j.mueller-luedenscheidt", "@example.org"]


@pytest.mark.parametrize(("person", "longest"), [
    (Contact("Erika Beispiel", phone="+49 3931 0000-08", email="e8@example.org"),
     "+49 3931 0000-08"),
    (Contact("Erika Beispiel", role="Integrationsfachkraft U25", phone="+49 3931 0000-08",
             email="e8@example.org"), "Integrationsfachkraft"),
    (Contact("Erika Beispiel", phone="+49 3931 0000-08", email="info@jobcenter-stendal.de"),
     "@jobcenter-stendal.de")], ids=["phone", "role", "e-mail"])
def test_a_contacts_text_beside_its_code_is_as_wide_as_its_longest_line(
        person: Contact, longest: str) -> None:
    """The header offers a text column as wide as the piece of the contact's text that must
    not break (a phone number, a word of the role, the e-mail from its ``@``), not a fixed
    80 pt; the text stays beside the code there, and goes below it only in a column where
    that piece would break beside the code but not below it."""
    from prozesskette.layout.sizes import _header_widths
    from prozesskette.model import Chain, Step
    from prozesskette.text import text_width

    actor = Actor("a", "Stelle 9", contacts=(person,))
    chain = Chain(title="t", actors=(actor,), steps=(Step("s", "Schritt", actor="a"),))
    options = Options()
    qr = options.qr_size
    piece = text_width(longest, options.small_size)
    _one, widths = _header_widths(chain, options, ["a"], qr_sides(chain, options))
    tight = 2 * 8.0 + qr + QR_TEXT_GAP + piece + 1.0
    assert piece < 80.0
    assert any(abs(width - tight) < 0.01 for width in widths)
    beside = header_content(actor, options, tight, (qr,))
    assert beside.contacts[0].text_left > beside.contacts[0].qr_left + qr  # beside the code
    lines = [line.text for line in beside.contacts[0].lines]
    assert any(longest in line for line in lines), lines  # unbroken
    below = header_content(actor, options, tight - 4.0, (qr,))
    assert below.contacts[0].text_top > below.contacts[0].qr_top + qr  # below the code
    assert any(longest in line.text for line in below.contacts[0].lines)


def test_a_contact_breaking_below_its_code_too_stays_beside_it() -> None:
    """An e-mail address too long for any header breaks either way: its text stays beside
    the code, where the lane stays lower."""
    from prozesskette.text import text_width

    person = Contact("Erika Beispiel", phone="+49 3931 0000-08",
                     email="erika.beispiel.mustermann.integrationsfachkraft.u25"
                           ".abteilung.nord.fachbereich.leistungen.sgb2@jobcenter.de")
    options = Options()
    qr = options.qr_size
    content = header_content(Actor("a", "Stelle 9", contacts=(person,)), options, 253.0, (qr,))
    assert text_width((person.email or "").split("@")[0], options.small_size) > 253.0
    cell = content.contacts[0]
    assert cell.text_left > cell.qr_left + qr
    assert content.height < qr + 60.0


def test_an_email_too_long_for_its_column_gets_no_hyphen() -> None:
    """An address breaks where it must, but every line is a piece of it: no hyphen is added
    that a reader would type (the part before the ``@`` broke as a word before)."""
    email = "integrationsfachkraft.jugendberufsagentur@example.org"
    contact = Contact("Erika Beispiel", phone="+49 3931 0000-21", email=email)
    content = header_content(Actor("jc", "Jobcenter", contacts=(contact,)), Options(),
                             8.0 * 2 + Options().qr_size + QR_TEXT_GAP + 60.0,
                             (Options().qr_size,))
    mail = [line.text for line in content.contacts[0].lines if line.href
            and line.href.startswith("mailto:")]
    assert len(mail) >= 3
    assert "".join(mail) == email


@pytest.fixture(scope="module")
def ausbildung_a2() -> PdfResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrintWarning)
        return build_pdf(load(AUSBILDUNG), page="A2", landscape=True, split="none",
                         appendix=False)


def test_header_holds_two_codes_side_by_side_when_that_prints_larger(
        ausbildung_a2: PdfResult) -> None:
    """Ausbildung on A2 (codes of 117 pt): the Jobcenter's two contacts stand side by side
    (they were one under the other, making the lane two codes tall)."""
    layout = ausbildung_a2.layout
    codes = [spot.qr for spot in layout.lanes["jobcenter"].contacts if spot.qr]
    assert len(codes) == 2
    assert codes[0].bottom == pytest.approx(codes[1].bottom)
    assert layout.lanes["jobcenter"].band.h < 2 * codes[0].h
    assert verify(layout) == []
    chain = load(AUSBILDUNG)
    columns = lane_header_sizes(chain, Options(), Frame("tb"), [a.id for a in chain.actors])
    assert all(need == columns.width for need in columns.need.values())  # lanes as columns


def test_a2_print_of_ausbildung_decodes_every_code_at_the_least_module(
        ausbildung_a2: PdfResult) -> None:
    result = ausbildung_a2
    assert result.module_mm is not None
    assert MIN_MODULE_MM <= result.module_mm < MIN_MODULE_MM * 1.06
    from prozesskette.renderers.png import render_png

    image = Image.open(io.BytesIO(render_png(result.data, dpi=150, page=0))).convert("L")
    found = sorted(code.text for code in zxingcpp.read_barcodes(
        np.asarray(image), formats=zxingcpp.BarcodeFormat.QRCode))
    payloads = sorted(spot.payload for lane in result.layout.lanes.values()
                      for spot in lane.contacts if spot.qr is not None)
    assert len(payloads) == 9
    assert found == payloads
