"""Lesson 06 in JupyterLab: the backprop stepper walks, goes back, and recomputes.

The expected readouts are computed here with ``nnedu.worked`` and written with the test's own
formatting (4 decimals, a real minus sign), so the widget's text is checked, not copied.
"""

import pytest
from harness import (
    NOTEBOOK,
    click_button,
    move_slider,
    open_notebook,
    run_all,
    screenshot,
    select_dropdown,
    slider_value,
    wait_for_new_image,
    wait_for_stable_image,
)
from playwright.sync_api import expect

from nnedu.worked import EXAMPLE_BOTH_ACTIVE, EXAMPLE_ONE_DEAD, worked_step

pytestmark = pytest.mark.browser

LESSON = "lessons/06_backprop_worked_example.ipynb"
MINUS = "\N{MINUS SIGN}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def four(value: float) -> str:
    text = f"{value:.4f}"
    return ("0.0000" if text == "-0.0000" else text).replace("-", MINUS)


def readout(page):
    return page.locator(f"{NOTEBOOK} .nnedu-readout")


def click_times(page, caption: str, times: int) -> None:
    for _ in range(times):
        click_button(page, caption)


def test_stepper_walks_back_and_recomputes(page):
    open_notebook(page, LESSON)
    run_all(page)
    s = EXAMPLE_BOTH_ACTIVE.run()

    # Step 1: the first line of the forward pass, with the example's numbers.
    expect(readout(page)).to_contain_text(
        f"Step 1 of 27: z1 = w11·x1 + w12·x2 + b1 = 0.5·1 + ({MINUS}0.2)·2 + 0.1 = {four(s.z1)}")
    first_picture = wait_for_stable_image(page, index=0)
    assert first_picture.startswith(PNG_SIGNATURE)

    # Nine times Next: step 10, the output unit's error signal a3 − y.
    click_times(page, "Next", 9)
    expect(readout(page)).to_contain_text(
        f"Step 10 of 27: dL/dz3 = dL/da3 · da3/dz3 = a3 − y = {four(s.a3)} − 1 = "
        f"{four(s.dL_dz3)}")
    expect(readout(page)).to_contain_text("prediction minus target")
    step10_picture = wait_for_new_image(page, first_picture, index=0)
    assert step10_picture != first_picture

    # Back: step 9, the sigmoid's local slope.
    click_button(page, "Back")
    expect(readout(page)).to_contain_text(
        f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {four(s.a3)}·{four(1 - s.a3)} = "
        f"{four(s.da3_dz3)}")
    step9_picture = wait_for_new_image(page, step10_picture, index=0)
    screenshot(page, "lesson06_stepper_step9",
               locator=page.locator(f"{NOTEBOOK} .nnedu-backprop-stepper"))

    # x1 from 1.0 down two slider steps to 0.8: every number is recomputed, same step.
    assert slider_value(page, "x1") == "1.0"
    assert move_slider(page, "x1", -2) == "0.8"
    moved = worked_step(0.8, 2.0, 1.0, dict(EXAMPLE_BOTH_ACTIVE.weights))
    assert four(moved.a3) != four(s.a3)
    expect(readout(page)).to_contain_text(
        f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {four(moved.a3)}·{four(1 - moved.a3)} = "
        f"{four(moved.da3_dz3)}")
    moved_picture = wait_for_new_image(page, step9_picture, index=0)
    assert moved_picture != step9_picture

    # The second example: hidden unit 2 is off, its ReLU gate passes nothing (step 17).
    select_dropdown(page, "example", "hidden unit 2 inactive")
    dead = EXAMPLE_ONE_DEAD.run()
    expect(readout(page)).to_contain_text(
        f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {four(dead.a3)}·{four(1 - dead.a3)} = "
        f"{four(dead.da3_dz3)}")
    assert slider_value(page, "x1") == "1.0"
    click_times(page, "Next", 8)
    expect(readout(page)).to_contain_text(
        f"Step 17 of 27: dL/dz2 = dL/da2 · [z2 > 0] = {four(dead.dL_da2)}·0 = 0.0000")
    expect(readout(page)).to_contain_text("The ReLU gate is shut")
    dead_picture = wait_for_new_image(page, moved_picture, index=0)
    assert dead_picture != moved_picture
    screenshot(page, "lesson06_stepper_dead_gate",
               locator=page.locator(f"{NOTEBOOK} .nnedu-backprop-stepper"))
    screenshot(page, "lesson06_page")
