"""Lesson 09 in JupyterLab: the whole notebook runs (training included), the live curves show the
training that ran, and the drawing pad answers.

The test trains the lesson's model again here, with the same function and seed as the notebook
(``train_lesson_model(seed=0)``: bit-identical weights), and computes every readout it expects
from that model. The live plot on screen must match the plot's own rendering of this run, made in
the test. On the pad it loads a misclassified test digit (the readout must say "✗ wrong" and the
true class), clears the pad and paints a stroke cell by cell; after each step the readout must
show this model's prediction. Each click's time from the click to the new readout is recorded.
"""

import numpy as np
import pytest
from harness import (
    NOTEBOOK,
    assert_picture_shows,
    click_button,
    open_notebook,
    picture,
    record_latency,
    regions_of,
    run_all,
    screenshot,
    wait_for_idle,
)
from playwright.sync_api import expect

from nnedu.data import load_digits
from nnedu.widgets.digits import LiveTrainingPlot, train_lesson_model

pytestmark = pytest.mark.browser

LESSON = "lessons/09_digits_classifier.ipynb"
RUN_ALL_TIMEOUT_MS = 300_000  # the notebook trains three small runs and two full ones
STROKE = [(row, 4) for row in range(1, 7)]  # a vertical stroke down column 4: a "1"
EPOCHS, EVERY = 100, 25  # the lesson's live plot

_CLICK_TO_READOUT_JS = """(selector) => new Promise((done) => {
    const readout = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .nnedu-digit-pad .nnedu-readout');
    const cell = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .nnedu-digit-pad ' + selector);
    let start = null;
    new MutationObserver((_, observer) => {
        observer.disconnect();
        requestAnimationFrame(() => done(performance.now() - start));
    }).observe(readout, {childList: true, subtree: true, characterData: true});
    start = performance.now();
    cell.click();
})"""


@pytest.fixture(scope="module")
def lesson():
    digits = load_digits()
    live = LiveTrainingPlot(epochs=EPOCHS, every=EVERY)
    model, _ = train_lesson_model(seed=0, digits=digits, callback=live.callback)
    return model, digits, live


def probabilities(model, pixels) -> np.ndarray:
    return model.predict_proba(np.asarray(pixels, dtype=float).reshape(1, 64))[0]


def readout(p: np.ndarray, label: int | None = None) -> str:
    """The pad's readout text, computed here."""
    k = int(np.argmax(p))
    text = f"prediction: {k} ({100 * p[k]:.1f} %)"
    if label is not None:
        text += f" {'✓ right' if k == label else '✗ wrong'}: it is a {label}"
    return text


def test_live_curves_and_drawing_pad(page, lesson):
    model, digits, live = lesson
    P_test = model.predict_proba(digits.X_test)
    wrong = np.flatnonzero(P_test.argmax(axis=1) != digits.y_test)
    assert len(wrong) > 0
    chosen = int(wrong[0])  # a test digit the network gets wrong: the lesson's exercise 2
    label = int(digits.y_test[chosen])
    loaded = readout(P_test[chosen], label)
    assert "✗ wrong" in loaded
    blank = readout(probabilities(model, np.zeros(64)))
    stroke_pixels = np.zeros((8, 8))
    for row, col in STROKE:
        stroke_pixels[row, col] = 1.0
    stroke_p = probabilities(model, stroke_pixels)
    assert len({loaded, blank, readout(stroke_p)}) == 3, "each step must change the readout"

    open_notebook(page, LESSON)
    run_all(page, timeout_ms=RUN_ALL_TIMEOUT_MS)
    curves = page.locator(f"{NOTEBOOK} .nnedu-live-training")
    expect(curves.locator(".nnedu-live-status")).to_have_text(live.status.value)
    assert "epoch 100/100" in live.status.value
    loss_ax, accuracy_ax = live.figure.axes
    wait_for_idle(page)
    assert_picture_shows(picture(page, 0), live.picture, "lesson09_live_curves",
                         regions_of(live, loss_label=loss_ax.yaxis.label,
                                    accuracy_label=accuracy_ax.yaxis.label,
                                    legend=live.figure.legends[0]))
    curves.scroll_into_view_if_needed()
    screenshot(page, "lesson09_live_curves", locator=curves)

    pad = page.locator(f"{NOTEBOOK} .nnedu-digit-pad")
    shown = pad.locator(".nnedu-readout")
    info = pad.locator(".nnedu-pad-info")
    expect(pad.locator(".nnedu-pixel")).to_have_count(64)
    # The pad starts with test digit #0, whose label is known: right or wrong is said.
    expect(info).to_have_text(f"test digit #0: a {digits.y_test[0]}")
    expect(shown).to_have_text(readout(P_test[0], int(digits.y_test[0])))

    # Load a test digit the network gets wrong, by number.
    number = pad.locator(".widget-text input").first
    number.fill(str(chosen))
    number.press("Enter")
    click_button(page, "Load test digit")
    expect(info).to_have_text(f"test digit #{chosen}: a {label}")
    expect(shown).to_have_text(loaded)
    expect(pad.locator(f".nnedu-prob-{label}")).to_have_text(
        f"{100 * P_test[chosen, label]:.1f} %  ← true class")
    pad.scroll_into_view_if_needed()
    screenshot(page, "lesson09_loaded_wrong", locator=pad)

    # Clear: every cell white, the readout is the network's answer for an empty pad.
    click_button(page, "Clear")
    expect(info).to_have_text("empty pad")
    expect(shown).to_have_text(blank)
    expect(pad.locator(".nnedu-pixel-3-4")).to_have_css("background-color", "rgb(255, 255, 255)")

    # Paint a stroke, one click per cell; time each click until the new readout is shown.
    samples = []
    pixels = np.zeros((8, 8))
    for row, col in STROKE:
        samples.append(page.evaluate(_CLICK_TO_READOUT_JS, f".nnedu-pixel-{row}-{col}"))
        pixels[row, col] = 1.0
        expect(shown).to_have_text(readout(probabilities(model, pixels)))
    wait_for_idle(page)
    expect(pad.locator(".nnedu-pixel-3-4")).to_have_css("background-color", "rgb(0, 0, 0)")
    winner = int(np.argmax(stroke_p))
    expect(pad.locator(f".nnedu-prob-{winner}")).to_have_text(f"{100 * stroke_p[winner]:.1f} %")
    screenshot(page, "lesson09_stroke", locator=pad)
    record_latency("lesson09", "digit pad", "cell click (to the new readout)", samples)
