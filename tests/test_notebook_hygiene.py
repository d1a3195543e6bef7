"""Every committed notebook is stored the way students and the notebook tests need it.

Notebooks in lessons/ and solutions/ (written by ``python -m nnedu course execute``):

- outputs stored: every code cell ran, in order, in one fresh run;
- no error outputs, except in cells tagged ``raises-exception``;
- no run-to-run noise (execution timings), the standard ``python3`` kernel, cell ids (format 4.5)
  and the kernel's ``language_info`` with its version: JupyterLab writes the running kernel's
  ``language_info`` into an opened notebook and marks it modified when that changes anything;
- widgets drawn before running: every widget view has its model in the stored widget state;
- nbval markers are cell tags, not comment lines; nothing test-only (``tests/``) in front of
  students.

The course hangs together: every lesson ends with links to its exercise notebook, the next lesson
and the course home; every solution (and so every exercise) links back to its lesson; the course
home links every lesson and exercise; every relative link in every notebook and in the README
points at a file that exists.

The rules are tested on small notebooks made here, and then applied to every course notebook.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnedu.course.widget_state import WIDGET_STATE, WIDGET_VIEW, missing_models

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_FOLDERS = ("lessons", "solutions")
HOME = "00_start_here.ipynb"
SKIP_EXECUTION_TAG = "skip-execution"  # nbclient does not run such a cell
ERROR_TAGS = {"raises-exception", "nbval-raises-exception"}
MARKER_COMMENT = re.compile(
    r"^\s*#\s*(nbval-[a-z-]+|raises-exception|NBVAL_[A-Z_]+|PYTEST_VALIDATE_IGNORE_OUTPUT)\b"
)
TEST_ONLY = re.compile(r"\btests/")
# [text](target) and <a href="target">; the target up to a space or the closing bracket
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=\"([^\"]+)\"")


def notebooks_in(*folders: str) -> list[Path]:
    return [
        path
        for folder in folders
        for path in sorted((ROOT / folder).glob("*.ipynb"))
    ]


def lessons() -> list[Path]:
    """The numbered lessons in course order (the course home is not one)."""
    return [path for path in notebooks_in("lessons") if path.name != HOME]


# --------------------------------------------------------------------------- the rules
def _code_cells(nb):
    return [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def problems_outputs_stored(nb) -> list[str]:
    """Every non-empty code cell has run, and the execution counts go 1, 2, 3, ... top to bottom."""
    problems, expected = [], 1
    for index, cell in _code_cells(nb):
        if not cell.source.strip() or SKIP_EXECUTION_TAG in _tags(cell):
            continue
        count = cell.get("execution_count")
        if count is None:
            problems.append(f"cell {index} has not run (no execution count)")
        elif count != expected:
            problems.append(
                f"cell {index} has execution count {count}, expected {expected}: "
                "the notebook was not run top to bottom in one fresh run"
            )
        expected += 1
    return problems


def problems_errors(nb) -> list[str]:
    """No stored error output outside cells whose error is part of the lesson."""
    return [
        f"cell {index} stores an error ({output.get('ename')}: {output.get('evalue')})"
        for index, cell in _code_cells(nb)
        for output in cell.get("outputs", [])
        if output.output_type == "error" and not (_tags(cell) & ERROR_TAGS)
    ]


def problems_metadata(nb) -> list[str]:
    """No timings; the standard kernel spec; cell ids; the kernel's language_info, version too."""
    problems = []
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernel spec is {kernel!r}, expected 'python3'")
    if "version" not in nb.metadata.get("language_info", {}):
        problems.append(
            "metadata.language_info has no Python version: JupyterLab adds it when the kernel "
            "starts and shows the notebook as modified"
        )
    if (nb.nbformat, nb.nbformat_minor) < (4, 5) or not all(cell.get("id") for cell in nb.cells):
        problems.append("cells without ids (notebook format < 4.5): JupyterLab would add them")
    for index, cell in enumerate(nb.cells):
        for key in ("execution", "ExecuteTime"):
            if key in cell.metadata:
                problems.append(f"cell {index} stores execution timings (metadata.{key})")
    return problems


def problems_widget_state(nb) -> list[str]:
    """Every widget view and every model it shows is in the stored widget state."""
    missing = missing_models(nb)
    if not missing:
        return []
    return [
        f"{len(missing)} widget model(s) shown by the outputs are not in metadata.widgets "
        f"(e.g. {missing[0]}): opened before running, the widgets would show as text"
    ]


def problems_marker_comments(nb) -> list[str]:
    """nbval markers are cell tags, never comment lines a student would read."""
    return [
        f"cell {index} has the nbval marker comment {line.strip()!r}; "
        "remove the line and give the cell the tag instead"
        for index, cell in _code_cells(nb)
        for line in cell.source.splitlines()
        if MARKER_COMMENT.match(line)
    ]


def problems_test_only_text(nb) -> list[str]:
    """Students never read about the test suite."""
    return [
        f"cell {index} mentions tests/ (test-only detail in front of students)"
        for index, cell in enumerate(nb.cells)
        if TEST_ONLY.search(cell.source)
    ]


RULES = [
    problems_outputs_stored,
    problems_errors,
    problems_metadata,
    problems_widget_state,
    problems_marker_comments,
    problems_test_only_text,
]


def relative_links(text: str) -> list[str]:
    """The link targets in markdown/HTML ``text`` that point at files (no URLs, no anchors)."""
    targets = [unquote(a or b) for a, b in LINK.findall(text)]
    return [
        target.split("#")[0]
        for target in targets
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")
    ]


def broken_links(text: str, folder: Path) -> list[str]:
    return [target for target in relative_links(text) if not (folder / target).exists()]


# --------------------------------------------------------------------------- made-up notebooks
def _executed(*cells):
    """A notebook as `python -m nnedu course execute` writes it, its code cells run in order."""
    nb = new_notebook(cells=[new_markdown_cell("# title"), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    count = 0
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
        if cell.cell_type == "code" and cell.source.strip():
            count += 1
            cell.execution_count = count
    return nb


def _view(model_id: str):
    return new_output("display_data", {WIDGET_VIEW: {"model_id": model_id, "version_major": 2,
                                                     "version_minor": 0}, "text/plain": "VBox()"})


def _problems(nb) -> list[str]:
    return [problem for rule in RULES for problem in rule(nb)]


def test_a_cleanly_executed_notebook_passes_every_rule():
    nb = _executed(
        new_code_cell("x = 1"),
        new_code_cell("x", outputs=[new_output("execute_result", {"text/plain": "1"})]),
        new_code_cell(
            "1 / 0",
            metadata={"tags": ["raises-exception"]},
            outputs=[new_output("error", ename="ZeroDivisionError", evalue="division by zero")],
        ),
        new_code_cell("show()", metadata={"tags": ["nbval-ignore-output"]}, outputs=[_view("a")]),
    )
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {
        "a": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_b"]}},
        "b": {"model_name": "ImageModel", "state": {}},
    }}}
    assert _problems(nb) == []


def test_unexecuted_and_out_of_order_cells_are_found():
    nb = _executed(new_code_cell("a = 1"), new_code_cell("b = 2"), new_code_cell("c = 3"))
    nb.cells[1].execution_count = None
    nb.cells[3].execution_count = 7
    problems = problems_outputs_stored(nb)
    assert len(problems) == 2
    assert "cell 1 has not run" in problems[0]
    assert "cell 3 has execution count 7, expected 3" in problems[1]


def test_stored_error_without_tag_is_found():
    error = new_output("error", ename="ValueError", evalue="bad shape")
    nb = _executed(new_code_cell("f()", outputs=[error]))
    assert problems_errors(nb) == ["cell 1 stores an error (ValueError: bad shape)"]


def test_timings_foreign_kernel_missing_version_and_ids_are_found():
    nb = _executed(new_code_cell("x = 1", metadata={"execution": {"iopub.status.busy": "..."}}))
    nb.metadata["kernelspec"]["name"] = "my-venv"
    del nb.metadata["language_info"]["version"]
    del nb.cells[0]["id"]
    problems = problems_metadata(nb)
    assert len(problems) == 4
    assert any("'my-venv'" in p for p in problems)
    assert any("no Python version" in p for p in problems)
    assert any("without ids" in p for p in problems)
    assert any("cell 1 stores execution timings" in p for p in problems)


def test_widget_views_without_stored_state_are_found():
    nb = _executed(new_code_cell("show()", outputs=[_view("a")]))
    assert "not in metadata.widgets" in problems_widget_state(nb)[0]
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {
        "a": {"model_name": "VBoxModel", "state": {"layout": "IPY_MODEL_gone"}}}}}
    assert "(e.g. gone)" in problems_widget_state(nb)[0]


@pytest.mark.parametrize(
    "source", ["# NBVAL_IGNORE_OUTPUT\nshow()", "# nbval-ignore-output: drawn\nshow()"]
)
def test_nbval_marker_comment_is_found(source):
    problems = problems_marker_comments(_executed(new_code_cell(source)))
    assert len(problems) == 1
    assert problems[0].startswith("cell 1 has the nbval marker comment")


def test_mention_of_the_test_suite_is_found():
    nb = _executed(new_markdown_cell("The browser test in tests/browser checks it."))
    assert problems_test_only_text(nb) == ["cell 1 mentions tests/ (test-only detail in front of "
                                           "students)"]


def test_relative_links_are_found_and_checked(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "lessons").mkdir()
    (tmp_path / "exercises" / "01_a.ipynb").write_text("{}")
    text = (
        "[ex](../exercises/01_a.ipynb) [web](https://example.org/x.ipynb) [top](#goals) "
        '[next](02_b.ipynb#recap) <a href="03_c.ipynb">c</a> [mail](mailto:a@b.c)'
    )
    assert relative_links(text) == ["../exercises/01_a.ipynb", "02_b.ipynb", "03_c.ipynb"]
    assert broken_links(text, tmp_path / "lessons") == ["02_b.ipynb", "03_c.ipynb"]


# --------------------------------------------------------------------------- the course notebooks
NOTEBOOKS = notebooks_in(*NOTEBOOK_FOLDERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_course_notebook(path):
    nb = nbformat.read(path, as_version=4)
    problems = _problems(nb)
    assert not problems, (
        f"{path.relative_to(ROOT)}:\n  "
        + "\n  ".join(problems)
        + "\nRe-run it with `python -m nnedu course execute "
        + f"{path.relative_to(ROOT)}` (never edit outputs by hand)."
    )


def _links_of(path: Path, cell_index: int | None = None) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells if cell_index is None else [nb.cells[cell_index]]
    return {
        target
        for cell in cells
        if cell.cell_type == "markdown"
        for target in relative_links(cell.source)
    }


@pytest.mark.parametrize("path", lessons(), ids=lambda path: path.stem)
def test_every_lesson_ends_with_links_to_its_exercise_the_next_lesson_and_home(path):
    course = lessons()
    following = course[course.index(path) + 1] if path != course[-1] else path.parent / HOME
    expected = {following.name, HOME}
    if (ROOT / "exercises" / path.name).exists():
        expected.add(f"../exercises/{path.name}")
    links = _links_of(path, -1)
    assert expected <= links, f"{path.name}: the last cell lacks links to {expected - links}"
    # each appears once: the old plain-text navigation lines are gone
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert len(re.findall(r"\*\*Practise:\*\*", text)) <= 1
    assert len(re.findall(r"\*\*Next:\*\*", text)) == 1


@pytest.mark.parametrize("path", notebooks_in("solutions"), ids=lambda path: path.stem)
def test_every_solution_and_exercise_links_back_to_its_lesson_and_home(path):
    for notebook in (path, ROOT / "exercises" / path.name):
        links = _links_of(notebook)
        assert {f"../lessons/{path.name}", f"../lessons/{HOME}"} <= links, notebook


def test_the_course_home_links_every_lesson_and_exercise():
    links = _links_of(ROOT / "lessons" / HOME)
    for lesson in lessons():
        assert lesson.name in links, f"the course map lacks {lesson.name}"
        if (ROOT / "exercises" / lesson.name).exists():
            assert f"../exercises/{lesson.name}" in links


@pytest.mark.parametrize(
    "path",
    [*notebooks_in("lessons", "solutions", "exercises"), ROOT / "README.md"],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_relative_link_points_at_a_file(path):
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
    else:
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert broken_links(text, path.parent) == []
