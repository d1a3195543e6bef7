"""Building exercises/ from solutions/: stubs, hidden tests, determinism, --check, and clear
errors for broken sources."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from nnedu.course import build as course
from nnedu.course.build import CourseBuildError, CourseBuildWarning, build, main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "course"
SOURCES = FIXTURES / "solutions"


@pytest.fixture
def built(tmp_path) -> Path:
    """The fixture solutions built into a temporary folder."""
    out = tmp_path / "exercises"
    build(SOURCES, out)
    return out


def cells_by_id(path: Path) -> dict[str, nbformat.NotebookNode]:
    notebook = nbformat.read(path, as_version=4)
    return {cell.id: cell for cell in notebook.cells}


def write_source(folder: Path, cells: list[dict], name: str = "01_test.ipynb") -> Path:
    """A source notebook made of raw cell dicts (ids and metadata exactly as given)."""
    folder.mkdir(parents=True, exist_ok=True)
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / name
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def code(cell_id: str, source: str, solution: bool = False, grade: bool = False) -> dict:
    metadata = {}
    if solution or grade:
        metadata["nbgrader"] = {"grade": grade, "grade_id": cell_id, "locked": False,
                                "schema_version": 3, "solution": solution}
        if grade:
            metadata["nbgrader"]["points"] = 1
    return {"cell_type": "code", "id": cell_id, "metadata": metadata, "source": source,
            "outputs": [], "execution_count": None}


# ------------------------------------------------------------------------------ the stubs


def test_solution_code_becomes_an_indented_stub(built):
    cells = cells_by_id(built / "01_sample.ipynb")
    assert cells["sigmoid-solution"].source == (
        "def sigmoid(z):\n"
        '    """sigmoid(z) = 1 / (1 + e^(-z)), element by element."""\n'
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()"
    )


def test_several_solution_blocks_keep_their_own_indentation(built):
    cells = cells_by_id(built / "01_sample.ipynb")
    assert cells["relu-pair"].source == (
        "def relu_pair(z):\n"
        '    """ReLU and its slope."""\n'
        "\n"
        "    def relu(v):\n"
        "        # YOUR CODE HERE\n"
        "        raise NotImplementedError()\n"
        "\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()"
    )


def test_markdown_answers_are_replaced(built):
    cells = cells_by_id(built / "01_sample.ipynb")
    assert cells["answer"].source == "YOUR ANSWER HERE"
    assert cells["slope-answer"].source == (
        "The slope of sigmoid, written with a = sigmoid(z):\n\nYOUR ANSWER HERE"
    )


def test_no_solution_line_survives(built):
    text = (built / "01_sample.ipynb").read_text(encoding="utf-8")
    source_text = (SOURCES / "01_sample.ipynb").read_text(encoding="utf-8")
    assert "SOLUTION-ONLY" in source_text and "SOLUTION-ONLY" not in text
    assert "SOLUTION-OUTPUT" in source_text and "SOLUTION-OUTPUT" not in text
    for marker in course.MARKERS:
        assert marker not in text


def test_hidden_tests_are_removed_and_visible_tests_kept(built):
    test_cell = cells_by_id(built / "01_sample.ipynb")["sigmoid-test"]
    assert test_cell.source == (
        "assert abs(sigmoid(np.array([0.0]))[0] - 0.5) < 1e-12\n"
        'print("visible test passed")'
    )
    assert "HIDDEN-ONLY" not in (built / "01_sample.ipynb").read_text(encoding="utf-8")


def test_outputs_are_cleared_and_ids_and_metadata_kept(built):
    source = nbformat.read(SOURCES / "01_sample.ipynb", as_version=4)
    exercise = nbformat.read(built / "01_sample.ipynb", as_version=4)
    assert [c.id for c in exercise.cells] == [c.id for c in source.cells]
    assert [c.metadata for c in exercise.cells] == [c.metadata for c in source.cells]
    assert exercise.metadata == source.metadata
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # a notebook without solutions is copied with its outputs cleared
    plain = cells_by_id(built / "02_plain.ipynb")
    assert plain["hello"].source == 'print("hello")' and plain["hello"].outputs == []


def test_stored_widget_state_is_cleared_with_the_outputs(tmp_path):
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2,
                                                         "version_minor": 0},
            "text/plain": "IntSlider(value=3)"}
    cell = code("slider", "import ipywidgets\nipywidgets.IntSlider(value=3)")
    cell["outputs"] = [{"output_type": "execute_result", "data": view, "metadata": {},
                        "execution_count": 1}]
    cell["execution_count"] = 1
    path = write_source(tmp_path / "solutions", [cell])
    raw = json.loads(path.read_text())
    raw["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {"m1": {"model_name": "IntSliderModel", "state": {"value": 3}}},
        "version_major": 2, "version_minor": 0}}
    path.write_text(json.dumps(raw))
    build(tmp_path / "solutions", tmp_path / "exercises")
    exercise = nbformat.read(tmp_path / "exercises" / path.name, as_version=4)
    assert "widgets" not in exercise.metadata
    assert exercise.cells[0].outputs == []


def test_the_exercise_is_a_valid_notebook(built):
    for path in built.glob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=4))


# ------------------------------------------------------------------------------ determinism


def test_building_twice_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(SOURCES, first)
    build(SOURCES, second)
    names = sorted(p.name for p in first.glob("*.ipynb"))
    assert names == ["01_sample.ipynb", "02_plain.ipynb"]
    for name in names:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes()
        assert data.endswith(b"}\n")
    build(SOURCES, first)  # building over an existing build changes nothing
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)


def test_the_committed_fixture_exercises_are_up_to_date():
    assert build(SOURCES, FIXTURES / "exercises", check=True) == []


# ------------------------------------------------------------------------------ --check


def test_check_writes_nothing_and_finds_stale_missing_and_extra_files(built, tmp_path):
    assert build(SOURCES, built, check=True) == []

    stale = built / "01_sample.ipynb"
    notebook = nbformat.read(stale, as_version=4)
    notebook.cells[0].source += "\nan edit made by hand"
    nbformat.write(notebook, stale)
    (built / "02_plain.ipynb").unlink()
    (built / "99_old.ipynb").write_text("{}", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in built.iterdir()}

    problems = build(SOURCES, built, check=True)
    assert problems == [
        f"{built / '01_sample.ipynb'} is out of date with {SOURCES / '01_sample.ipynb'}",
        f"{built / '02_plain.ipynb'} is missing (it is built from {SOURCES / '02_plain.ipynb'})",
        f"{built / '99_old.ipynb'} has no source {SOURCES / '99_old.ipynb'}; delete it",
    ]
    assert {p.name: p.read_bytes() for p in built.iterdir()} == before  # nothing written


def test_cli_check_fails_with_the_stale_files_and_the_fix(built, capfd):
    assert main(["--check", "--source", str(SOURCES), "--out", str(built)]) == 0
    assert "is up to date" in capfd.readouterr().out

    (built / "01_sample.ipynb").write_text("{}", encoding="utf-8")
    assert main(["--check", "--source", str(SOURCES), "--out", str(built)]) == 1
    err = capfd.readouterr().err
    assert f"{built / '01_sample.ipynb'} is out of date" in err
    assert f"Rebuild with: python -m nnedu course build --source {SOURCES} --out {built}" in err

    assert main(["--source", str(SOURCES), "--out", str(built)]) == 0
    assert "wrote 2 exercise notebook(s)" in capfd.readouterr().out
    assert main(["--check", "--source", str(SOURCES), "--out", str(built)]) == 0


def test_the_nnedu_command_line_reaches_the_build(built, capfd):
    entry = pytest.importorskip("nnedu.__main__")
    args = ["course", "build", "--check", "--source", str(SOURCES), "--out", str(built)]
    assert entry.main(args) == 0
    assert "is up to date" in capfd.readouterr().out


# ------------------------------------------------------------------------------ bad sources


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n",
         "line 2: 'BEGIN SOLUTION' has no 'END SOLUTION' after it"),
        ("def f():\n    return 1\n    ### END SOLUTION\n",
         "line 3: 'END SOLUTION' without a 'BEGIN SOLUTION' before it"),
        ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n",
         "line 3: 'BEGIN SOLUTION' inside the 'BEGIN SOLUTION' region that starts on line 2"),
        ("### BEGIN HIDDEN TESTS\nassert True\n### END SOLUTION\n",
         "line 3: 'END SOLUTION' inside the 'BEGIN HIDDEN TESTS' region"),
    ],
    ids=["begin-without-end", "end-without-begin", "nested", "crossed"],
)
def test_unbalanced_markers_are_an_error_naming_the_place(tmp_path, source, message):
    write_source(tmp_path / "src", [code("broken", source, solution=True, grade=True)])
    with pytest.raises(CourseBuildError) as info:
        build(tmp_path / "src", tmp_path / "out")
    assert "01_test.ipynb, cell 0 (id 'broken')" in str(info.value)
    assert message in str(info.value)
    assert not (tmp_path / "out").exists()


def test_solution_markers_need_a_solution_cell(tmp_path):
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    write_source(tmp_path / "src", [code("plain", source)])
    with pytest.raises(CourseBuildError, match="not a solution cell; set \"solution\": true"):
        build(tmp_path / "src", tmp_path / "out")


def test_hidden_tests_need_a_grade_cell(tmp_path):
    source = "x = 1\n### BEGIN HIDDEN TESTS\nassert x == 1\n### END HIDDEN TESTS"
    write_source(tmp_path / "src", [code("plain", source)])
    with pytest.raises(CourseBuildError, match="hidden tests in a cell that is not a grade cell"):
        build(tmp_path / "src", tmp_path / "out")


def test_a_markdown_answer_must_be_graded(tmp_path):
    cell = {"cell_type": "markdown", "id": "answer", "source": "my answer",
            "metadata": {"nbgrader": {"grade": False, "grade_id": "answer", "locked": False,
                                      "schema_version": 3, "solution": True}}}
    write_source(tmp_path / "src", [cell])
    with pytest.raises(CourseBuildError, match="a markdown answer cell must be graded too"):
        build(tmp_path / "src", tmp_path / "out")


def test_nbgrader_cells_need_unique_grade_ids(tmp_path):
    cells = [code("one", "x = 1", grade=True), code("two", "y = 2", grade=True)]
    cells[1]["metadata"]["nbgrader"]["grade_id"] = "one"
    write_source(tmp_path / "src", cells)
    with pytest.raises(CourseBuildError, match="the grade_id 'one' is used by an earlier cell"):
        build(tmp_path / "src", tmp_path / "out")
    del cells[1]["metadata"]["nbgrader"]["grade_id"]
    write_source(tmp_path / "src", cells)
    with pytest.raises(CourseBuildError, match="needs a 'grade_id'"):
        build(tmp_path / "src", tmp_path / "out")


def test_cells_need_fixed_unique_ids(tmp_path):
    cell = code("x", "x = 1")
    del cell["id"]
    write_source(tmp_path / "src", [cell])
    with pytest.raises(CourseBuildError, match=r"cell 0: the cell has no id.*JupyterLab 4"):
        build(tmp_path / "src", tmp_path / "out")
    write_source(tmp_path / "src", [code("same", "x = 1"), code("same", "y = 2")])
    with pytest.raises(CourseBuildError, match="cell 1: the id 'same' is used twice"):
        build(tmp_path / "src", tmp_path / "out")


def test_a_top_level_solution_builds_with_a_warning(tmp_path):
    source = "### BEGIN SOLUTION\nlearning_rate = 0.1\n### END SOLUTION"
    write_source(tmp_path / "src", [code("rate", source, solution=True)])
    with pytest.warns(CourseBuildWarning, match="later cells that use them fail with NameError"):
        build(tmp_path / "src", tmp_path / "out")
    built_cell = cells_by_id(tmp_path / "out" / "01_test.ipynb")["rate"]
    assert built_cell.source == "# YOUR CODE HERE\nraise NotImplementedError()"


def test_a_solution_cell_without_markers_is_replaced_whole(tmp_path):
    write_source(tmp_path / "src", [code("whole", "secret = 42", solution=True)])
    with pytest.warns(CourseBuildWarning):
        build(tmp_path / "src", tmp_path / "out")
    built_cell = cells_by_id(tmp_path / "out" / "01_test.ipynb")["whole"]
    assert built_cell.source == "# YOUR CODE HERE\nraise NotImplementedError()"


def test_an_error_in_one_notebook_writes_nothing(tmp_path):
    shutil.copytree(SOURCES, tmp_path / "src")
    write_source(tmp_path / "src", [code("b", "### END SOLUTION", solution=True)], "03_bad.ipynb")
    with pytest.raises(CourseBuildError, match="03_bad.ipynb"):
        build(tmp_path / "src", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_reports_source_errors_and_warnings_on_stderr(tmp_path, capfd):
    write_source(tmp_path / "src", [code("b", "### END SOLUTION", solution=True)])
    assert main(["--source", str(tmp_path / "src"), "--out", str(tmp_path / "out")]) == 2
    assert capfd.readouterr().err.startswith("error: 01_test.ipynb, cell 0 (id 'b'), line 1")
    write_source(tmp_path / "src", [code("w", "x = 1", solution=True)])
    assert main(["--source", str(tmp_path / "src"), "--out", str(tmp_path / "out")]) == 0
    assert capfd.readouterr().err.startswith("warning: 01_test.ipynb, cell 0 (id 'w'), line 1")


def test_folders_are_checked(tmp_path):
    with pytest.raises(CourseBuildError, match="the source folder .* does not exist"):
        build(tmp_path / "nowhere", tmp_path / "out")
    with pytest.raises(CourseBuildError, match="would overwrite the solutions"):
        build(SOURCES, SOURCES)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CourseBuildError, match="there is no .ipynb notebook"):
        build(tmp_path / "empty", tmp_path / "out")


def test_a_file_that_is_not_a_notebook_is_a_clear_error(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "01_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(CourseBuildError, match="01_broken.ipynb: cannot be read as a notebook"):
        build(tmp_path / "src", tmp_path / "out")
