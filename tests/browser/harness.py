"""Helpers that drive JupyterLab's notebook and the ipywidgets in it (Playwright, sync API).

The guide with an example test is at the top of ``tests/browser/conftest.py``.
Every helper takes the Playwright ``page`` from the ``page`` fixture. Waits use
`DEFAULT_TIMEOUT_MS` (a cold kernel is slow: Playwright's own 5 s default is too short).
"""

from __future__ import annotations

import base64
import os
import re
import time
import uuid
from pathlib import Path

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
