"""Lesson 09a in JupyterLab: slide the filter back by keyboard, choose another filter, another
test digit and move it a pixel right, and check the readout and the picture after each change.

The expected readouts are computed here with ``explorer_readout`` (the HTML readout shows the
filter's name in bold; the text on screen is the same without the tags), and the picture on
screen is compared with the explorer's own rendering of the same values, made in the test.
"""

from __future__ import annotations

import re

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
    screenshot,
    select_dropdown,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.data import load_digits
from nnedu.widgets.conv_filter import conv_filter_explorer, explorer_readout

pytestmark = pytest.mark.browser

LESSON = "lessons/09a_convolutional_networks.ipynb"
PLOT = 0  # the lesson's only explorer


def readout_text(digit: int, name: str, position: int, move: int = 0) -> str:
    digits = load_digits()
    html = explorer_readout(digits.X_test[digit].reshape(8, 8), int(digits.y_test[digit]), name,
                            position, move)
    return re.sub(r"<[^>]+>", "", html)


def regions(explorer):
    """The three panels' titles and the formula under the filter: never blank."""
    digit_ax, filter_ax, map_ax = explorer.figure.axes
    return regions_of(explorer, digit=digit_ax.title, kernel=filter_ax.title, map=map_ax.title,
                      value=explorer.value)


def expect_readout(page, text: str) -> None:
    expect(page.locator(f"{NOTEBOOK} .nnedu-readout")).to_have_text(text, timeout=60_000)


def test_the_filter_slides_and_the_feature_map_fills(page):
    open_notebook(page, LESSON)
    run_all(page)
    expect_readout(page, readout_text(0, "vertical edge", 63))
    explorer = conv_filter_explorer()
    start = assert_explorer_shows(page, explorer, "lesson09a_start", regions(explorer))

    # Back along the last row, one output at a time: the map empties behind the window.
    record_latency("lesson09a", "conv filter", "position",
                   press_and_time(page, "position", "ArrowLeft", 5))
    expect_readout(page, readout_text(0, "vertical edge", 58))
    moved = wait_for_new_picture(page, start, PLOT)
    assert moved != start

    # Another filter: the weights and the map change, the window stays where it is.
    select_dropdown(page, "filter", "blur (average)")
    expect_readout(page, readout_text(0, "blur (average)", 58))
    blurred = wait_for_new_picture(page, moved, PLOT)

    # Another test digit, three to the right, moved one pixel right, the window further back.
    move_slider(page, "test digit", 3)
    record_latency("lesson09a", "conv filter", "move right",
                   press_and_time(page, "move right", "ArrowRight", 1))
    move_slider(page, "position", -20)
    expect_readout(page, readout_text(3, "blur (average)", 38, move=1))
    wait_for_new_picture(page, blurred, PLOT)
    assert_explorer_shows(page, explorer, "lesson09a_digit3_blur", regions(explorer),
                          values={"digit": 3, "move": 1, "filter": "blur (average)",
                                  "position": 38})
    assert picture(page, PLOT) not in (start, moved)
    screenshot(page, "lesson09a_page")
