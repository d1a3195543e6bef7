"""Lesson 08 in JupyterLab: switch the optimizer race to the Rosenbrock valley, move the
learning-rate slider by keyboard and pick other optimizers; the readout must show the final
losses that ``race`` computes here for the new settings, and the plot must change each time.

The learning-rate slider moves log₁₀(η) in steps of 0.1, so after k presses to the left of the
start exponent e₀ it holds η = 10^(e₀ − 0.1·k).
"""

from __future__ import annotations

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
    wait_for_new_image,
)
from playwright.sync_api import expect

from nnedu.widgets.optimizers import (
    LABELS,
    LR_LOG_RANGE,
    START_LR_EXPONENT,
    START_OPTIMIZERS,
    START_STEPS,
    SURFACES,
    format_loss,
    race,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/08_optimizers.ipynb"
PLOT = 0  # the race's Output is the only widget Output in the lesson


def lr_after(presses: int) -> float:
    """η after ``presses`` presses of ArrowRight (negative: ArrowLeft) on the slider."""
    return 10.0 ** round(START_LR_EXPONENT + presses * LR_LOG_RANGE[2], 10)


def expect_race(page, surface: str, optimizers, lr: float, steps: int) -> dict[str, float]:
    """Wait until the readout shows, row by row, the final losses of ``race`` for these
    settings; return them."""
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expected = race(surface, optimizers, lr, steps)
    expect(readout).to_contain_text(f"{SURFACES[surface].label}, η = {lr:.4g}, {steps} steps")
    expect(readout.locator("tr[data-optimizer]")).to_have_count(len(expected))
    for name, value in expected.items():
        row = readout.locator(f"tr[data-optimizer='{name}']")
        expect(row.locator("th")).to_have_text(LABELS[name])
        expect(row.locator("td").first).to_have_text(format_loss(value))
    return expected


def test_surface_learning_rate_and_optimizers_change_the_race(page):
    open_notebook(page, LESSON)
    run_all(page)
    lr = lr_after(0)
    on_bowl = expect_race(page, "bowl", START_OPTIMIZERS, lr, START_STEPS)
    assert all(value < float("inf") for value in on_bowl.values())
    bowl_plot = output_image_bytes(page, PLOT)

    # The Rosenbrock valley with the same η: plain SGD and momentum blow up there.
    select_dropdown(page, "surface", SURFACES["rosenbrock"].label)
    on_rosenbrock = expect_race(page, "rosenbrock", START_OPTIMIZERS, lr, START_STEPS)
    assert on_rosenbrock["sgd"] == on_rosenbrock["momentum"] == float("inf")
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout.locator("tr[data-optimizer='sgd'] td").first).to_have_text("blew up")
    rosenbrock_plot = wait_for_new_image(page, bowl_plot, PLOT)
    assert rosenbrock_plot != bowl_plot

    # Five notches to the left by keyboard: η = 10^−2.5, small enough for SGD to survive.
    presses = -5
    lr = lr_after(presses)
    move_slider(page, "learning rate", presses)
    expect(slider(page, "learning rate").locator(".widget-readout")).to_have_text(f"{lr:.4g}")
    smaller_lr = expect_race(page, "rosenbrock", START_OPTIMIZERS, lr, START_STEPS)
    assert smaller_lr["sgd"] < float("inf") and smaller_lr["momentum"] < float("inf")
    smaller_lr_plot = wait_for_new_image(page, rosenbrock_plot, PLOT)
    assert smaller_lr_plot not in (bowl_plot, rosenbrock_plot)

    # Other optimizers: the table follows the selection.
    chosen = ("nesterov", "adagrad", "rmsprop")
    page.locator(f"{NOTEBOOK} .widget-select-multiple select").select_option(
        label=[LABELS[name] for name in chosen])
    expect_race(page, "rosenbrock", chosen, lr, START_STEPS)
    chosen_plot = wait_for_new_image(page, smaller_lr_plot, PLOT)
    assert chosen_plot != smaller_lr_plot

    explorer = page.locator(f"{NOTEBOOK} .nnedu-optimizer-race")
    explorer.scroll_into_view_if_needed()
    screenshot(page, "lesson08_race", locator=explorer)
