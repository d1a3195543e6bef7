"""The exercise notebooks: built from solutions/, never leaking an answer, stopping only at stubs.

* ``python -m nnedu course build --check`` passes (exercises/ is what the build makes);
* no line of a solution appears in the matching exercise cell;
* an exercise notebook run with errors allowed raises only NotImplementedError (or the checks'
  NotWrittenYet), and every check cell fails on the stubs: no check passes on unwritten code;
* nbgrader's own validator accepts the sources (when nbgrader is installed, as in CI; the test
  command installs it with the [instructor] extra).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = ROOT / "exercises"
STUB_ERRORS = {"NotImplementedError", "NotWrittenYet"}

pytestmark = pytest.mark.notebook

if not SOLUTIONS:
    pytest.fail("solutions/ holds no notebooks", pytrace=False)


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _answer_lines(source: str) -> list[str]:
    """The non-blank lines strictly between BEGIN SOLUTION and END SOLUTION."""
    lines, inside = [], False
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def test_build_check_passes():
    result = subprocess.run([sys.executable, "-m", "nnedu", "course", "build", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_solution_has_an_exercise_and_back():
    assert sorted(p.name for p in EXERCISES.glob("*.ipynb")) == [p.name for p in SOLUTIONS]


@pytest.mark.parametrize("source", SOLUTIONS, ids=lambda p: p.stem)
def test_no_solution_line_in_the_exercise(source):
    solution = nbformat.read(source, as_version=4)
    exercise = {c.id: c for c in nbformat.read(EXERCISES / source.name, as_version=4).cells}
    n_tasks = 0
    for cell in solution.cells:
        if not _nbgrader(cell).get("solution"):
            continue
        n_tasks += 1
        student = exercise[cell.id].source
        leaked = [line for line in _answer_lines(cell.source) if line in student]
        assert not leaked, f"{source.name} cell {cell.id} shows solution lines: {leaked}"
        assert "BEGIN SOLUTION" not in student
    assert n_tasks >= 3, f"{source.name} has {n_tasks} tasks; each exercise set needs 3 to 6"


@pytest.mark.parametrize("source", SOLUTIONS, ids=lambda p: p.stem)
def test_explain_in_words_question(source):
    cells = nbformat.read(source, as_version=4).cells
    manual = [c for c in cells if c.cell_type == "markdown" and _nbgrader(c).get("solution")
              and _nbgrader(c).get("grade")]
    assert manual, f"{source.name} needs an 'explain in words' (manually graded) question"


def _run_exercise(path: Path):
    from nbclient import NotebookClient

    from nnedu.course.execute import kernel_env

    nb = nbformat.read(path, as_version=4)
    old = dict(os.environ)
    os.environ.update(kernel_env())
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb


@pytest.mark.parametrize("source", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_stops_only_at_stubs(source):
    nb = _run_exercise(EXERCISES / source.name)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        for error in errors:
            assert error.ename in STUB_ERRORS, (
                f"{source.name} cell {cell.id} raised {error.ename}: {error.evalue}")
        if _nbgrader(cell).get("grade") and "check_" in cell.source:
            assert errors, f"{source.name} check cell {cell.id} passed on unwritten code"


@pytest.mark.parametrize("source", SOLUTIONS, ids=lambda p: p.stem)
def test_nbgrader_validator(source):
    # The student side (no test cell passes on a stub, nbgrader's `invert=True`) is covered,
    # more strictly, by test_exercise_stops_only_at_stubs above, which runs each exercise once.
    validator = pytest.importorskip("nbgrader.validator")
    assert validator.Validator().validate(str(source)) == {}, f"{source.name}: a check fails"
