"""Lesson 03 in JupyterLab: the 2-2-1 XOR network's sliders change its picture and its score.

A student moves b2 (the bias of hidden unit 2, the AND unit) to the right with the keyboard
until hidden unit 2 fires for a single input; the readout must then show the count that the
network function computes here with numpy, the plot must change, and "Reset to the solution"
must bring back 4 of 4 and the original picture.
"""

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    click_button,
    explorer_box,
    latency_ms,
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

from nnedu.widgets.xor import (
    SLIDER_STEP,
    SOLUTION,
    XOR_X,
    XOR_Y,
    readout_text,
    xor_explorer,
    xor_forward,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/03_layers_forward_pass.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEPS = 15  # b2: -30 -> -15


def number(readout: str) -> float:
    """A slider readout as a number (the readout writes negatives with a real minus sign, −)."""
    return float(readout.replace("\u2212", "-"))


def points_right(params: dict) -> int:
    """How many XOR points the network gets right: ŷ ≥ 0.5 means class 1."""
    _, y_hat = xor_forward(XOR_X, params)
    return int(np.sum((y_hat >= 0.5).astype(int) == XOR_Y))


def table_place(page) -> tuple[float, float, float, float]:
    """The points table's offset from the explorer's top left corner, and its size (px)."""
    table = page.locator(f"{NOTEBOOK} .nnedu-xor-points").bounding_box()
    whole = explorer_box(page).bounding_box()
    return (table["x"] - whole["x"], table["y"] - whole["y"], table["width"], table["height"])


def offline():
    """The explorer built here, and its four panel titles, which must never be blank."""
    explorer = xor_explorer()
    return explorer, regions_of(explorer, **{f"title {k}": head
                                             for k, head in enumerate(explorer.heads)})


def test_moving_b2_breaks_xor_and_reset_restores_it(page):
    page.set_viewport_size({"width": 1280, "height": 1400})  # the whole explorer in view
    open_notebook(page, LESSON)
    run_all(page)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    table = page.locator(f"{NOTEBOOK} .nnedu-xor-points")
    expect(readout).to_contain_text(readout_text(points_right(SOLUTION)))
    assert points_right(SOLUTION) == 4
    assert number(slider_value(page, "b2")) == SOLUTION["b2"]
    before = picture(page)
    assert before.startswith(PNG_SIGNATURE)
    explorer, regions = offline()
    assert_explorer_shows(page, explorer, "lesson03_start", regions)
    box = table_place(page)

    moved = {**SOLUTION, "b2": SOLUTION["b2"] + STEPS * SLIDER_STEP}
    expected = points_right(moved)
    assert expected < 4, "the move must flip at least one point, or the test shows nothing"
    H, _ = xor_forward(XOR_X, moved)

    samples = press_and_time(page, "b2", "ArrowRight", 5)  # timed, one press at a time
    record_latency("lesson03", "XOR", "b2", samples)
    assert number(move_slider(page, "b2", STEPS - 5)) == moved["b2"]

    # The table shows h2 of the point (0, 1) for the final slider value only (earlier steps
    # give other values); the widget writes the text after the picture, so both are final.
    expect(table).to_contain_text(f"{H[1, 1]:.2f}")
    expect(readout).to_contain_text(readout_text(expected))
    after = wait_for_new_picture(page, before)
    assert after.startswith(PNG_SIGNATURE) and after != before
    assert_explorer_shows(page, explorer, "lesson03_b2_moved", regions,
                          values={"b2": moved["b2"]})
    # Issue 11: the table jumped ~24 px between states; it must keep its place and size.
    assert table_place(page) == box

    arm_latency(page)
    click_button(page, "Reset to the solution")
    record_latency("lesson03", "XOR", "reset button", [latency_ms(page)])

    expect(readout).to_contain_text(readout_text(4))
    assert number(slider_value(page, "b2")) == SOLUTION["b2"]
    restored = wait_for_new_picture(page, after)
    assert restored == before, "the reset picture should be the starting picture again"
    assert_explorer_shows(page, explorer, "lesson03_reset", regions)
