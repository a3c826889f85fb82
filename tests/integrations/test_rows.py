"""Reading import files: the collector pause around a read always ends as it began."""

from __future__ import annotations

import gc

import pytest

from integrations.rows import collector_paused


def test_the_collector_is_paused_during_a_read_and_running_again_after_it():
    assert gc.isenabled()

    with collector_paused():
        paused = not gc.isenabled()

    assert paused
    assert gc.isenabled()


def test_a_read_that_fails_still_leaves_the_collector_running():
    with pytest.raises(ValueError, match="bad file"), collector_paused():
        raise ValueError("bad file")

    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            pass
        still_paused = not gc.isenabled()
    finally:
        gc.enable()

    assert still_paused
