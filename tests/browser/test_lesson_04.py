"""Lesson 04 in JupyterLab: move a prediction, flip the target, and check every loss it shows.

The expected numbers are computed here with ``nnedu.losses`` for the value the slider shows,
independently of the widget's own code path.
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
    picture,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu import losses
from nnedu.activations import sigmoid, sigmoid_derivative
from nnedu.widgets.losses import (
    REGRESSION_TARGET,
    START_TARGET,
    START_Y_HAT,
    START_Z,
    Y_HAT_RANGE,
    Z_RANGE,
    binary_loss_explorer,
    fmt,
    regression_loss_explorer,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/04_loss_functions.ipynb"
REGRESSION, BINARY = 0, 1  # order of the two explorers (readouts and plot outputs) in the lesson


def readout(page, index: int):
    return page.locator(f"{NOTEBOOK} .nnedu-readout").nth(index)


def expect_row(page, index: int, loss: str, cells: list[str]) -> None:
    """Wait until the readout's row for ``loss`` shows exactly ``cells`` (value, gradients)."""
    expect(readout(page, index).locator(f"tr[data-loss='{loss}'] td")).to_have_text(cells)


def regression_row(loss: str, y_hat: float) -> list[str]:
    pred, target = np.array([[y_hat]]), np.array([[REGRESSION_TARGET]])
    value, gradient = {
        "mse": (losses.mse(pred, target), losses.mse_gradient(pred, target)),
        "mae": (losses.mae(pred, target), losses.mae_gradient(pred, target)),
    }[loss]
    return [fmt(value), fmt(gradient.item())]


def binary_row(loss: str, z: float, y: int) -> list[str]:
    """[L, dL/dp, dL/dz] of a loss of p = σ(z), with dL/dz by the chain rule dL/dp · σ′(z)."""
    p, target = sigmoid(np.array([[z]])), np.array([[float(y)]])
    value_fn, gradient_fn = losses.get_loss(
        {"mse": "mse", "mae": "mae", "bce": "binary_cross_entropy"}[loss])
    dl_dp = gradient_fn(p, target).item()
    return [fmt(value_fn(p, target)), fmt(dl_dp), fmt(dl_dp * float(sigmoid_derivative(z)))]


def regions(explorer):
    """Both panels' titles and axis labels, and the legend under them: never blank."""
    left, right = explorer.figure.axes
    return regions_of(explorer, left_title=left.title, right_title=right.title,
                      left_x=left.xaxis.label, right_y=right.yaxis.label,
                      legend=explorer.figure.legends[0])


def test_prediction_slider_updates_losses_and_plot(page):
    open_notebook(page, LESSON)
    run_all(page)
    for loss in ("mse", "mae"):
        expect_row(page, REGRESSION, loss, regression_row(loss, START_Y_HAT))
    before = picture(page, REGRESSION)
    explorer = regression_loss_explorer()
    assert_explorer_shows(page, explorer, "lesson04_regression_start", regions(explorer),
                          REGRESSION)

    steps = -15  # from ŷ = 3.0 down to 1.5, just above the target 1
    samples = press_and_time(page, "prediction ŷ", "ArrowLeft", 5, REGRESSION)
    record_latency("lesson04", "regression loss", "prediction ŷ", samples)
    shown = move_slider(page, "prediction ŷ", steps + 5)
    y_hat = round(START_Y_HAT + steps * Y_HAT_RANGE[2], 6)
    assert float(shown) == pytest.approx(y_hat)
    for loss in ("mse", "mae"):
        expect_row(page, REGRESSION, loss, regression_row(loss, float(shown)))
    expect(readout(page, REGRESSION)).to_contain_text(f"prediction ŷ = {y_hat:.2f}")

    after = wait_for_new_picture(page, before, REGRESSION)
    assert after != before
    assert_explorer_shows(page, explorer, "lesson04_regression", regions(explorer), REGRESSION,
                          values={"y_hat": y_hat})

    # Across the target MAE's gradient flips from +1 to −1 (as the lesson asks the reader to try).
    shown = move_slider(page, "prediction ŷ", -10)
    assert float(shown) < REGRESSION_TARGET
    expect_row(page, REGRESSION, "mae", regression_row("mae", float(shown)))
    assert regression_row("mae", float(shown))[1] == "-1.0000"


def test_logit_slider_and_target_toggle_update_bce(page):
    open_notebook(page, LESSON)
    run_all(page)
    for loss in ("mse", "mae", "bce"):
        expect_row(page, BINARY, loss, binary_row(loss, START_Z, START_TARGET))
    start_image = picture(page, BINARY)
    explorer = binary_loss_explorer()
    assert_explorer_shows(page, explorer, "lesson04_binary_start", regions(explorer), BINARY)

    steps = 12  # from z = −4 to z = 2: now on the right side for y = 1
    samples = press_and_time(page, "logit z", "ArrowRight", 5, BINARY)
    record_latency("lesson04", "binary loss", "logit z", samples)
    shown = move_slider(page, "logit z", steps - 5)
    z = round(START_Z + steps * Z_RANGE[2], 6)
    assert float(shown) == pytest.approx(z)
    for loss in ("mse", "mae", "bce"):
        expect_row(page, BINARY, loss, binary_row(loss, float(shown), 1))
    moved_image = wait_for_new_picture(page, start_image, BINARY)
    bce_for_1 = binary_row("bce", z, 1)

    arm_latency(page, BINARY)
    choose_toggle(page, "y = 0")
    record_latency("lesson04", "binary loss", "target toggle", [latency_ms(page)])
    bce_for_0 = binary_row("bce", z, 0)
    expect_row(page, BINARY, "bce", bce_for_0)
    # p = σ(2) ≈ 0.88 is a good answer for y = 1 and a bad one for y = 0: the loss grows.
    assert float(bce_for_0[0]) > float(bce_for_1[0])
    assert bce_for_0[0] == fmt(-np.log(1.0 - float(sigmoid(z))))
    assert bce_for_0[2] == fmt(float(sigmoid(z)))  # dL/dz = p − y with y = 0
    expect(readout(page, BINARY)).to_contain_text("target y = 0")
    flipped_image = wait_for_new_picture(page, moved_image, BINARY)
    assert flipped_image != moved_image
    assert_explorer_shows(page, explorer, "lesson04_binary", regions(explorer), BINARY,
                          values={"z": z, "y": 0})
