"""Lesson 11 in JupyterLab: the threshold slider changes the confusion matrix and the scores.

The "is it a 3?" neuron's test probabilities are computed here with the same function and seed
as the notebook (bit-identical). The expected scores are counted here with plain numpy; the
picture on screen is compared with the explorer's own rendering of the same threshold, made in
the test process, and its titles, labels and legends must not be blank.
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
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.widgets.evaluation import (
    THRESHOLD_START,
    THRESHOLD_STEP,
    is_three_test_scores,
    threshold_explorer,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/11_evaluating_models.ipynb"
STEPS = 40  # threshold 0.50 -> 0.10: every 3 is found, at the price of false alarms


def scores_text(t: float) -> str:
    """The readout for threshold t, counted here: p ≥ t is called a 3."""
    y, p = is_three_test_scores()
    called = p >= t
    tp, fp = int(np.sum(called & (y == 1))), int(np.sum(called & (y == 0)))
    fn, tn = int(np.sum(~called & (y == 1))), int(np.sum(~called & (y == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    f1 = 2 * tp / (2 * tp + fp + fn)
    accuracy = (tp + tn) / len(y)
    return (f"threshold {t:.2f}: precision {precision:.2f}, recall {recall:.2f}, "
            f"F1 {f1:.2f}, accuracy {accuracy:.2f}")


def offline():
    """The same explorer, built here, and the picture regions that must not be blank."""
    explorer = threshold_explorer()
    ax_cm, ax_hist, ax_pr = explorer.parts["axes"]
    return explorer, regions_of(
        explorer, matrix_title=ax_cm.title, histogram_title=ax_hist.title,
        curve_title=ax_pr.title, histogram_x_label=ax_hist.xaxis.label,
        histogram_legend=ax_hist.get_legend(), curve_legend=ax_pr.get_legend(),
        true_positives=explorer.parts["counts"][1][1])


def test_threshold_slider_trades_precision_for_recall(page):
    lowered_t = round(THRESHOLD_START - STEPS * THRESHOLD_STEP, 2)
    assert scores_text(lowered_t) != scores_text(THRESHOLD_START), "the move must show a change"
    explorer, regions = offline()

    open_notebook(page, LESSON)
    run_all(page)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout).to_have_text(scores_text(THRESHOLD_START))
    before = assert_explorer_shows(page, explorer, "lesson11_threshold_050", regions)

    samples = press_and_time(page, "threshold t", "ArrowLeft", 5)  # one step at a time, timed
    assert move_slider(page, "threshold t", -(STEPS - 5)) == f"{lowered_t:.2f}"
    expect(readout).to_have_text(scores_text(lowered_t))
    assert wait_for_new_picture(page, before) != before
    lowered = assert_explorer_shows(page, explorer, "lesson11_threshold_010", regions,
                                    values={"threshold": lowered_t})
    record_latency("lesson11", "threshold", "threshold", samples)

    assert move_slider(page, "threshold t", STEPS) == f"{THRESHOLD_START:.2f}"
    expect(readout).to_have_text(scores_text(THRESHOLD_START))
    assert wait_for_new_picture(page, lowered) == before, "same threshold, same picture"
