"""Lesson 01 in JupyterLab: the w1/w2/b sliders move the decision line and the count follows.

The expected counts are computed here with numpy from the explorer's own data function
(`two_blobs`); the picture on screen is compared with the explorer's own rendering of the
same slider values, made here in the test process.
"""

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    assert_explorer_shows,
    move_slider,
    open_notebook,
    picture,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    slider_value,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.widgets.weighted_sum import (
    START_B,
    START_W1,
    START_W2,
    WEIGHT_RANGE,
    boundary_equation,
    two_blobs,
    weighted_sum_explorer,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/01_weighted_sum.ipynb"
STEP = WEIGHT_RANGE[2]


def expected_readout(w1: float, w2: float, b: float) -> str:
    """The readout for these slider values, counted here with plain numpy."""
    X, y = two_blobs()
    z = X @ np.array([w1, w2]) + b
    n_right = int(np.sum((z >= 0).astype(int) == y))
    return f"{n_right} of {len(y)} points classified correctly"


def as_number(slider_text: str) -> float:
    """A slider's readout as a float; ipywidgets writes negative numbers with a real minus, −."""
    return float(slider_text.replace("\u2212", "-"))


def readout(page):
    return page.locator(f"{NOTEBOOK} .nnedu-readout")


def expect_readout(page, w1, w2, b):
    expect(readout(page)).to_contain_text(expected_readout(w1, w2, b))
    expect(readout(page)).to_contain_text("decision line: " + boundary_equation(w1, w2, b))


def offline():
    """The same explorer, built here, and the picture regions that must not be blank."""
    explorer = weighted_sum_explorer()
    ax = explorer.figure.axes[0]
    return explorer, regions_of(explorer, title=explorer.parts["title"], legend=ax.get_legend(),
                                x_label=ax.xaxis.label, y_label=ax.yaxis.label)


def open_explorer(page) -> bytes:
    """Open the lesson, run every cell, check the explorer's starting state; return its picture."""
    open_notebook(page, LESSON)
    run_all(page)
    expect_readout(page, START_W1, START_W2, START_B)
    for name, value in (("w1", START_W1), ("w2", START_W2), ("b", START_B)):
        assert as_number(slider_value(page, name)) == pytest.approx(value)
    explorer, regions = offline()
    return assert_explorer_shows(page, explorer, "lesson01_start", regions)


def test_w2_slider_turns_the_line_and_updates_the_count(page):
    before = open_explorer(page)
    start_text = expected_readout(START_W1, START_W2, START_B)

    samples = press_and_time(page, "w2", "ArrowRight", 5)  # one step at a time, timed
    w2 = as_number(move_slider(page, "w2", 10))  # then ten quick steps

    assert w2 == pytest.approx(START_W2 + 15 * STEP)
    assert expected_readout(START_W1, w2, START_B) != start_text, "choose a move that counts"
    expect_readout(page, START_W1, w2, START_B)
    assert wait_for_new_picture(page, before) != before
    explorer, regions = offline()
    assert_explorer_shows(page, explorer, "lesson01_w2_moved", regions,
                          values={"w2": w2})
    record_latency("lesson01", "weighted sum", "w2", samples)


def test_all_three_sliders_can_classify_every_point(page):
    before = open_explorer(page)

    w1 = as_number(move_slider(page, "w1", 20))
    w2 = as_number(move_slider(page, "w2", 22))
    b = as_number(move_slider(page, "b", -9))

    assert (w1, w2, b) == pytest.approx((3.0, 1.2, -0.9))
    assert expected_readout(w1, w2, b) == "20 of 20 points classified correctly"
    expect_readout(page, w1, w2, b)
    assert picture(page) != before
    explorer, regions = offline()
    assert_explorer_shows(page, explorer, "lesson01_all_correct", regions,
                          values={"w1": w1, "w2": w2, "b": b})
