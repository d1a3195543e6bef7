"""Lesson 08a in JupyterLab: move the layers slider by keyboard, pick an activation and an initial
weight scale, and check that the explorer's readout and picture are those of the same explorer
built here.

The expected readout is recomputed with ``explorer_readout`` for the values the controls hold;
the picture on screen is compared with ``render_png`` of the same values.
"""

from __future__ import annotations

import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    choose_toggle,
    latency_ms,
    open_notebook,
    picture,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    screenshot,
    select_dropdown,
    slider,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.widgets.deep_init import deep_init_explorer, explorer_readout

pytestmark = pytest.mark.browser

LESSON = "lessons/08a_training_deep_networks.ipynb"
PLOT = 0  # the lesson's only explorer


def regions(explorer):
    """The three panels' titles and the layer axes' labels: never blank."""
    hist, std, grad = explorer.figure.axes
    return regions_of(explorer, hist_title=hist.title, std_title=std.title,
                      grad_title=grad.title, layers=hist.yaxis.label, std_x=std.xaxis.label)


def expect_readout(page, text: str) -> None:
    expect(page.locator(f"{NOTEBOOK} .nnedu-readout")).to_have_text(text)


def test_layers_activation_and_initial_weights_change_the_picture(page):
    open_notebook(page, LESSON)
    run_all(page)
    expect_readout(page, explorer_readout(10, "tanh", "xavier"))
    start = picture(page, PLOT)
    explorer = deep_init_explorer()
    assert_explorer_shows(page, explorer, "lesson08a_start", regions(explorer))

    # Deeper: five more layers, one key press at a time.
    record_latency("lesson08a", "deep init", "layers",
                   press_and_time(page, "layers", "ArrowRight", 5))
    expect(slider(page, "layers").locator(".widget-readout")).to_have_text("15")
    expect_readout(page, explorer_readout(15, "tanh", "xavier"))
    deeper = wait_for_new_picture(page, start, PLOT)

    # ReLU with Xavier: the signal shrinks layer by layer.
    arm_latency(page, PLOT)
    choose_toggle(page, "relu")
    record_latency("lesson08a", "deep init", "activation", [latency_ms(page)])
    expect_readout(page, explorer_readout(15, "relu", "xavier"))
    relu = wait_for_new_picture(page, deeper, PLOT)
    assert_explorer_shows(page, explorer, "lesson08a_relu_xavier", regions(explorer),
                          values={"depth": 15, "activation": "relu", "init": "xavier"})

    # He keeps it steady.
    arm_latency(page, PLOT)
    select_dropdown(page, "initial weights", "He")
    record_latency("lesson08a", "deep init", "initial weights", [latency_ms(page)])
    expect_readout(page, explorer_readout(15, "relu", "he"))
    wait_for_new_picture(page, relu, PLOT)
    assert_explorer_shows(page, explorer, "lesson08a_relu_he", regions(explorer),
                          values={"depth": 15, "activation": "relu", "init": "he"})
    screenshot(page, "lesson08a_page")
