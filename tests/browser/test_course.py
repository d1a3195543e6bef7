"""The course as a student meets it in JupyterLab: the home, the links, lessons opened unrun.

- From the course home, every lesson link opens that lesson.
- Every lesson opens unmodified and, before any cell runs, shows its widgets drawn from the stored
  state (controls and a picture, no ``VBox(...)`` text); its exercise link and its next-lesson
  link open their targets. Screenshots: ``home.png``, ``lessonNN_unrun.png``.
- Every exercise opens unmodified; its first check, run on the untouched stub, prints its ✗ line
  instead of a wall of traceback. Screenshots: ``exerciseNN_first_check.png``.

The lessons and exercises are found by globbing, so new ones are tested without editing this file.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from harness import DEFAULT_TIMEOUT_MS, NOTEBOOK, open_notebook, screenshot, wait_for_idle

pytestmark = pytest.mark.browser

SOURCE = Path(os.environ.get("NNEDU_BROWSER_SOURCE") or Path(__file__).resolve().parents[2])
HOME = "lessons/00_start_here.ipynb"
LESSONS = sorted(p.name for p in (SOURCE / "lessons").glob("*.ipynb") if p.name != Path(HOME).name)
EXERCISES = sorted(p.name for p in (SOURCE / "exercises").glob("*.ipynb"))
SETTLE_MS = 1000  # after the kernel is idle: time for Lab to write what it writes on opening
# A failed check may end in an error (nbgrader needs one) of a few lines at most, showing none of
# the checker's own code: IPython prints an exception's ``_render_traceback_()`` lines instead of
# its traceback, so one line is possible.
MAX_ERROR_LINES = 6
UPSTREAM_RACE = "Error displaying widget: model not found"

_FRONT = "window.jupyterapp.shell.currentWidget"

# Is the notebook in front (or any tab) marked modified? Lab puts jp-mod-dirty on the tab.
_MODIFIED_JS = f"""() => ({{
    path: {_FRONT}.context.path,
    dirty: {_FRONT}.context.model.dirty,
    dirtyTabs: Array.from(document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty'))
        .map(tab => tab.textContent),
}})"""

# Indices of the code cells whose stored outputs hold a widget view.
_WIDGET_CELLS_JS = f"""() => {{
    const cells = {_FRONT}.content.widgets;
    const found = [];
    cells.forEach((cell, i) => {{
        if (cell.model.type !== 'code') return;
        const outputs = cell.model.outputs.toJSON();
        if (outputs.some(o => o.data && o.data['application/vnd.jupyter.widget-view+json'])) {{
            found.push(i);
        }}
    }});
    return found;
}}"""

# What the i-th cell's output area shows: widgets, controls, pictures with varied pixels.
_DRAWN_JS = f"""(i) => {{
    const cell = {_FRONT}.content.widgets[i];
    cell.node.scrollIntoView();
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    if (!area) return null;
    const varied = (el) => {{
        const w = el.naturalWidth || el.width, h = el.naturalHeight || el.height;
        if (!w || !h || (el.tagName === 'IMG' && !el.complete)) return false;
        const c = document.createElement('canvas');
        c.width = Math.min(w, 300); c.height = Math.min(h, 300);
        const g = c.getContext('2d');
        g.drawImage(el, 0, 0, c.width, c.height);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let lo = 765, hi = 0;
        for (let k = 0; k < d.length; k += 4) {{
            const v = d[k] + d[k + 1] + d[k + 2];
            lo = Math.min(lo, v); hi = Math.max(hi, v);
        }}
        return hi - lo > 60;
    }};
    const controls = '.widget-slider, .widget-button, .widget-toggle-button, .widget-dropdown, '
        + '.widget-checkbox, .widget-radio, .widget-text, .widget-play, button, input, select';
    return {{
        widgets: area.querySelectorAll('.jupyter-widgets').length,
        controls: area.querySelectorAll(controls).length,
        pictures: Array.from(area.querySelectorAll('img, canvas')).filter(varied).length,
        text: area.innerText,
    }};
}}"""


def expect_unmodified(page, path: str) -> None:
    """After the kernel is idle and Lab has settled, the notebook in front is not modified."""
    wait_for_idle(page)
    page.wait_for_timeout(SETTLE_MS)
    state = page.evaluate(_MODIFIED_JS)
    assert state["path"] == path
    assert not state["dirty"] and not state["dirtyTabs"], f"{path} opens marked modified: {state}"


def follow_link(page, lab_server, target: str) -> None:
    """Click the link to ``target`` (a served path) in the notebook in front; the target opens.

    Then close the opened tab, end its kernel and bring the notebook back.
    """
    origin = page.evaluate(f"() => {_FRONT}.id")
    link = page.locator(f'{NOTEBOOK} .jp-RenderedMarkdown a[href*="/files/{target}?"]').last
    link.click()
    page.wait_for_function(
        f"(target) => {_FRONT} && {_FRONT}.context && {_FRONT}.context.path === target",
        arg=target,
        timeout=DEFAULT_TIMEOUT_MS,
    )
    page.evaluate(f"() => {_FRONT}.dispose()")
    page.evaluate("(id) => window.jupyterapp.shell.activateById(id)", origin)
    for session in lab_server.api("GET", "api/sessions") or []:
        if session["path"] == target:
            lab_server.api("DELETE", f"api/sessions/{session['id']}")


def drawn_widgets(page, cells: list[int]) -> list[dict]:
    """What each widget cell shows, once its widget (or an error in its place) is on the page."""
    seen = []
    for index in cells:
        page.wait_for_function(
            f"(i) => ({_DRAWN_JS})(i) && ({_DRAWN_JS})(i).widgets > 0",
            arg=index,
            timeout=DEFAULT_TIMEOUT_MS,
        )
        page.wait_for_timeout(300)  # images decode
        seen.append(page.evaluate(_DRAWN_JS, index))
    return seen


def short_name(notebook: str) -> str:
    return notebook.split("_")[0]


# --------------------------------------------------------------------------- the course home
def test_home_links_open_every_lesson(page, lab_server):
    open_notebook(page, HOME)
    expect_unmodified(page, HOME)
    screenshot(page, "home")
    for lesson in LESSONS:
        follow_link(page, lab_server, f"lessons/{lesson}")
        assert page.evaluate(f"() => {_FRONT}.context.path") == HOME


# --------------------------------------------------------------------------- every lesson
def _next_of(lesson: str) -> str:
    following = LESSONS[LESSONS.index(lesson) + 1:]
    return f"lessons/{following[0]}" if following else HOME


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_opens_drawn_and_unmodified_and_links_onward(page, lab_server, lesson):
    path = f"lessons/{lesson}"
    open_notebook(page, path)
    expect_unmodified(page, path)

    cells = page.evaluate(_WIDGET_CELLS_JS)
    seen = drawn_widgets(page, cells)
    if any(UPSTREAM_RACE in drawn["text"] for drawn in seen):
        # ipywidgets' JupyterLab manager sometimes restores from the kernel before the stored
        # state and then reports "model not found" (upstream: jupyterlab/jupyterlab#15361);
        # reloading the page, as a student would, loads the state. A second time is a failure.
        print(f"{path}: '{UPSTREAM_RACE}' on first opening; reloading once")
        page.reload()
        page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for()
        expect_unmodified(page, path)
        seen = drawn_widgets(page, cells)
    for index, drawn in zip(cells, seen):
        assert "Box(" not in drawn["text"], f"cell {index} shows a widget as text: {drawn['text']}"
        assert "Error displaying widget" not in drawn["text"], f"cell {index}: {drawn['text']}"
    if cells:
        assert sum(d["controls"] for d in seen) > 0, f"{path}: no widget control drawn"
        assert sum(d["pictures"] for d in seen) > 0, f"{path}: no picture drawn in a widget"
        page.evaluate(f"(i) => {_FRONT}.content.widgets[i].node.scrollIntoView()", cells[0])
    screenshot(page, f"lesson{short_name(lesson)}_unrun")

    if lesson in EXERCISES:
        follow_link(page, lab_server, f"exercises/{lesson}")
    follow_link(page, lab_server, _next_of(lesson))
    assert page.evaluate(f"() => {_FRONT}.context.path") == path


# --------------------------------------------------------------------------- every exercise
def _first_check_cell(exercise: str) -> int:
    nb = nbformat.read(SOURCE / "exercises" / exercise, as_version=4)
    return next(
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercise_first_check_says_what_is_missing(page, exercise):
    path = f"exercises/{exercise}"
    check = _first_check_cell(exercise)
    open_notebook(page, path)
    expect_unmodified(page, path)

    page.evaluate(
        f"""async (i) => {{
            const app = window.jupyterapp, notebook = {_FRONT}.content;
            notebook.activeCellIndex = i;
            await app.commands.execute('notebook:run-all-above');
            notebook.activeCellIndex = i;
            await app.commands.execute('notebook:run-cell');
        }}""",
        check,
    )
    wait_for_idle(page)
    output = page.locator(f"{NOTEBOOK} .jp-Cell").nth(check).locator(".jp-OutputArea")
    output.scroll_into_view_if_needed()
    text = output.inner_text()
    screenshot(page, f"exercise{short_name(exercise)}_first_check")

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    crosses = [index for index, line in enumerate(lines) if line.startswith("✗")]
    assert crosses, f"{path}: the first check printed no ✗ line:\n{text}"
    errors = output.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
    error_text = "\n".join(errors.all_inner_texts())
    assert "NotImplementedError" not in error_text, f"{path}: the stub's error escaped the check"
    error_lines = [line for line in error_text.splitlines() if line.strip()]
    assert "nnedu/checks/" not in error_text and len(error_lines) <= MAX_ERROR_LINES, (
        f"{path}: a wall of traceback after the ✗ line (give the check's exception a "
        f"one-line _render_traceback_):\n{error_text}"
    )
    assert crosses[0] < len(lines) - len(error_lines), f"{path}: the ✗ line is not on top"
