"""Lesson 10 in JupyterLab: the regularisation explorer picks a cached run and moves its curves.

A student runs the whole lesson (which trains the 12 cached runs), then moves both sliders with
the keyboard: weight decay from 0 to 1e-2 (three steps right) and dropout from 0 to 0.5 (two
steps right). The readout must say what is computed here, with numpy, from the same cached run
(``grid_runs()``: the same training calls, bit for bit); the picture on screen must match the
explorer's own rendering of the same setting, made in the test, with no blank title or label.
"""

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    assert_explorer_shows,
    move_slider,
    open_notebook,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    slider_value,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.widgets.regularisation import grid_runs, regularisation_explorer

pytestmark = pytest.mark.browser

LESSON = "lessons/10_regularisation.ipynb"
RUN_ALL_TIMEOUT_MS = 300_000  # the lesson trains 19 small networks; a loaded machine is slow
DECAY, DROPOUT = "weight decay λ (L2)", "dropout rate p"


def expected_readout(decay: str, dropout: str, key: tuple[float, float]) -> str:
    """The readout for one cached run, computed here from its history."""
    h = grid_runs()[key].history
    best = int(np.argmax(h["val_accuracy"]))
    gap = h["val_loss"][-1] - h["loss"][-1]
    return (f"weight decay {decay}, dropout {dropout}: best validation accuracy "
            f"{100 * h['val_accuracy'][best]:.1f} % at epoch {best + 1}; gap after the last "
            f"epoch (validation loss − training loss) {gap:.2f}")


def offline():
    """The same explorer, built here, and the picture regions that must not be blank."""
    explorer = regularisation_explorer()
    loss_ax, accuracy_ax = explorer.figure.axes
    return explorer, regions_of(explorer, heading=explorer.heading,
                                legend=explorer.figure.legends[0],
                                loss_label=loss_ax.yaxis.label,
                                accuracy_label=accuracy_ax.yaxis.label)


def test_sliders_pick_the_cached_run_and_redraw(page):
    start = expected_readout("0", "0", (0.0, 0.0))
    after_decay = expected_readout("1e-2", "0", (1e-2, 0.0))
    after_both = expected_readout("1e-2", "0.5", (1e-2, 0.5))
    assert len({start, after_decay, after_both}) == 3, "each move must change the readout"
    explorer, regions = offline()

    open_notebook(page, LESSON)
    run_all(page, timeout_ms=RUN_ALL_TIMEOUT_MS)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout).to_have_text(start)
    assert slider_value(page, DECAY) == "0"
    assert slider_value(page, DROPOUT) == "0"
    before = assert_explorer_shows(page, explorer, "lesson10_start", regions)

    samples = press_and_time(page, DECAY, "ArrowRight", 3)  # 0 → 1e-4 → 1e-3 → 1e-2, timed
    assert slider_value(page, DECAY) == "1e-2"
    expect(readout).to_have_text(after_decay)
    decayed = assert_explorer_shows(page, explorer, "lesson10_decay", regions,
                                    values={"weight_decay": 1e-2})

    samples += press_and_time(page, DROPOUT, "ArrowRight", 2)
    assert slider_value(page, DROPOUT) == "0.5"
    expect(readout).to_have_text(after_both)
    both = assert_explorer_shows(page, explorer, "lesson10_decay_and_dropout", regions,
                                 values={"weight_decay": 1e-2, "dropout": 0.5})
    assert both not in (before, decayed)
    record_latency("lesson10", "regularisation", "weight decay, dropout", samples)

    # Back to the start by keyboard: the same run, so the same readout and the same picture.
    move_slider(page, DECAY, -3)
    move_slider(page, DROPOUT, -2)
    expect(readout).to_have_text(start)
    assert wait_for_new_picture(page, both) == before, "same cached run, same picture"
