"""Lesson 11 in JupyterLab: the threshold slider changes the confusion matrix and the scores.

The test computes the "is it a 3?" neuron's test probabilities here with the same function and
seed as the notebook (bit-identical), moves the threshold slider down with the keyboard, and
checks that the readout shows exactly what ``metrics_at`` computes for the new threshold and
that the plot was redrawn; moving it back must bring back the first readout and picture.
"""

import pytest
from harness import (
    NOTEBOOK,
    move_slider,
    open_notebook,
    run_all,
    screenshot,
    wait_for_new_image,
    wait_for_stable_image,
)
from playwright.sync_api import expect

from nnedu.widgets.evaluation import (
    THRESHOLD_START,
    THRESHOLD_STEP,
    is_three_test_scores,
    metrics_at,
    readout_text,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/11_evaluating_models.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEPS = 40  # threshold 0.50 -> 0.10: every 3 is found, at the price of false alarms


def test_threshold_slider_trades_precision_for_recall(page):
    y_true, proba = is_three_test_scores()
    start = metrics_at(THRESHOLD_START, y_true, proba)
    lowered_t = round(THRESHOLD_START - STEPS * THRESHOLD_STEP, 2)
    lowered = metrics_at(lowered_t, y_true, proba)
    assert lowered["recall"] > start["recall"] and lowered["fp"] > start["fp"], (
        "the move must change the trade-off, or the test shows nothing"
    )

    open_notebook(page, LESSON)
    run_all(page)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout).to_have_text(readout_text(start))
    before = wait_for_stable_image(page, index=0)
    assert before.startswith(PNG_SIGNATURE)

    assert move_slider(page, "threshold", -STEPS) == f"{lowered_t:.2f}"
    expect(readout).to_have_text(readout_text(lowered))
    after = wait_for_new_image(page, before, index=0)
    assert after.startswith(PNG_SIGNATURE) and after != before
    screenshot(page, "lesson11_threshold_010", locator=page.locator(f"{NOTEBOOK} .nnedu-threshold"))

    assert move_slider(page, "threshold", STEPS) == f"{THRESHOLD_START:.2f}"
    expect(readout).to_have_text(readout_text(start))
    restored = wait_for_new_image(page, after, index=0)
    assert restored == before, "the same threshold must draw the same picture"
    # (after the keyboard moves the widget is in view; right after "run all" Lab may still scroll)
    screenshot(page, "lesson11_threshold_050", locator=page.locator(f"{NOTEBOOK} .nnedu-threshold"))
