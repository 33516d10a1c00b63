"""The cyclic collector is paused for bulk work and turned back on after it, by the outermost use only."""

from __future__ import annotations

import gc

import pytest

from shnor.core.bulk import collector_paused


def test_the_collector_is_off_inside_and_on_after_even_when_the_work_fails():
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_nested_use_leaves_the_collector_off_until_the_outermost_ends():
    @collector_paused()
    def inner() -> bool:
        return gc.isenabled()

    with collector_paused():
        assert inner() is False
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
