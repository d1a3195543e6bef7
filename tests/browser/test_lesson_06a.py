"""Lesson 06a in JupyterLab: the autograd stepper walks through backward(), goes back, follows
the y slider, takes an expression typed by the student and refuses one it cannot read.

The expected readouts are computed here from the expression itself with the test's own
formatting (4 decimals, a real minus sign); the picture on screen must match the stepper's own
rendering of the same state, made in the test, with the title and the box names drawn.
"""

import math

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
    slider_value,
)
from playwright.sync_api import expect

from nnedu.widgets.autograd_stepper import autograd_stepper

pytestmark = pytest.mark.browser

LESSON = "lessons/06a_autograd_from_scratch.ipynb"
MINUS = "\N{MINUS SIGN}"


def four(value: float) -> str:
    text = f"{value:.4f}"
    return ("0.0000" if text == "-0.0000" else text).replace("-", MINUS)


def readout(page):
    return page.locator(f"{NOTEBOOK} .nnedu-autograd-stepper .nnedu-readout")


def offline():
    """The same stepper, built here, and the picture regions that must not be blank."""
    stepper = autograd_stepper()
    parts = stepper.parts
    return stepper, regions_of(stepper, title=parts["title"], x_name=parts["names"][0],
                               root_name=parts["names"][len(stepper.walk.nodes) - 1])


def type_expression(page, text: str) -> None:
    box = page.locator(f"{NOTEBOOK} .nnedu-expression input").first
    box.fill(text)
    box.press("Enter")


def test_stepper_walks_backward_and_takes_a_typed_expression(page):
    stepper, regions = offline()
    open_notebook(page, LESSON)
    run_all(page)

    # Step 0: the forward pass of f = x·y + x at x = 2, y = −3.
    expect(readout(page)).to_contain_text(
        f"Step 0 of 3 · the forward pass has run: f = {four(2 * -3 + 2)}")
    first = assert_explorer_shows(page, stepper, "lesson06a_step0", regions)

    # Three times Next: the seed, f = t1 + x, then t1 = x·y completes ∂f/∂x = y + 1.
    samples = []
    for _ in range(3):
        arm_latency(page)
        click_button(page, "Next")
        samples.append(latency_ms(page))
    expect(readout(page)).to_contain_text("Step 3 of 3")
    expect(readout(page)).to_contain_text(
        f"x.grad += {four(-3)} × 1.0000 = {four(-3)} → {four(-3 + 1)} (a second share, "
        f"added to the first)")
    expect(readout(page)).to_contain_text(f"∂f/∂x = {four(-2)}, ∂f/∂y = {four(2)}")
    last = assert_explorer_shows(page, stepper, "lesson06a_step3", regions, values={"step": 3})
    assert last != first
    record_latency("lesson06a", "autograd stepper", "Next", samples)

    # Back: step 2, the sum passes 1 to both inputs; x waits for its second share.
    click_button(page, "Back")
    expect(readout(page)).to_contain_text("Step 2 of 3 · f = t1 + x passes its gradient 1.0000")
    expect(readout(page)).to_contain_text("it is used again: more to come")
    assert_explorer_shows(page, stepper, "lesson06a_step2", regions, values={"step": 2})

    # y from −3.0 up two slider steps to −2.8: the values change, the step stays.
    assert slider_value(page, "y") == f"{MINUS}3.0"
    assert move_slider(page, "y", 2) == f"{MINUS}2.8"
    expect(readout(page)).to_contain_text(
        "Step 2 of 3 · f = t1 + x passes its gradient 1.0000")
    click_button(page, "Next")
    expect(readout(page)).to_contain_text(f"∂f/∂x = {four(-2.8 + 1)}, ∂f/∂y = {four(2)}")
    assert_explorer_shows(page, stepper, "lesson06a_y_moved", regions,
                          values={"step": 3, "y": -2.8})

    # A typed expression: a new graph at step 0, then one Next (the seed).
    type_expression(page, "tanh(x*y + 1)")
    expect(readout(page)).to_contain_text(
        f"Step 0 of 4 · the forward pass has run: f = {four(math.tanh(2 * -2.8 + 1))}")
    click_button(page, "Next")
    expect(readout(page)).to_contain_text("Step 1 of 4 · backward() starts at the result")
    typed = {"expression": "tanh(x*y + 1)", "y": -2.8, "step": 1}
    # (the boxes moved: of the first graph's regions only the title is still where it was)
    assert_explorer_shows(page, stepper, "lesson06a_typed", {"title": regions["title"]},
                          values=typed)

    # An expression it cannot read: a message, and the last graph stays.
    type_expression(page, "tanh(x*")
    expect(readout(page)).to_contain_text("cannot read")
    expect(readout(page)).to_contain_text("still showing f = tanh(x*y + 1)")
