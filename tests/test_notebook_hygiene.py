"""Every committed notebook in lessons/ and solutions/ is stored the way the notebook tests need.

- outputs stored: every code cell ran, in order, in one fresh run (``python -m nnedu course execute``);
- no error outputs, except in cells tagged ``raises-exception``;
- no run-to-run noise: no execution timings, no widget state, the standard ``python3`` kernel;
- a cell that nbval skips or does not compare says why, in a comment in the cell.

The rules are tested on small notebooks made here, and then applied to every course notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_FOLDERS = ("lessons", "solutions")
SKIP_EXECUTION_TAG = "skip-execution"  # nbclient does not run such a cell
ERROR_TAGS = {"raises-exception", "nbval-raises-exception"}
# nbval markers that hide a cell from comparison, as cell tags and as comment markers.
NBVAL_HIDING_TAGS = {"nbval-skip", "nbval-ignore-output"}
NBVAL_HIDING_COMMENTS = {"NBVAL_SKIP", "NBVAL_IGNORE_OUTPUT", "PYTEST_VALIDATE_IGNORE_OUTPUT"}
MIN_REASON_WORDS = 3


def course_notebooks() -> list[Path]:
    found = []
    for folder in NOTEBOOK_FOLDERS:
        found.extend(
            path
            for path in sorted((ROOT / folder).rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in path.parts
        )
    return found


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


def problems_volatile_metadata(nb) -> list[str]:
    """No timings, no widget state, the standard kernel spec."""
    problems = []
    if "widgets" in nb.metadata:
        problems.append("the notebook stores widget state (metadata.widgets)")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernel spec is {kernel!r}, expected 'python3'")
    for index, cell in enumerate(nb.cells):
        for key in ("execution", "ExecuteTime"):
            if key in cell.metadata:
                problems.append(f"cell {index} stores execution timings (metadata.{key})")
    return problems


MARKER_COMMENT = re.compile(
    r"^\s*#\s*(nbval-[a-z-]+|raises-exception|NBVAL_[A-Z_]+|PYTEST_VALIDATE_IGNORE_OUTPUT)\b"
)


def problems_marker_comments(nb) -> list[str]:
    """nbval markers are cell tags, never comment lines a student would read."""
    return [
        f"cell {index} has the nbval marker comment {line.strip()!r}; "
        "remove the line and give the cell the tag instead"
        for index, cell in _code_cells(nb)
        for line in cell.source.splitlines()
        if MARKER_COMMENT.match(line)
    ]


RULES = [
    problems_outputs_stored,
    problems_errors,
    problems_volatile_metadata,
    problems_marker_comments,
]


# --------------------------------------------------------------------------- made-up notebooks
def _executed(*cells):
    """A notebook as `python -m nnedu course execute` writes it, with the given code cells run in order."""
    nb = new_notebook(cells=[new_markdown_cell("# title"), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip():
            count += 1
            cell.execution_count = count
    return nb


def test_a_cleanly_executed_notebook_passes_every_rule():
    nb = _executed(
        new_code_cell("x = 1"),
        new_code_cell("x", outputs=[new_output("execute_result", {"text/plain": "1"})]),
        new_code_cell(
            "1 / 0",
            metadata={"tags": ["raises-exception"]},
            outputs=[new_output("error", ename="ZeroDivisionError", evalue="division by zero")],
        ),
        new_code_cell(
            "show()",
            metadata={"tags": ["nbval-ignore-output"]},
        ),
    )
    assert [problem for rule in RULES for problem in rule(nb)] == []


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


def test_timings_widget_state_and_foreign_kernel_are_found():
    nb = _executed(new_code_cell("x = 1", metadata={"execution": {"iopub.status.busy": "..."}}))
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    nb.metadata["kernelspec"]["name"] = "my-venv"
    problems = problems_volatile_metadata(nb)
    assert len(problems) == 3
    assert any("widget state" in p for p in problems)
    assert any("'my-venv'" in p for p in problems)
    assert any("cell 1 stores execution timings" in p for p in problems)


@pytest.mark.parametrize(
    "source", ["# NBVAL_IGNORE_OUTPUT\nshow()", "# nbval-ignore-output: drawn\nshow()"]
)
def test_nbval_marker_comment_is_found(source):
    problems = problems_marker_comments(_executed(new_code_cell(source)))
    assert len(problems) == 1
    assert problems[0].startswith("cell 1 has the nbval marker comment")


# --------------------------------------------------------------------------- the course notebooks
NOTEBOOKS = course_notebooks() or [
    pytest.param(None, marks=pytest.mark.skip(reason="no notebooks in lessons/ or solutions/ yet"))
]


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=lambda path: str(path.relative_to(ROOT)) if path else "none"
)
def test_course_notebook(path):
    nb = nbformat.read(path, as_version=4)
    problems = [problem for rule in RULES for problem in rule(nb)]
    assert not problems, (
        f"{path.relative_to(ROOT)}:\n  "
        + "\n  ".join(problems)
        + "\nRe-run it with `python -m nnedu course execute "
        + f"{path.relative_to(ROOT)}` (never edit outputs by hand)."
    )
