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
    click_button,
    move_slider,
    open_notebook,
    output_image_bytes,
    run_all,
    screenshot,
    slider_value,
    wait_for_new_image,
)
from playwright.sync_api import expect

from nnedu.widgets.xor import SLIDER_STEP, SOLUTION, XOR_X, XOR_Y, readout_text, xor_forward

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


def test_moving_b2_breaks_xor_and_reset_restores_it(page):
    open_notebook(page, LESSON)
    run_all(page)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    table = page.locator(f"{NOTEBOOK} .nnedu-xor-points")
    expect(readout).to_have_text(readout_text(points_right(SOLUTION)))
    assert points_right(SOLUTION) == 4
    assert number(slider_value(page, "b2")) == SOLUTION["b2"]
    before = output_image_bytes(page, index=0)
    assert before.startswith(PNG_SIGNATURE)

    moved = {**SOLUTION, "b2": SOLUTION["b2"] + STEPS * SLIDER_STEP}
    expected = points_right(moved)
    assert expected < 4, "the move must flip at least one point, or the test shows nothing"
    H, _ = xor_forward(XOR_X, moved)

    assert number(move_slider(page, "b2", STEPS)) == moved["b2"]

    # The table shows h2 of the point (0, 1) for the final slider value only (earlier steps
    # give other values); the widget writes the text after the picture, so both are final.
    expect(table).to_contain_text(f"{H[1, 1]:.2f}")
    expect(readout).to_have_text(readout_text(expected))
    after = wait_for_new_image(page, before, index=0)
    assert after.startswith(PNG_SIGNATURE) and after != before
    screenshot(page, "lesson03_b2_moved", locator=page.locator(f"{NOTEBOOK} .nnedu-xor"))

    click_button(page, "Reset to the solution")

    expect(readout).to_have_text(readout_text(4))
    assert number(slider_value(page, "b2")) == SOLUTION["b2"]
    restored = wait_for_new_image(page, after, index=0)
    assert restored == before, "the reset picture should be the starting picture again"
    screenshot(page, "lesson03_reset", locator=page.locator(f"{NOTEBOOK} .nnedu-xor"))
