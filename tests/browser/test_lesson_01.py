"""Lesson 01 in JupyterLab: the w1/w2/b sliders move the decision line and the count follows.

The expected counts are computed here with numpy from the explorer's own data function
(`two_blobs`), so the test and the widget always look at the same points.
"""

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    move_slider,
    open_notebook,
    output_image_bytes,
    run_all,
    screenshot,
    slider_value,
    wait_for_idle,
    wait_for_new_image,
)
from playwright.sync_api import expect

from nnedu.widgets.weighted_sum import (
    START_B,
    START_W1,
    START_W2,
    WEIGHT_RANGE,
    boundary_equation,
    two_blobs,
)

pytestmark = pytest.mark.browser

LESSON = "lessons/01_weighted_sum.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEP = WEIGHT_RANGE[2]


def expected_readout(w1: float, w2: float, b: float) -> str:
    """The readout for these slider values, counted here with plain numpy."""
    X, y = two_blobs()
    z = X @ np.array([w1, w2]) + b
    n_right = int(np.sum((z >= 0).astype(int) == y))
    return f"{n_right} of {len(y)} points classified correctly"


def as_number(slider_text: str) -> float:
    """A slider's readout as a float; ipywidgets writes negative numbers with a real minus, −."""
    return float(slider_text.replace("\u2212", "-"))


def readout(page):
    return page.locator(f"{NOTEBOOK} .nnedu-readout")


def explorer_cell(page):
    # `has` is looked up inside each cell, so it is given without the notebook prefix
    return page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has=page.locator(".nnedu-readout"))


def wait_for_final_plot(page, w1: float, w2: float, b: float) -> None:
    """Wait until the explorer shows the picture for these slider values.

    The kernel redraws once per slider step and writes the equation text after each picture,
    so the final equation means the final picture has been sent. Lab paints cells lazily (CSS
    content-visibility), so then scroll the explorer into view and let its image decode.
    """
    equation = page.locator(f"{NOTEBOOK} .nnedu-equation")
    expect(equation).to_have_text("decision line: " + boundary_equation(w1, w2, b))
    wait_for_idle(page)
    explorer_cell(page).scroll_into_view_if_needed()
    page.evaluate(
        """async () => {
            const current = () => document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .widget-output img');
            let img = current();
            while (true) {
                await img.decode();
                await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
                if (current() === img) return;
                img = current();
            }
        }"""
    )


def open_explorer(page) -> bytes:
    """Open the lesson, run every cell, check the explorer's starting state; return its plot."""
    open_notebook(page, LESSON)
    run_all(page)
    expect(readout(page)).to_have_text(expected_readout(START_W1, START_W2, START_B))
    for name, value in (("w1", START_W1), ("w2", START_W2), ("b", START_B)):
        assert as_number(slider_value(page, name)) == pytest.approx(value)
    before = output_image_bytes(page, index=0)
    assert before.startswith(PNG_SIGNATURE)
    return before


def test_w2_slider_turns_the_line_and_updates_the_count(page):
    before = open_explorer(page)
    start_text = readout(page).inner_text()

    w2 = as_number(move_slider(page, "w2", 15))

    assert w2 == pytest.approx(START_W2 + 15 * STEP)
    expected = expected_readout(START_W1, w2, START_B)
    assert expected != start_text, "choose a move that changes the count"
    expect(readout(page)).to_have_text(expected)
    after = wait_for_new_image(page, before, index=0)
    assert after.startswith(PNG_SIGNATURE) and after != before
    wait_for_final_plot(page, START_W1, w2, START_B)
    screenshot(page, "lesson01_w2_moved", locator=explorer_cell(page))


def test_all_three_sliders_can_classify_every_point(page):
    before = open_explorer(page)

    w1 = as_number(move_slider(page, "w1", 20))
    w2 = as_number(move_slider(page, "w2", 22))
    b = as_number(move_slider(page, "b", -9))

    assert (w1, w2, b) == pytest.approx((3.0, 1.2, -0.9))
    assert expected_readout(w1, w2, b) == "20 of 20 points classified correctly"
    expect(readout(page)).to_have_text("20 of 20 points classified correctly")
    wait_for_final_plot(page, w1, w2, b)
    assert output_image_bytes(page, index=0) != before
    screenshot(page, "lesson01_all_correct", locator=explorer_cell(page))
