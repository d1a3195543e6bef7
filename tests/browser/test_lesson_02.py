"""Lesson 02 in JupyterLab: the activation explorer and the depth explorer answer their controls."""

import re

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    move_slider,
    open_notebook,
    output_image_bytes,
    run_all,
    screenshot,
    select_dropdown,
    slider,
    slider_value,
    wait_for_new_image,
)
from playwright.sync_api import expect

from nnedu import activations as act

pytestmark = pytest.mark.browser

LESSON = "lessons/02_activation_functions.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def readout(page, index):
    """The index-th lesson readout (0: activation explorer, 1: depth explorer)."""
    return page.locator(f"{NOTEBOOK} .nnedu-readout").nth(index)


def explorer_box(page, index):
    """The whole explorer (the VBox holding the readout), for screenshots."""
    return readout(page, index).locator("xpath=..")


def test_choosing_an_activation_redraws_the_plot(page):
    open_notebook(page, LESSON)
    run_all(page)
    for _ in range(2):
        explorer_box(page, 0).scroll_into_view_if_needed()
    expect(readout(page, 0)).to_contain_text("sigmoid: output range (0, 1).")
    before = output_image_bytes(page, index=0)
    assert before.startswith(PNG_SIGNATURE)

    select_dropdown(page, "activation", "ELU")

    expect(readout(page, 0)).to_contain_text("ELU: output range (−1, ∞).")
    after = wait_for_new_image(page, before, index=0)
    assert after.startswith(PNG_SIGNATURE)
    assert after != before
    # ELU(−5) = e^−5 − 1: the smallest value on the default range −5 … 5.
    expect(readout(page, 0)).to_contain_text(f"f(z) goes from {float(act.elu(-5.0)):.3f}")
    screenshot(page, "lesson02_activation_elu", locator=explorer_box(page, 0))


def test_depth_slider_shrinks_the_sigmoid_gradient(page):
    open_notebook(page, LESSON)
    run_all(page)
    # Lab does not lay out cells far outside the view (their inner text reads as ""), and the
    # page grows while they are laid out: scroll twice, then wait for the text.
    for _ in range(2):
        explorer_box(page, 1).scroll_into_view_if_needed()
    depth_readout = slider(page, "depth").locator(".widget-readout")
    expect(depth_readout).to_have_text("5")
    expect(readout(page, 1)).to_contain_text("after 5 sigmoid layers")
    before = output_image_bytes(page, index=1)

    move_slider(page, "depth", 5)  # five presses of the right arrow key
    expect(depth_readout).to_have_text("10")
    assert slider_value(page, "depth") == "10"

    depth = 10
    bound = 0.25**depth
    expect(readout(page, 1)).to_contain_text(f"after {depth} sigmoid layers")
    text = readout(page, 1).inner_text()
    match = re.search(r"the gradient is at most (\S+) of its size", text)
    assert match is not None, text
    assert match.group(1) == f"{bound:.1e}"  # "9.5e-07"
    assert float(match.group(1)) == pytest.approx(bound, rel=0.01)
    tanh_factor = float(act.tanh_derivative(1.0)) ** depth  # the z slider stays at 1.00
    assert f"tanh {tanh_factor:.1e}" in text
    assert np.isclose(float(re.search(r"tanh (\S+),", text).group(1)), tanh_factor, rtol=0.01)

    after = wait_for_new_image(page, before, index=1)
    assert after != before
    screenshot(page, "lesson02_depth_10", locator=explorer_box(page, 1))
