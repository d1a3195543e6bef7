"""Lesson 08 in JupyterLab: switch the optimizer race to the Rosenbrock valley, move the
learning-rate slider by keyboard and click other optimizers in and out; the readout must show
the final losses computed here for the new settings (each optimizer run step by step with
``nnedu.optim``), and the picture on screen must match the explorer's own rendering of the same
settings, made in the test, with its titles, labels and legend drawn.

The learning-rate slider moves log₁₀(η) in steps of 0.1, so after k presses to the left of the
start exponent e₀ it holds η = 10^(e₀ − 0.1·k).
"""

from __future__ import annotations

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    choose_toggle,
    latency_ms,
    move_slider,
    open_notebook,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    select_dropdown,
    slider,
)
from playwright.sync_api import expect

from nnedu.optim import get_optimizer
from nnedu.widgets.optimizer_race import (
    LR_LOG_RANGE,
    START_LR_EXPONENT,
    START_OPTIMIZERS,
    START_STEPS,
    optimizer_race,
)
from nnedu.widgets.optimizers import LABELS, OPTIMIZERS, SURFACES, format_loss

pytestmark = pytest.mark.browser

LESSON = "lessons/08_optimizers.ipynb"
LR = "learning rate η"


def lr_after(presses: int) -> float:
    """η after ``presses`` presses of ArrowRight (negative: ArrowLeft) on the slider."""
    return 10.0 ** round(START_LR_EXPONENT + presses * LR_LOG_RANGE[2], 10)


def final_loss(surface: str, name: str, lr: float, steps: int) -> float:
    """Run the optimizer here, step by step; inf once the loss passes 1e10 (it blew up)."""
    s = SURFACES[surface]
    p, opt = np.array(s.start, dtype=float), get_optimizer(name, lr=lr)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.step([p], [s.gradient(p)])
            if not float(s.loss(p)) <= 1e10:
                return float("inf")
    return float(s.loss(p))


def expect_race(page, surface: str, optimizers, lr: float, steps: int) -> dict[str, float]:
    """Wait until the readout shows, row by row, the final losses computed here; return them."""
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expected = {name: final_loss(surface, name, lr, steps) for name in optimizers}
    expect(readout).to_contain_text(f"{SURFACES[surface].label}, η = {lr:.4g}, {steps} steps")
    expect(readout.locator("tr[data-optimizer]")).to_have_count(len(expected))
    for name, value in expected.items():
        row = readout.locator(f"tr[data-optimizer='{name}']")
        expect(row.locator("th")).to_have_text(LABELS[name])
        expect(row.locator("td").first).to_have_text(format_loss(value))
    return expected


def offline():
    """The same explorer, built here, and the picture regions that must not be blank."""
    explorer = optimizer_race()
    return explorer, regions_of(explorer, heading=explorer.heading,
                                distance_title=explorer.right.title,
                                distance_label=explorer.right.yaxis.label,
                                x_label=explorer.left.xaxis.label,
                                legend=explorer.figure.legends[0])


def chosen_values(chosen) -> dict[str, bool]:
    return {name: name in chosen for name in OPTIMIZERS}


def test_surface_learning_rate_and_optimizers_change_the_race(page):
    explorer, regions = offline()
    open_notebook(page, LESSON)
    run_all(page)
    lr = lr_after(0)
    on_bowl = expect_race(page, "bowl", START_OPTIMIZERS, lr, START_STEPS)
    assert all(value < float("inf") for value in on_bowl.values())
    bowl = assert_explorer_shows(page, explorer, "lesson08_bowl", regions)

    # The Rosenbrock valley with the same η: plain SGD and momentum blow up there.
    arm_latency(page)
    select_dropdown(page, "surface", SURFACES["rosenbrock"].label)
    surface_ms = latency_ms(page)
    on_rosenbrock = expect_race(page, "rosenbrock", START_OPTIMIZERS, lr, START_STEPS)
    assert on_rosenbrock["sgd"] == on_rosenbrock["momentum"] == float("inf")
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout.locator("tr[data-optimizer='sgd'] td").first).to_have_text("blew up")
    rosenbrock = assert_explorer_shows(page, explorer, "lesson08_rosenbrock", regions,
                                       values={"surface": "rosenbrock"})
    assert rosenbrock != bowl
    record_latency("lesson08", "optimizer race", "surface", [surface_ms])

    # Five notches to the left by keyboard: η = 10^−2.5, small enough for SGD to survive.
    presses = -5
    samples = press_and_time(page, LR, "ArrowLeft", 3)  # three of them one at a time, timed
    move_slider(page, LR, presses + 3)
    lr = lr_after(presses)
    expect(slider(page, LR).locator(".widget-readout")).to_have_text(f"{lr:.4g}")
    smaller_lr = expect_race(page, "rosenbrock", START_OPTIMIZERS, lr, START_STEPS)
    assert smaller_lr["sgd"] < float("inf") and smaller_lr["momentum"] < float("inf")
    assert_explorer_shows(page, explorer, "lesson08_smaller_lr", regions,
                          values={"surface": "rosenbrock", "lr": lr})
    record_latency("lesson08", "optimizer race", "learning rate", samples)

    # Other optimizers, clicked in and out: the table and the picture follow.
    chosen = ("nesterov", "adagrad", "rmsprop")
    clicks = []
    for name in ("sgd", "momentum", "adam", *chosen):
        arm_latency(page)
        choose_toggle(page, LABELS[name])
        clicks.append(latency_ms(page))
    expect_race(page, "rosenbrock", chosen, lr, START_STEPS)
    assert_explorer_shows(page, explorer, "lesson08_race", regions,
                          values={"surface": "rosenbrock", "lr": lr, **chosen_values(chosen)})
    record_latency("lesson08", "optimizer race", "optimizer buttons", clicks)
