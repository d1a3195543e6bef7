"""Helpers that drive JupyterLab's notebook and the ipywidgets in it (Playwright, sync API).

The guide with an example test is at the top of ``tests/browser/conftest.py``.
Every helper takes the Playwright ``page`` from the ``page`` fixture. Waits use
`DEFAULT_TIMEOUT_MS` (a cold kernel is slow: Playwright's own 5 s default is too short).
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import time
import uuid
from pathlib import Path

import numpy as np
from playwright.sync_api import Locator, Page, expect

DEFAULT_TIMEOUT_MS = 60_000
REPO_ROOT = Path(__file__).resolve().parents[2]

# The notebook in front: Lab keeps other documents in the DOM but hides them.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"

_KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.sessionContext || !panel.sessionContext.isReady) return false;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    const prompts = panel.node.querySelectorAll('.jp-InputPrompt');
    return Array.from(prompts).every(p => !p.textContent.includes('*'));
}"""


def artifacts_dir() -> Path:
    """Folder for screenshots: ``$NNEDU_ARTIFACTS`` or ``tests/browser/artifacts`` (git-ignored)."""
    path = Path(os.environ.get("NNEDU_ARTIFACTS") or REPO_ROOT / "tests" / "browser" / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


# --------------------------------------------------------------------------- notebook
def open_notebook(page: Page, name: str, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Locator:
    """Open ``name`` (path relative to the served folder, e.g. ``"lessons/01_weighted_sum.ipynb"``)
    in a fresh Lab workspace and wait until its kernel is idle. Returns the notebook panel.
    """
    workspace = f"test-{uuid.uuid4().hex[:8]}"  # a new workspace: nothing left from earlier tests
    page.goto(f"lab/workspaces/{workspace}/tree/{name}", timeout=timeout_ms)
    panel = page.locator(NOTEBOOK)
    panel.locator(".jp-Cell").first.wait_for(timeout=timeout_ms)
    wait_for_idle(page, timeout_ms)
    return panel


def run_all(page: Page, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Run every cell of the notebook in front and wait until the kernel is idle again."""
    wait_for_idle(page, timeout_ms)
    page.evaluate(
        """() => {
            window.__nneduRunDone = false;
            window.jupyterapp.commands.execute('notebook:run-all-cells')
                .finally(() => { window.__nneduRunDone = true; });
        }"""
    )
    page.wait_for_function("() => window.__nneduRunDone === true", timeout=timeout_ms)
    wait_for_idle(page, timeout_ms)


def wait_for_idle(page: Page, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until the notebook's kernel is ready and idle and no cell shows ``[*]``."""
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=timeout_ms)


def cell_output_text(page: Page, code_cell: int, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> str:
    """Text of the output area of the ``code_cell``-th code cell (counting code cells from 0)."""
    area = page.locator(f"{NOTEBOOK} .jp-CodeCell").nth(code_cell).locator(".jp-OutputArea")
    area.wait_for(timeout=timeout_ms)
    return area.inner_text()


# --------------------------------------------------------------------------- widgets
def _labelled(page: Page, widget_class: str, which: int | str) -> Locator:
    """The ``which``-th widget with CSS class ``widget_class``, or the one labelled ``which``."""
    widgets = page.locator(f"{NOTEBOOK} .{widget_class}")
    if isinstance(which, int):
        return widgets.nth(which)
    label = page.locator(".widget-label", has_text=re.compile(rf"^\s*{re.escape(which)}\s*$"))
    return widgets.filter(has=label).first


def slider(page: Page, which: int | str) -> Locator:
    """A slider (``IntSlider``, ``FloatSlider``, ...) by position (0 = first) or description."""
    return _labelled(page, "widget-slider", which)


def move_slider(page: Page, which: int | str, steps: int) -> str:
    """Move a slider ``steps`` steps (negative: to the left) with the keyboard, as a student
    would, and return the readout it shows afterwards.

    Each arrow key press moves the slider by its ``step``; the kernel hears about every step.
    """
    handle = slider(page, which).locator(".noUi-handle").first
    handle.focus()
    key = "ArrowRight" if steps >= 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        handle.press(key)
    return slider_value(page, which)


def slider_value(page: Page, which: int | str) -> str:
    """The readout next to a slider, as text (e.g. ``"7"`` or ``"0.50"``)."""
    return slider(page, which).locator(".widget-readout").inner_text().strip()


def click_button(page: Page, text: str) -> None:
    """Click the widget button (``ipywidgets.Button``) whose caption is ``text``."""
    exact = re.compile(rf"^\s*{re.escape(text)}\s*$")
    page.locator(f"{NOTEBOOK} button.widget-button", has_text=exact).first.click()


def choose_toggle(page: Page, option: str) -> None:
    """Press the option ``option`` of a ``ToggleButtons`` widget."""
    exact = re.compile(rf"^\s*{re.escape(option)}\s*$")
    page.locator(f"{NOTEBOOK} .widget-toggle-button", has_text=exact).first.click()


def select_dropdown(page: Page, which: int | str, option: str) -> None:
    """Choose ``option`` (its visible label) in a ``Dropdown`` given by position or description."""
    _labelled(page, "widget-dropdown", which).locator("select").select_option(label=option)


# --------------------------------------------------------------------------- outputs
def widget_output(page: Page, index: int = 0) -> Locator:
    """The ``index``-th ``ipywidgets.Output`` area (also the output of ``interact``)."""
    return page.locator(f"{NOTEBOOK} .widget-output").nth(index)


def output_text(page: Page, index: int = 0) -> str:
    """Text shown in the ``index``-th widget output right now."""
    return widget_output(page, index).inner_text()


def expect_output(page: Page, text: str, index: int = 0, timeout_ms: int = DEFAULT_TIMEOUT_MS):
    """Wait until the ``index``-th widget output contains ``text`` (fails with the text it has).

    Wait for the *final* value: intermediate values appear while a slider moves.
    """
    expect(widget_output(page, index)).to_contain_text(text, timeout=timeout_ms)


def output_image_bytes(page: Page, index: int = 0, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bytes:
    """The PNG bytes of the image in the ``index``-th widget output (a matplotlib figure).

    Compare the bytes before and after moving a widget to prove the plot was redrawn.
    """
    image = widget_output(page, index).locator("img").first
    image.wait_for(timeout=timeout_ms)
    source = image.get_attribute("src") or ""
    if source.startswith("data:"):
        return base64.b64decode(source.split(",", 1)[1])
    return image.screenshot()


def wait_for_new_image(
    page: Page, before: bytes, index: int = 0, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> bytes:
    """Wait until the plot in the ``index``-th widget output differs from ``before`` and has
    stopped changing (a slider moved n steps redraws n times); return the final PNG bytes.
    """
    page.wait_for_function(
        """([index, before]) => {
            const outputs = document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .widget-output');
            const img = outputs[index] && outputs[index].querySelector('img');
            return !!img && !!img.src && !img.src.endsWith(before);
        }""",
        arg=[index, base64.b64encode(before).decode()],
        timeout=timeout_ms,
    )
    return wait_for_stable_image(page, index, timeout_ms)


def wait_for_stable_image(
    page: Page, index: int = 0, timeout_ms: int = DEFAULT_TIMEOUT_MS, quiet_ms: int = 1000
) -> bytes:
    """Wait until the kernel is idle and the plot in the ``index``-th widget output has stayed
    the same for ``quiet_ms``; return its PNG bytes.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    current = output_image_bytes(page, index, timeout_ms)
    while True:
        wait_for_idle(page, timeout_ms)
        page.wait_for_timeout(quiet_ms)
        latest = output_image_bytes(page, index, timeout_ms)
        if latest == current:
            return latest
        if time.monotonic() > deadline:
            raise TimeoutError(f"the plot in widget output {index} kept changing ({timeout_ms} ms)")
        current = latest


# --------------------------------------------------------------------------- pictures
def screenshot(page: Page, name: str, locator: Locator | None = None) -> Path:
    """Save a PNG of the page (or of ``locator``) as ``<artifacts>/<name>.png``; return its path.

    Look at it: a test that passes on a blank or broken page proves nothing.
    """
    path = artifacts_dir() / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    return path


# --------------------------------------------------------------------------- explorer pictures
# Every explorer (nnedu.widgets.explorer.Explorer) shows its figure in an ipywidgets.Image with
# the CSS class nnedu-picture; the view is an <img> whose src is a blob: URL of the PNG bytes.
PICTURE = "img.nnedu-picture"

_PICTURE_JS = """async (index) => {
    const pictures = document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) img.nnedu-picture');
    const img = pictures[index];
    if (!img || !img.src) return null;
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
        text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return [img.src, btoa(text)];
}"""

_ARM_LATENCY_JS = """(index) => {
    const img = document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) img.nnedu-picture')[index];
    const log = {events: [], shown: []};
    window.__nneduLatency = log;
    for (const type of ['keydown', 'pointerdown', 'change']) {
        document.addEventListener(type, () => log.events.push(performance.now()),
                                  {capture: true});
    }
    new MutationObserver(() => {
        // on screen = the new src decoded and painted (two animation frames later)
        img.decode().catch(() => null).then(() => requestAnimationFrame(
            () => requestAnimationFrame(() => log.shown.push(performance.now()))));
    }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def picture(page: Page, index: int = 0, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bytes:
    """The PNG bytes the ``index``-th explorer shows now (0 = first explorer of the notebook)."""
    return _picture(page, index, timeout_ms)[1]


def _picture(page: Page, index: int, timeout_ms: int) -> tuple[str, bytes]:
    locator = page.locator(f"{NOTEBOOK} {PICTURE}").nth(index)
    locator.wait_for(state="attached", timeout=timeout_ms)
    page.wait_for_function(
        "(index) => { const img = document.querySelectorAll("
        "'.jp-NotebookPanel:not(.lm-mod-hidden) img.nnedu-picture')[index];"
        " return !!img && !!img.src; }", arg=index, timeout=timeout_ms)
    src, data = page.evaluate(_PICTURE_JS, index)
    return src, base64.b64decode(data)


def wait_for_new_picture(page: Page, before: bytes, index: int = 0,
                         timeout_ms: int = DEFAULT_TIMEOUT_MS, quiet_ms: int = 500) -> bytes:
    """Wait until the ``index``-th explorer shows a picture other than ``before`` and it has
    stopped changing (the kernel idle, the same picture for ``quiet_ms``); return its bytes."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        wait_for_idle(page, timeout_ms)
        page.wait_for_timeout(quiet_ms)
        src, current = _picture(page, index, timeout_ms)
        page.wait_for_timeout(quiet_ms)
        if current != before and _picture(page, index, timeout_ms)[0] == src:
            return current
        if time.monotonic() > deadline:
            raise TimeoutError(f"explorer {index} showed no new picture in {timeout_ms} ms")


def arm_latency(page: Page, index: int = 0) -> None:
    """Start timing: every input event (key, pointer, change) and every new picture of the
    ``index``-th explorer, as decoded and painted on screen, get a time stamp."""
    page.locator(f"{NOTEBOOK} {PICTURE}").nth(index).scroll_into_view_if_needed()
    page.evaluate(_ARM_LATENCY_JS, index)


def latency_ms(page: Page, pictures: int = 1, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> float:
    """Milliseconds from the first input event since `arm_latency` to the ``pictures``-th new
    picture on screen after it (wait for at least that many)."""
    page.wait_for_function(
        "(n) => window.__nneduLatency.events.length > 0 && "
        "window.__nneduLatency.shown.length >= n", arg=pictures, timeout=timeout_ms)
    log = page.evaluate("() => window.__nneduLatency")
    first = log["events"][0]
    shown = [t for t in log["shown"] if t >= first]
    return shown[pictures - 1] - first


def record_latency(test: str, explorer: str, control: str, samples: list[float]) -> Path:
    """Add the input → picture times of one control to ``<artifacts>/latency.csv`` (one row
    per control: median, max, n). A record, not an assertion: timings depend on the machine."""
    path = artifacts_dir() / "latency.csv"
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["test", "explorer", "control", "median_ms", "max_ms", "n"])
        writer.writerow([test, explorer, control, f"{np.median(samples):.0f}",
                         f"{max(samples):.0f}", len(samples)])
    return path


# --------------------------------------------------------------------------- checking pictures
def pixels(png: bytes) -> np.ndarray:
    """A PNG as an (height, width, 3) array of ints 0–255."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def picture_difference(shown: bytes, expected: bytes) -> str | None:
    """None when the two pictures agree, else what differs. Agree means: the same size, and
    fewer than 0.2 % of the pixels differ by more than 24 (of 255) in some colour channel
    (room for a different PNG encoder; a missing line or word is far more than that)."""
    a, b = pixels(shown), pixels(expected)
    if a.shape != b.shape:
        return f"size {a.shape[1]}×{a.shape[0]} px, expected {b.shape[1]}×{b.shape[0]} px"
    differ = np.abs(a - b).max(axis=2) > 24
    share = differ.mean()
    if share > 0.002:
        rows, cols = np.nonzero(differ)
        return (f"{100 * share:.1f} % of the pixels differ, within x {cols.min()}–{cols.max()}, "
                f"y {rows.min()}–{rows.max()}")
    return None


def blank_regions(png: bytes, regions: dict[str, tuple[float, float, float, float]],
                  min_ink: int = 8) -> list[str]:
    """The names of the ``regions`` with nothing drawn in them. A region is (x0, y0, x1, y1)
    as fractions of the picture's width and height, measured from the top left; it is blank
    when fewer than ``min_ink`` of its pixels are darker than light grey (a one-letter axis
    label such as "z" has about 20, a title hundreds)."""
    image = pixels(png)
    height, width, _ = image.shape
    blank = []
    for name, (x0, y0, x1, y1) in regions.items():
        part = image[int(y0 * height):int(y1 * height), int(x0 * width):int(x1 * width)]
        if int((part.min(axis=2) < 160).sum()) < min_ink:
            blank.append(name)
    return blank


def assert_picture_shows(shown: bytes, expected: bytes, name: str,
                         regions: dict[str, tuple[float, float, float, float]] | None = None):
    """Fail unless ``shown`` (from the browser) matches ``expected`` (the widget's own
    ``render_png`` of the same state, made in the test) and none of ``regions`` is blank.
    On failure both pictures are saved as ``<artifacts>/<name>-shown.png`` / ``-expected.png``.
    """
    problems = []
    difference = picture_difference(shown, expected)
    if difference:
        problems.append(f"the picture on screen is not the widget's state: {difference}")
    empty = blank_regions(shown, regions or {})
    if empty:
        problems.append(f"nothing drawn in: {', '.join(empty)}")
    if problems:
        (artifacts_dir() / f"{name}-shown.png").write_bytes(shown)
        (artifacts_dir() / f"{name}-expected.png").write_bytes(expected)
        raise AssertionError(f"{name}: " + "; ".join(problems))


def regions_of(explorer, **artists) -> dict[str, tuple[float, float, float, float]]:
    """Where artists of an explorer's figure (titles, axes labels, …) sit in its picture, as
    `blank_regions` wants them: name → (x0, y0, x1, y1) fractions from the top left."""
    fig = explorer.figure
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    regions = {}
    for name, artist in artists.items():
        box = artist.get_window_extent(renderer)
        regions[name] = (box.x0 / width, 1 - box.y1 / height, box.x1 / width, 1 - box.y0 / height)
    return regions


def press_and_time(page: Page, which: int | str, key: str, times: int,
                   index: int = 0) -> list[float]:
    """Press ``key`` on a slider's handle ``times`` times, one at a time as a student would,
    waiting each time for the ``index``-th explorer's new picture; return each press's
    milliseconds from the key event to the new picture on screen."""
    handle = slider(page, which).locator(".noUi-handle").first
    samples = []
    for _ in range(times):
        arm_latency(page, index)
        handle.focus()
        handle.press(key)
        samples.append(latency_ms(page))
    return samples


def explorer_box(page: Page, index: int = 0) -> Locator:
    """The ``index``-th explorer (controls, readout, picture), e.g. for a screenshot."""
    return page.locator(f"{NOTEBOOK} .nnedu-explorer").nth(index)


def assert_explorer_shows(page: Page, explorer, name: str, regions: dict, index: int = 0,
                          values: dict | None = None) -> bytes:
    """The ``index``-th explorer on screen shows what ``explorer`` (the same explorer built in
    the test) draws for ``values`` (default: its controls' values), with no blank region;
    saves a screenshot ``<name>.png``. Returns the picture's bytes."""
    wait_for_idle(page)
    shown = picture(page, index)
    expected = explorer.render_png(values if values is not None else explorer.values())
    assert_picture_shows(shown, expected, name, regions)
    box = explorer_box(page, index)
    box.scroll_into_view_if_needed()
    screenshot(page, name, locator=box)
    return shown
