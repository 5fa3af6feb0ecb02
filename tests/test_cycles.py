"""The cycle collector's pause during layouts holds across threads (layout/cycles.py)."""

from __future__ import annotations

import gc
import threading

from paths import AUSBILDUNG
from prozesskette.layout import layout_chain
from prozesskette.layout.cycles import paused_cycle_collection
from prozesskette.loader import load


def test_overlapping_pauses_in_two_threads_leave_the_collector_on() -> None:
    """Thread A pauses, B pauses, A ends, B ends: the collector stays off until B ends and
    is on afterwards (it was on before)."""
    assert gc.isenabled()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with paused_cycle_collection():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with paused_cycle_collection():
            b_in.set()
            a_out.wait(5)
            seen["during"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"during": False}
    assert gc.isenabled()


def test_collector_stays_off_if_it_was_off() -> None:
    gc.disable()
    try:
        with paused_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_layouts_in_threads_leave_the_collector_on() -> None:
    chain = load(AUSBILDUNG)
    threads = [threading.Thread(target=layout_chain, args=(chain,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert gc.isenabled()
