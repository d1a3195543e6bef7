"""Lesson 05 in JupyterLab: move the steps and learning-rate sliders of the gradient-descent
explorer by keyboard and check the readout and the plot.

The expected readout is recomputed here with ``explorer_readout`` for the learning rate the
slider holds: the slider moves log₁₀(η) in steps of 0.1, so after k presses to the right of the
start exponent e₀ it holds η = 10^(e₀ + 0.1·k).
"""

from __future__ import annotations

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
    slider,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.widgets.gradient_descent import (
    LR_LOG_RANGE,
    START_LR_EXPONENT,
    START_STEPS,
    bowl_path,
    explorer_readout,
    gradient_descent_explorer,
    inside_view,
    largest_stable_lr,
    run_status,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/05_gradient_descent.ipynb"
PLOT = 0  # the lesson's only explorer


def regions(explorer):
    """Both panels' titles, the bowl's axis labels and its legend: never blank."""
    left, right = explorer.figure.axes
    return regions_of(explorer, path_title=explorer.head, loss_title=right.title,
                      w1=left.xaxis.label, w2=left.yaxis.label, legend=left.get_legend(),
                      steps=right.xaxis.label)


def lr_after(presses: int) -> float:
    """η after ``presses`` presses of ArrowRight on the learning-rate slider."""
    exponent = round(START_LR_EXPONENT + presses * LR_LOG_RANGE[2], 10)
    return 10.0**exponent


def expect_readout(page, text: str) -> None:
    expect(page.locator(f"{NOTEBOOK} .nnedu-readout")).to_have_text(text)


def expect_slider(page, which: str, text: str) -> None:
    """Wait until the slider's own readout shows ``text`` (read as textContent: Lab may not
    lay out cells that are scrolled out of view, and then their inner text is empty).

    The slider formats η with ".4g" in the browser, which keeps trailing zeros ("1.000");
    the values this test reaches have four non-zero digits, spelt the same by Python.
    """
    expect(slider(page, which).locator(".widget-readout")).to_have_text(text)


def test_sliders_move_the_path_and_a_large_learning_rate_diverges(page):
    open_notebook(page, LESSON)
    run_all(page)
    lr = lr_after(0)
    expect_readout(page, explorer_readout(lr, START_STEPS))
    expect_slider(page, "learning rate", f"{lr:.4g}")
    start = picture(page, PLOT)
    explorer = gradient_descent_explorer()
    assert_explorer_shows(page, explorer, "lesson05_start", regions(explorer))

    # More steps: the same run goes on, the loss gets lower.
    steps = START_STEPS + 5
    record_latency("lesson05", "gradient descent", "steps",
                   press_and_time(page, "steps", "ArrowRight", 5))
    expect_slider(page, "steps", str(steps))
    expect_readout(page, explorer_readout(lr, steps))
    more_steps = wait_for_new_picture(page, start, PLOT)
    assert more_steps != start

    # Just below the limit 2/c_max: the steep direction zigzags but the run converges.
    presses = 6
    lr = lr_after(presses)
    assert lr < largest_stable_lr([1.0, 10.0]) and run_status(lr) == "converging, zigzag"
    record_latency("lesson05", "gradient descent", "learning rate",
                   press_and_time(page, "learning rate", "ArrowRight", presses))
    expect_slider(page, "learning rate", f"{lr:.4g}")
    expect_readout(page, explorer_readout(lr, steps))
    zigzag = wait_for_new_picture(page, more_steps, PLOT)
    assert_explorer_shows(page, explorer, "lesson05_zigzag", regions(explorer),
                          values={"lr": lr, "steps": steps})

    # One notch more crosses the limit: the readout says so, and the plot changes again.
    lr = lr_after(presses + 1)
    move_slider(page, "learning rate", 1)
    expect_slider(page, "learning rate", f"{lr:.4g}")
    expected = explorer_readout(lr, steps)
    assert expected.startswith("diverging: loss ")
    expect_readout(page, expected)
    diverging = wait_for_new_picture(page, zigzag, PLOT)
    assert diverging not in (start, more_steps)
    assert_explorer_shows(page, explorer, "lesson05_diverging", regions(explorer),
                          values={"lr": lr, "steps": steps})
    # Issue 11: the path stops where it leaves the picture instead of zigzagging off it
    # (the picture on screen was just compared with the explorer's own drawing of it).
    assert len(inside_view(bowl_path(lr, steps))) < steps + 1
    screenshot(page, "lesson05_page")
