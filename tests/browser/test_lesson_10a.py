"""Lesson 10a in JupyterLab: press Play, the playground trains while the page stays live; Pause
stops it; Step trains one more chunk.

A student runs the whole lesson, then presses **▶ Play** on the playground (spirals, 2 hidden layers
of 6 tanh units, η = 0.1, B = 10). While it plays, the readout's epoch must count up and the
training loss must fall below that of the first epoch; the picture must change. After **⏸ Pause**
the epoch must stay where it is. The run is seeded, so the test trains a playground of its own
here to the epoch the page shows (``step(epochs)``, the same chunks, bit for bit): the readout must
say exactly what that playground says, and the picture on screen must be its picture. Finally
**Step** trains exactly one more chunk. Screenshots before Play, after Pause and after Step; the
time from the Play click to the first new picture is recorded.
"""

import re
import time

import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    click_button,
    latency_ms,
    open_notebook,
    picture,
    record_latency,
    regions_of,
    run_all,
    wait_for_idle,
)
from playwright.sync_api import expect

from nnedu.widgets.playground import Trainer, playground

pytestmark = pytest.mark.browser

LESSON = "lessons/10a_playground.ipynb"
RUN_ALL_TIMEOUT_MS = 180_000
EPOCH = re.compile(r"^epoch (\d+)")
LOSS = re.compile(r"loss training ([0-9.]+)")


def offline(epochs: int = 0):
    """The lesson's playground built here, trained ``epochs`` chunks, and the regions of its
    picture that must not be blank."""
    pg = playground()
    pg.step(epochs) if epochs else pg.update()
    return pg, regions_of(pg, plane_title=pg.ax_plane.title, loss_title=pg.ax_loss.title,
                          loss_label=pg.ax_loss.yaxis.label, epoch=pg.epoch_text)


def epoch_on_page(page) -> int:
    text = page.locator(f"{NOTEBOOK} .nnedu-readout").inner_text()
    found = EPOCH.match(text.strip())
    return int(found.group(1)) if found else -1


def test_play_trains_live_pause_stops_step_adds_one(page):
    first_loss = Trainer().step(1).history["loss"][0]
    open_notebook(page, LESSON)
    run_all(page, timeout_ms=RUN_ALL_TIMEOUT_MS)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout).to_have_text("epoch 0: press Play or Step to train")
    start, regions = offline()
    before = assert_explorer_shows(page, start, "lesson10a_before_play", regions)

    # Play: the epochs count up while the page stays live
    arm_latency(page)
    started = time.monotonic()
    click_button(page, "▶ Play")
    expect(page.locator(f"{NOTEBOOK} button.widget-button", has_text="⏸ Pause")).to_be_visible()
    first_picture_ms = latency_ms(page)
    page.wait_for_function(
        """() => {
            const r = document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .nnedu-readout');
            const m = r && r.textContent.match(/^epoch (\\d+)/);
            return !!m && Number(m[1]) >= 15;
        }""", timeout=60_000)
    ms_per_epoch = 1000 * (time.monotonic() - started) / max(epoch_on_page(page), 1)
    assert picture(page) != before, "the picture changes while it plays"

    # Pause: it stops where it is
    click_button(page, "⏸ Pause")
    expect(page.locator(f"{NOTEBOOK} button.widget-button", has_text="▶ Play")).to_be_visible()
    wait_for_idle(page)
    page.wait_for_timeout(300)  # a tick already on its way is ignored once paused
    epochs = epoch_on_page(page)
    page.wait_for_timeout(1500)  # ~7 ticks' time: nothing may happen
    wait_for_idle(page)
    assert epoch_on_page(page) == epochs, "Pause must stop training"
    shown = readout.inner_text()
    assert float(LOSS.search(shown).group(1)) < first_loss, "the training loss must fall"

    trained, regions = offline(epochs)
    expect(readout).to_have_text(trained.readout.value)
    after = assert_explorer_shows(page, trained, "lesson10a_after_play", regions)
    assert after != before

    # Step: exactly one more chunk
    click_button(page, "Step")
    trained.step(1)
    expect(readout).to_have_text(trained.readout.value)
    assert_explorer_shows(page, trained, "lesson10a_after_step", regions)
    record_latency("lesson10a", "playground", "Play (click to first new picture)",
                   [first_picture_ms])
    record_latency("lesson10a", "playground", "playing (ms per epoch, ticks every 200 ms)",
                   [ms_per_epoch])
