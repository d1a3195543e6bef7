"""Lesson 10 in JupyterLab: the regularisation explorer looks up the cached runs and redraws.

A student runs the whole lesson (which trains the 12 cached runs), then moves both sliders with
the keyboard: weight decay from 0 to 1e-2 (three steps right) and dropout from 0 to 0.5 (two
steps right). The readout must then say what ``readout_text`` computes here, in the test, from
the same cached run (``grid_runs()``: the same training calls, bit for bit), and the plot must
change.
"""

import pytest
from harness import (
    NOTEBOOK,
    move_slider,
    open_notebook,
    output_image_bytes,
    run_all,
    screenshot,
    slider_value,
    wait_for_new_image,
)
from playwright.sync_api import expect

from nnedu.widgets.regularisation import grid_runs, readout_text

pytestmark = pytest.mark.browser

LESSON = "lessons/10_regularisation.ipynb"
RUN_ALL_TIMEOUT_MS = 300_000  # the lesson trains 19 small networks; a loaded machine is slow
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_sliders_pick_the_cached_run_and_redraw(page):
    runs = grid_runs()
    start = readout_text(0.0, 0.0, runs[(0.0, 0.0)].history)
    after_decay = readout_text(1e-2, 0.0, runs[(1e-2, 0.0)].history)
    after_both = readout_text(1e-2, 0.5, runs[(1e-2, 0.5)].history)
    assert len({start, after_decay, after_both}) == 3, "each move must change the readout"

    open_notebook(page, LESSON)
    run_all(page, timeout_ms=RUN_ALL_TIMEOUT_MS)
    explorer = page.locator(f"{NOTEBOOK} .nnedu-regularisation")
    readout = explorer.locator(".nnedu-readout")
    expect(readout).to_have_text(start)
    assert slider_value(page, "weight decay") == "0"
    assert slider_value(page, "dropout") == "0"
    explorer.scroll_into_view_if_needed()
    before = output_image_bytes(page, index=0)
    assert before.startswith(PNG_SIGNATURE)
    screenshot(page, "lesson10_start", locator=explorer)

    assert move_slider(page, "weight decay", 3) == "1e-2"
    expect(readout).to_have_text(after_decay)
    decayed = wait_for_new_image(page, before, index=0)
    assert decayed.startswith(PNG_SIGNATURE) and decayed != before

    assert move_slider(page, "dropout", 2) == "0.5"
    expect(readout).to_have_text(after_both)
    both = wait_for_new_image(page, decayed, index=0)
    assert both.startswith(PNG_SIGNATURE) and both not in (before, decayed)
    screenshot(page, "lesson10_decay_and_dropout", locator=explorer)

    # Back to the start by keyboard: the same run, so the same readout and the same picture.
    move_slider(page, "weight decay", -3)
    move_slider(page, "dropout", -2)
    expect(readout).to_have_text(start)
    restored = wait_for_new_image(page, both, index=0)
    assert restored == before, "the same cached run must give the same picture"
