"""Lesson 02 in JupyterLab: the activation explorer and the depth explorer answer their controls."""

import re

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    explorer_box,
    latency_ms,
    move_slider,
    open_notebook,
    picture,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    select_dropdown,
    slider,
    slider_value,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu import activations as act
from nnedu.widgets.activations import activation_explorer, depth_explorer

pytestmark = pytest.mark.browser

LESSON = "lessons/02_activation_functions.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def regions(explorer):
    """Title, axis labels and tick numbers of the explorer's (first) panel: never blank."""
    ax = explorer.figure.axes[0]
    return regions_of(explorer, title=explorer.head, x_label=ax.xaxis.label,
                      y_label=ax.yaxis.label, legend=ax.get_legend())


def readout(page, index):
    """The index-th lesson readout (0: activation explorer, 1: depth explorer)."""
    return page.locator(f"{NOTEBOOK} .nnedu-readout").nth(index)


def test_choosing_an_activation_redraws_the_plot(page):
    open_notebook(page, LESSON)
    run_all(page)
    for _ in range(2):
        explorer_box(page, 0).scroll_into_view_if_needed()
    expect(readout(page, 0)).to_contain_text("sigmoid: output range (0, 1).")
    before = picture(page, 0)
    assert before.startswith(PNG_SIGNATURE)
    explorer = activation_explorer()
    assert_explorer_shows(page, explorer, "lesson02_activation_start", regions(explorer), 0)

    samples = []
    for label, key in (("ELU", "elu"), ("leaky ReLU", "leaky_relu"), ("ReLU", "relu"),
                       ("ELU", "elu")):
        arm_latency(page, 0)
        select_dropdown(page, "activation", label)
        samples.append(latency_ms(page))
        expect(readout(page, 0)).to_contain_text(f"{label}: output range")
        if key == "leaky_relu":
            after = wait_for_new_picture(page, before, 0)
            assert_explorer_shows(page, explorer, "lesson02_activation_leaky_relu",
                                  regions(explorer), 0, values={"name": key})
    record_latency("lesson02", "activation", "dropdown", samples)

    expect(readout(page, 0)).to_contain_text("ELU: output range (−1, ∞).")
    after = wait_for_new_picture(page, before, index=0)
    assert after != before
    # ELU(−5) = e^−5 − 1: the smallest value on the default range −5 … 5.
    expect(readout(page, 0)).to_contain_text(f"f(z) goes from {float(act.elu(-5.0)):.3f}")
    assert_explorer_shows(page, explorer, "lesson02_activation_elu", regions(explorer), 0,
                          values={"name": "elu"})


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
    before = picture(page, 1)
    explorer = depth_explorer()
    assert_explorer_shows(page, explorer, "lesson02_depth_start", regions(explorer), 1)

    samples = press_and_time(page, "depth", "ArrowRight", 3, index=1)  # timed, one at a time
    record_latency("lesson02", "depth", "depth", samples)
    move_slider(page, "depth", 2)  # two more presses of the right arrow key
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

    after = wait_for_new_picture(page, before, index=1)
    assert after != before
    assert_explorer_shows(page, explorer, "lesson02_depth_10", regions(explorer), 1,
                          values={"depth": 10})
