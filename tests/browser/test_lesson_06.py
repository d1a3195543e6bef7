"""Lesson 06 in JupyterLab: the backprop stepper walks, goes back, jumps, and recomputes.

The expected readouts are computed here with ``nnedu.worked`` and written with the test's own
formatting (4 decimals for results, 6 for a computed number used as an operand, a real minus
sign), so the widget's text is checked, not copied. The picture on screen must match the
stepper's own rendering of the same state, made in the test, with the graph's title, legend
and box names drawn (a half-drawn graph fails).
"""

import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    click_button,
    latency_ms,
    move_slider,
    open_notebook,
    record_latency,
    regions_of,
    run_all,
    select_dropdown,
    slider_value,
)
from playwright.sync_api import expect

from nnedu.widgets.backprop_stepper import backprop_stepper
from nnedu.worked import EXAMPLE_BOTH_ACTIVE, EXAMPLE_ONE_DEAD, worked_step

pytestmark = pytest.mark.browser

LESSON = "lessons/06_backprop_worked_example.ipynb"
MINUS = "\N{MINUS SIGN}"


def four(value: float) -> str:
    text = f"{value:.4f}"
    return ("0.0000" if text == "-0.0000" else text).replace("-", MINUS)


def six(value: float) -> str:
    return f"{value:.6f}".replace("-", MINUS)


def readout(page):
    return page.locator(f"{NOTEBOOK} .nnedu-readout")


def offline():
    """The same stepper, built here, and the picture regions that must not be blank."""
    stepper = backprop_stepper()
    parts = stepper.parts
    return stepper, regions_of(stepper, title=parts["title"],
                               legend=stepper.figure.axes[0].get_legend(),
                               z3_name=parts["names"]["z3"], w11_name=parts["names"]["w11"],
                               loss_numbers=parts["numbers"]["L"][0])


def click_timed(page, caption: str, times: int) -> list[float]:
    """Click a button ``times`` times, each time until the new picture is on screen."""
    samples = []
    for _ in range(times):
        arm_latency(page)
        click_button(page, caption)
        samples.append(latency_ms(page))
    return samples


def test_stepper_walks_back_and_recomputes(page):
    stepper, regions = offline()
    open_notebook(page, LESSON)
    run_all(page)
    s = EXAMPLE_BOTH_ACTIVE.run()

    # Step 1: the first line of the forward pass, with the example's numbers.
    expect(readout(page)).to_contain_text(
        f"Step 1 of 27: z1 = w11·x1 + w12·x2 + b1 = 0.5·1 + ({MINUS}0.2)·2 + 0.1 = {four(s.z1)}")
    first = assert_explorer_shows(page, stepper, "lesson06_step1", regions)

    # Nine times Next: step 10, the output unit's error signal a3 − y.
    samples = click_timed(page, "Next", 9)
    expect(readout(page)).to_contain_text(
        f"Step 10 of 27: dL/dz3 = dL/da3 · da3/dz3 = a3 − y = {six(s.a3)} − 1 = "
        f"{four(s.dL_dz3)}")
    expect(readout(page)).to_contain_text("prediction minus target")
    step10 = assert_explorer_shows(page, stepper, "lesson06_step10", regions,
                                   values={"step": 10})
    assert step10 != first
    record_latency("lesson06", "backprop stepper", "Next", samples)

    # Back: step 9, the sigmoid's local slope.
    click_button(page, "Back")
    expect(readout(page)).to_contain_text(
        f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {six(s.a3)}·{six(1 - s.a3)} = "
        f"{four(s.da3_dz3)}")
    assert_explorer_shows(page, stepper, "lesson06_step9", regions, values={"step": 9})

    # x1 from 1.0 down two slider steps to 0.8: every number is recomputed, same step.
    assert slider_value(page, "x1") == "1.0"
    assert move_slider(page, "x1", -2) == "0.8"
    moved = worked_step(0.8, 2.0, 1.0, dict(EXAMPLE_BOTH_ACTIVE.weights))
    assert four(moved.a3) != four(s.a3)
    expect(readout(page)).to_contain_text(
        f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {six(moved.a3)}·{six(1 - moved.a3)} = "
        f"{four(moved.da3_dz3)}")
    assert_explorer_shows(page, stepper, "lesson06_x1_moved", regions,
                          values={"step": 9, "x1": 0.8})

    # The second example: hidden unit 2 is off, its ReLU gate passes nothing (step 17).
    select_dropdown(page, "example", "hidden unit 2 inactive")
    dead = EXAMPLE_ONE_DEAD.run()
    expect(readout(page)).to_contain_text(
        f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {six(dead.a3)}·{six(1 - dead.a3)} = "
        f"{four(dead.da3_dz3)}")
    assert slider_value(page, "x1") == "1.0"
    samples = click_timed(page, "Next", 8)
    expect(readout(page)).to_contain_text(
        f"Step 17 of 27: dL/dz2 = dL/da2 · [z2 > 0] = {six(dead.dL_da2)}·0 = 0.0000")
    expect(readout(page)).to_contain_text("The ReLU gate is shut")
    dead_values = {"variant": "hidden unit 2 inactive", "x1": dead.x1, "x2": dead.x2,
                   "target": dead.target, "step": 17}
    assert_explorer_shows(page, stepper, "lesson06_dead_gate", regions, values=dead_values)
    record_latency("lesson06", "backprop stepper", "Next (second example)", samples)

    # The step slider jumps: step 27, the last update.
    move_slider(page, "step", 10)
    expect(readout(page)).to_contain_text("Step 27 of 27")
    assert_explorer_shows(page, stepper, "lesson06_step27", regions,
                          values=dict(dead_values, step=27))
