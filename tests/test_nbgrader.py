"""The real grader: nbgrader builds the student versions and autogrades submissions.

A temporary nbgrader course holds two exercise sets from solutions/ (02 activation functions and
11 evaluating models, both quick to run). nbgrader's own ``generate_assignment`` must give the
cells of exercises/, and ``autograde`` must give

* the solutions full automatic marks,
* the untouched student version (the stubs) 0,
* a submission with one wrong answer partial marks (0 for that task only),
* a submission whose ``sigmoid`` never returns partial marks too, every cell ending well before
  nbgrader's 30 s cell timeout: the checks and the guarded demo cell stop it after their own
  time limits (2 s per check, 5 s for the demo cell).

nbgrader is driven through its Python API (``NbGraderAPI``), which runs the same
GenerateAssignment and Autograde apps as the command line without starting a new Python for each
command. The test prints each autograde's wall time (``pytest -s`` shows it); these are
measurements, not assertions: the machine may be busy.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 30  # nbgrader's default per-cell timeout, set explicitly below
NOTEBOOKS = {"ps02": "02_activation_functions", "ps11": "11_evaluating_models"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.notebook,
    # nbgrader's gradebook (SQLAlchemy) warns about its own session handling
    pytest.mark.filterwarnings("ignore:Object of type <Submitted.*> not in session:Warning"),
]


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _submission(source: Path, replace: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """A copy of ``source`` with the cells named in ``replace`` (by grade id) rewritten."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if _grade_id(cell) in (replace or {}):
            cell.source = replace[_grade_id(cell)]
    return nb


HANGING_SIGMOID = '''def sigmoid(z):
    """A sigmoid that never returns."""
    while True:
        pass
'''

CLASS_0_SCORES = '''def precision_recall_f1(y_true, y_pred):
    """Scores the wrong class: 0 instead of 1."""
    tp = np.sum((y_pred == 0) & (y_true == 0))
    fp = np.sum((y_pred == 0) & (y_true == 1))
    fn = np.sum((y_pred == 1) & (y_true == 0))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
'''

SUBMISSIONS = {  # (assignment, student): the notebook handed in
    ("ps02", "good"): lambda: _submission(ROOT / "solutions" / f"{NOTEBOOKS['ps02']}.ipynb"),
    ("ps02", "hang"): lambda: _submission(ROOT / "solutions" / f"{NOTEBOOKS['ps02']}.ipynb",
                                          {"task1": HANGING_SIGMOID}),
    ("ps11", "good"): lambda: _submission(ROOT / "solutions" / f"{NOTEBOOKS['ps11']}.ipynb"),
    ("ps11", "stub"): lambda: _submission(ROOT / "exercises" / f"{NOTEBOOKS['ps11']}.ipynb"),
    ("ps11", "wrong"): lambda: _submission(ROOT / "solutions" / f"{NOTEBOOKS['ps11']}.ipynb",
                                           {"task2": CLASS_0_SCORES}),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded course: (api, gradebook url, root, {(assignment, student): seconds})."""
    pytest.importorskip("nbgrader")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from nnedu.course.execute import _current_env_kernel_manager

    root = tmp_path_factory.mktemp("nbgrader-course")
    for assignment, stem in NOTEBOOKS.items():
        (root / "source" / assignment).mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / f"{stem}.ipynb", root / "source" / assignment)
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Execute.timeout = CELL_TIMEOUT
    config.Execute.startup_timeout = 180  # kernels start slowly beside the browser tests
    config.Execute.kernel_manager_class = _current_env_kernel_manager()  # this interpreter
    config.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no start-up notices
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)

    for assignment in NOTEBOOKS:
        result = api.generate_assignment(assignment, force=True)
        assert result["success"], result["log"]

    seconds = {}
    for (assignment, student), make in SUBMISSIONS.items():
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(make(), folder / f"{NOTEBOOKS[assignment]}.ipynb")
        started = time.monotonic()
        result = api.autograde(assignment, student, force=True, create=True)
        seconds[assignment, student] = time.monotonic() - started
        assert result["success"], result["log"]
    print("\nnbgrader autograde wall time per submission (one kernel each; a busy machine "
          "makes these larger):")
    for (assignment, student), s in seconds.items():
        print(f"  {assignment} {student:<6} {s:5.1f} s")
    return api, config.CourseDirectory.db_url, root, seconds


def _scores(db_url: str, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """{grade id: (automatic score, max score)} of the autograded code cells."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOKS[assignment], assignment, student)
        return {grade.name: (grade.auto_score, grade.max_score) for grade in notebook.grades
                if grade.cell.cell_type == "code"}


def _autograded(root: Path, assignment: str, student: str) -> nbformat.NotebookNode:
    path = root / "autograded" / student / assignment / f"{NOTEBOOKS[assignment]}.ipynb"
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("assignment", sorted(NOTEBOOKS))
def test_generate_assignment_gives_the_cells_of_exercises(course, assignment):
    _, _, root, _ = course
    released = nbformat.read(root / "release" / assignment / f"{NOTEBOOKS[assignment]}.ipynb",
                             as_version=4)
    ours = nbformat.read(ROOT / "exercises" / f"{NOTEBOOKS[assignment]}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in released.cells] == \
        [(c.cell_type, c.source) for c in ours.cells]


@pytest.mark.parametrize("assignment", sorted(NOTEBOOKS))
def test_the_solutions_get_full_automatic_marks(course, assignment):
    _, db_url, _, _ = course
    scores = _scores(db_url, assignment, "good")
    assert scores and all(score == maximum > 0 for score, maximum in scores.values()), scores


def test_the_untouched_stubs_get_nothing(course):
    _, db_url, _, _ = course
    scores = _scores(db_url, "ps11", "stub")
    assert scores and all(score == 0 for score, _ in scores.values()), scores


def test_one_wrong_answer_loses_only_its_own_points(course):
    _, db_url, root, _ = course
    scores = _scores(db_url, "ps11", "wrong")
    wrong = "check-task2"  # the check of precision_recall_f1
    assert scores[wrong][0] == 0
    assert all(score == maximum for name, (score, maximum) in scores.items() if name != wrong)
    check = next(c for c in _autograded(root, "ps11", "wrong").cells if _grade_id(c) == wrong)
    assert "those are the scores of class 0" in check.outputs[0].text


def test_a_hanging_function_is_stopped_by_its_guards_not_the_cell_timeout(course):
    _, db_url, root, seconds = course
    scores = _scores(db_url, "ps02", "hang")
    hung = {"check-task1", "check-task2"}  # sigmoid, and sigmoid_derivative which calls it
    assert {name for name, (score, _) in scores.items() if score == 0} == hung
    assert all(score == maximum for name, (score, maximum) in scores.items() if name not in hung)

    notebook = _autograded(root, "ps02", "hang")
    cells = {_grade_id(c): c for c in notebook.cells if c.cell_type == "code"}
    for name in sorted(hung):
        assert "did not finish within 2 s" in cells[name].outputs[0].text
    demo = cells["depth"].outputs  # a locked cell that calls sigmoid_derivative
    assert [(o.output_type, o.ename) for o in demo] == [("error", "TimeLimitExceeded")]
    assert "sigmoid() was still running" in demo[0].evalue

    # No cell ran into nbgrader's cell timeout: each finished within its own guard's time.
    durations = {name: _duration(cell) for name, cell in cells.items()}
    print("\nautograde of the hanging sigmoid, seconds per cell:",
          {name: round(d, 1) for name, d in durations.items() if d >= 0.5},
          f"— whole submission {seconds['ps02', 'hang']:.1f} s, "
          f"the correct one {seconds['ps02', 'good']:.1f} s")
    assert max(durations.values()) < CELL_TIMEOUT


def _duration(cell) -> float:
    """Seconds a cell ran, from the timestamps the kernel client recorded."""
    timing = cell.metadata["execution"]
    start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (end - start).total_seconds()
