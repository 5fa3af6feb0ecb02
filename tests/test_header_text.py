"""The texts of a lane header stay apart and inside it, with and without QR codes."""

from __future__ import annotations

from typing import Any

import pytest

from prozesskette.layout import layout_chain, verify
from prozesskette.loader import load


def _chain(contacts: int) -> dict[str, Any]:
    people = [{"name": f"Erika Beispiel {i}", "role": "Integrationsfachkraft U25",
               "phone": f"+49 3931 0000-3{i}", "email": f"e.beispiel{i}@example.org"}
              for i in range(contacts)]
    return {"title": "T", "language": "de",
            "actors": [{"id": "jc", "name": "Jobcenter Landkreis Stendal", "contacts": people},
                       {"id": "p", "name": "Person"}],
            "steps": [{"id": "s", "title": "Ankunft", "actor": "p", "kind": "start",
                       "next": ["a"]},
                      {"id": "a", "title": "Anmeldung im Jobcenter", "actor": "jc",
                       "next": ["e"]},
                      {"id": "e", "title": "Ende", "actor": "p", "kind": "end"}]}


@pytest.mark.parametrize("contacts", [1, 2, 3, 4])
@pytest.mark.parametrize("qr", [True, False])
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_contact_texts_do_not_overlap_each_other_or_the_name(contacts: int, qr: bool,
                                                              direction: str) -> None:
    layout = layout_chain(load(_chain(contacts)), qr=qr, direction=direction)
    assert verify(layout) == []
    lane = layout.lanes["jc"]
    blocks = [lane.title.rect] + [spot.text.rect for spot in lane.contacts]
    blocks += [spot.qr for spot in lane.contacts if spot.qr is not None]
    for block in blocks:
        assert lane.header.x - 1e-6 <= block.x and block.right <= lane.header.right + 1e-6
        assert lane.header.y - 1e-6 <= block.y and block.bottom <= lane.header.bottom + 1e-6
    for i, first in enumerate(blocks):
        for second in blocks[i + 1:]:
            assert not first.overlaps(second), (first, second)
