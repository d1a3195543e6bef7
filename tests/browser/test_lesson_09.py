"""Lesson 09 in JupyterLab: the whole notebook runs (training included) and the drawing pad answers.

The test trains the lesson's model again here, with the same function and seed as the notebook
(``train_lesson_model(seed=0)``: bit-identical weights), and computes every readout it expects
from that model. In the browser it loads a misclassified test digit, clears the pad and paints a
stroke cell by cell; after each step the readout must show this model's prediction.
"""

import numpy as np
import pytest
from harness import NOTEBOOK, click_button, open_notebook, run_all, screenshot, wait_for_idle
from playwright.sync_api import expect

from nnedu.data import load_digits
from nnedu.widgets.digits import readout_text, train_lesson_model

pytestmark = pytest.mark.browser

LESSON = "lessons/09_digits_classifier.ipynb"
RUN_ALL_TIMEOUT_MS = 300_000  # the notebook trains three small runs and two full ones
STROKE = [(row, 4) for row in range(1, 7)]  # a vertical stroke down column 4: a "1"


@pytest.fixture(scope="module")
def lesson():
    digits = load_digits()
    model, _ = train_lesson_model(seed=0, digits=digits)
    return model, digits


def probabilities(model, pixels) -> np.ndarray:
    return model.predict_proba(np.asarray(pixels, dtype=float).reshape(1, 64))[0]


def test_drawing_pad_shows_the_trained_networks_prediction(page, lesson):
    model, digits = lesson
    P_test = model.predict_proba(digits.X_test)
    wrong = np.flatnonzero(P_test.argmax(axis=1) != digits.y_test)
    assert len(wrong) > 0
    chosen = int(wrong[0])  # a test digit the network gets wrong: the lesson's exercise 2
    loaded = readout_text(P_test[chosen])
    blank = readout_text(probabilities(model, np.zeros(64)))
    stroke_pixels = np.zeros((8, 8))
    for row, col in STROKE:
        stroke_pixels[row, col] = 1.0
    stroke_p = probabilities(model, stroke_pixels)
    stroke = readout_text(stroke_p)
    assert len({loaded, blank, stroke}) == 3, "each step must change the readout"

    open_notebook(page, LESSON)
    run_all(page, timeout_ms=RUN_ALL_TIMEOUT_MS)
    live = page.locator(f"{NOTEBOOK} .nnedu-live-training")
    expect(live.locator(".nnedu-live-status")).to_contain_text("epoch 100/100")
    expect(live.locator(".widget-output img")).to_have_count(1)
    live.scroll_into_view_if_needed()
    screenshot(page, "lesson09_live_curves", locator=live)
    pad = page.locator(f"{NOTEBOOK} .nnedu-digit-pad")
    readout = pad.locator(".nnedu-readout")
    info = pad.locator(".nnedu-pad-info")
    expect(pad.locator(".nnedu-pixel")).to_have_count(64)
    # The pad starts with test digit #0.
    expect(info).to_have_text(f"test digit #0: a {digits.y_test[0]}")
    expect(readout).to_have_text(readout_text(P_test[0]))

    # Load a test digit by number.
    number = pad.locator(".widget-text input").first
    number.fill(str(chosen))
    number.press("Enter")
    click_button(page, "Load test digit")
    expect(info).to_have_text(f"test digit #{chosen}: a {digits.y_test[chosen]}")
    expect(readout).to_have_text(loaded)
    screenshot(page, "lesson09_loaded", locator=pad)

    # Clear: every cell white, the readout is the network's answer for an empty pad.
    click_button(page, "Clear")
    expect(info).to_have_text("empty pad")
    expect(readout).to_have_text(blank)
    expect(pad.locator(".nnedu-pixel-3-4")).to_have_css("background-color", "rgb(255, 255, 255)")

    # Paint a stroke, one click per cell.
    for row, col in STROKE:
        pad.locator(f".nnedu-pixel-{row}-{col}").click()
    wait_for_idle(page)
    expect(readout).to_have_text(stroke)
    expect(pad.locator(".nnedu-pixel-3-4")).to_have_css("background-color", "rgb(0, 0, 0)")
    winner = int(np.argmax(stroke_p))
    expect(pad.locator(f".nnedu-prob-{winner}")).to_have_text(f"{100 * stroke_p[winner]:.1f} %")
    screenshot(page, "lesson09_stroke", locator=pad)
