"""Build the student notebooks in ``exercises/`` from the complete notebooks in ``solutions/``.

::

    python -m nnedu course build            # write exercises/ from solutions/
    python -m nnedu course build --check    # write nothing; fail if exercises/ is out of date

The notebooks in ``solutions/`` are the one source of truth, in nbgrader's source format:

- a code cell whose nbgrader metadata says ``"solution": true`` fences its solution with
  ``### BEGIN SOLUTION`` / ``### END SOLUTION``. In the exercise the fenced lines become
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()``, indented like the
  ``BEGIN SOLUTION`` line. A solution cell without markers is replaced as a whole.
- a markdown solution cell (which must also be a ``grade`` cell) becomes ``YOUR ANSWER HERE``,
  or only its fenced part does.
- ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in a grade cell are removed with
  everything between them.
- every output and execution count is cleared, and so is the stored widget state
  (``metadata.widgets``); cell ids and metadata are kept (nbgrader needs the metadata, and
  fixed ids keep the files from changing on every build).

A line is a marker when it contains the marker text (``BEGIN SOLUTION`` …), as in nbgrader,
so a notebook that builds here also works with ``nbgrader generate_assignment``.

The output is deterministic: the same sources give the same bytes, so ``--check`` can compare
the committed ``exercises/`` with a fresh build byte for byte (the fresh build is made in
memory; nothing is written).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import nbformat

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN_TESTS = "BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS)
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"
BUILD_COMMAND = "python -m nnedu course build"


class CourseBuildError(ValueError):
    """A source notebook cannot be turned into an exercise; the message says where and why."""


class CourseBuildWarning(UserWarning):
    """Something in a source notebook that builds, but probably not as the author meant."""


def build(
    source_dir: str | Path = "solutions", out_dir: str | Path = "exercises", check: bool = False
) -> list[str]:
    """Build every ``*.ipynb`` of ``source_dir`` into ``out_dir`` under the same name.

    With ``check=False`` the exercises are written and their paths returned. With
    ``check=True`` nothing is written; the result lists every exercise that is out of date,
    missing or has no source (an empty list means ``out_dir`` is up to date).
    All notebooks are built before anything is written, so an error leaves ``out_dir`` as it was.
    """
    source, out = Path(source_dir), Path(out_dir)
    if not source.is_dir():
        raise CourseBuildError(
            f"build: the source folder '{source}' does not exist; run the command from the "
            "repository root or pass --source"
        )
    if out.resolve() == source.resolve():
        raise CourseBuildError(
            f"build: the output folder '{out}' is the source folder; that would overwrite the "
            "solutions. Pass a different --out"
        )
    sources = sorted(source.glob("*.ipynb"))
    if not sources:
        raise CourseBuildError(f"build: there is no .ipynb notebook in '{source}'")
    built = {path.name: exercise_bytes(path) for path in sources}

    if check:
        return _differences(built, source, out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in built.items():
        (out / name).write_bytes(data)
    return [str(out / name) for name in built]


def exercise_bytes(path: str | Path) -> bytes:
    """The exercise built from the source notebook at ``path``, as the bytes of its file."""
    path = Path(path)
    notebook = read_source(path)
    exercise = make_exercise(notebook, path.name)
    text = nbformat.writes(exercise)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def read_source(path: str | Path) -> nbformat.NotebookNode:
    """Read a source notebook; every cell must carry its own fixed, unique id."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CourseBuildError(f"{path}: cannot be read as a notebook ({error})") from error
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        raise CourseBuildError(f"{path}: not a Jupyter notebook in format 4")
    # Read the ids from the raw JSON: nbformat would invent random ones for missing ids.
    seen: set[str] = set()
    for index, cell in enumerate(raw.get("cells", [])):
        cell_id = cell.get("id")
        if not cell_id:
            raise CourseBuildError(
                f"{path}, cell {index}: the cell has no id. Exercises copy the ids of their "
                "source, so every cell needs a fixed one: open and save the notebook in "
                "JupyterLab 4 (notebook format 4.5 gives every cell an id)"
            )
        if cell_id in seen:
            raise CourseBuildError(
                f"{path}, cell {index}: the id '{cell_id}' is used twice; give the cell a new id"
            )
        seen.add(cell_id)
    return nbformat.reads(text, as_version=4)


def make_exercise(notebook: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A copy of ``notebook`` with solutions stubbed out, hidden tests and outputs removed.

    ``name`` is used in error messages only.
    """
    exercise = copy.deepcopy(notebook)
    # The widgets' stored state belongs to the outputs, which go: a student runs the cells.
    exercise.metadata.pop("widgets", None)
    grade_ids: set[str] = set()
    for index, cell in enumerate(exercise.cells):
        where = f"{name}, cell {index} (id '{cell.get('id')}')"
        _check_nbgrader_metadata(cell, where, grade_ids)
        cell.source = _strip_cell(cell, where)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return exercise


def _check_nbgrader_metadata(cell: nbformat.NotebookNode, where: str, grade_ids: set[str]) -> None:
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    if not (nbgrader.get("solution") or nbgrader.get("grade")):
        return
    grade_id = nbgrader.get("grade_id")
    if not grade_id:
        raise CourseBuildError(
            f"{where}: an nbgrader solution or grade cell needs a 'grade_id' in its metadata"
        )
    if grade_id in grade_ids:
        raise CourseBuildError(f"{where}: the grade_id '{grade_id}' is used by an earlier cell")
    grade_ids.add(grade_id)
    if cell.cell_type == "markdown" and nbgrader.get("solution") and not nbgrader.get("grade"):
        raise CourseBuildError(
            f'{where}: a markdown answer cell must be graded too: set "grade": true and '
            '"points" in its nbgrader metadata'
        )


def _strip_cell(cell: nbformat.NotebookNode, where: str) -> str:
    """The cell's source with solutions replaced by a stub and hidden tests removed."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    is_solution, is_grade = bool(nbgrader.get("solution")), bool(nbgrader.get("grade"))
    is_code = cell.cell_type == "code"
    stub = CODE_STUB if is_code else (TEXT_STUB,)
    lines = cell.source.split("\n")

    kept: list[str] = []
    region, region_line, indent = None, 0, ""
    found_solution = found_hidden = False
    for number, line in enumerate(lines, start=1):
        marker = next((m for m in MARKERS if m in line), None)
        if marker is None:
            if region is None:
                kept.append(line)
        elif region is None and marker in (BEGIN_SOLUTION, BEGIN_HIDDEN_TESTS):
            region, region_line = marker, number
            indent = line[: len(line) - len(line.lstrip())]
        elif (region, marker) == (BEGIN_SOLUTION, END_SOLUTION):
            kept.extend(indent + text for text in stub)
            found_solution, region = True, None
            if is_code and not indent:
                _warn_top_level(where, number)
        elif (region, marker) == (BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS):
            found_hidden, region = True, None
        elif region is None:
            raise CourseBuildError(
                f"{where}, line {number}: '{marker}' without a '{_partner(marker)}' before it"
            )
        else:
            raise CourseBuildError(
                f"{where}, line {number}: '{marker}' inside the '{region}' region that starts "
                f"on line {region_line}; close that region with '{_partner(region)}' first"
            )
    if region is not None:
        raise CourseBuildError(
            f"{where}, line {region_line}: '{region}' has no '{_partner(region)}' after it"
        )

    if found_solution and not is_solution:
        raise CourseBuildError(
            f"{where}: solution markers in a cell that is not a solution cell; set "
            '"solution": true in the cell\'s nbgrader metadata, or remove the markers'
        )
    if found_hidden and not is_grade:
        raise CourseBuildError(
            f'{where}: hidden tests in a cell that is not a grade cell; set "grade": true '
            "in the cell's nbgrader metadata, or remove the markers"
        )
    if is_solution and not found_solution:
        # nbgrader's rule: a solution cell without markers is replaced as a whole.
        if is_code:
            _warn_top_level(where, 1)
        return "\n".join(stub)
    return "\n".join(kept)


def _partner(marker: str) -> str:
    partners = {
        BEGIN_SOLUTION: END_SOLUTION,
        END_SOLUTION: BEGIN_SOLUTION,
        BEGIN_HIDDEN_TESTS: END_HIDDEN_TESTS,
        END_HIDDEN_TESTS: BEGIN_HIDDEN_TESTS,
    }
    return partners[marker]


def _warn_top_level(where: str, line: int) -> None:
    warnings.warn(
        f"{where}, line {line}: the solution is at the top level of the cell, not inside a "
        "function body. In the exercise this cell stops at NotImplementedError, so names it "
        "defines are missing and later cells that use them fail with NameError",
        CourseBuildWarning,
        stacklevel=3,
    )


def _differences(built: dict[str, bytes], source: Path, out: Path) -> list[str]:
    """One message per exercise in ``out`` that does not match a fresh build."""
    problems = []
    for name, data in built.items():
        target = out / name
        if not target.exists():
            problems.append(f"{target} is missing (it is built from {source / name})")
        elif target.read_bytes() != data:
            problems.append(f"{target} is out of date with {source / name}")
    if out.is_dir():
        for target in sorted(out.glob("*.ipynb")):
            if target.name not in built:
                problems.append(f"{target} has no source {source / target.name}; delete it")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nnedu course build [--check] [--source DIR] [--out DIR]``.

    Exit status: 0 done (or up to date), 1 ``--check`` found stale exercises, 2 a source
    notebook has an error.
    """
    parser = argparse.ArgumentParser(
        prog=BUILD_COMMAND,
        description="Write the student notebooks (exercises/) from the complete ones "
        "(solutions/): solutions become '# YOUR CODE HERE', hidden tests and outputs go.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the exercises differ from a fresh build",
    )
    parser.add_argument(
        "--source", metavar="DIR", default="solutions", help="source folder (default %(default)s)"
    )
    parser.add_argument(
        "--out", metavar="DIR", default="exercises", help="output folder (default %(default)s)"
    )
    args = parser.parse_args(argv)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CourseBuildWarning)
        try:
            result = build(args.source, args.out, check=args.check)
        except CourseBuildError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)

    if not args.check:
        print(f"wrote {len(result)} exercise notebook(s) to {args.out}/")
        return 0
    if not result:
        print(f"{args.out}/ is up to date with {args.source}/")
        return 0
    command = BUILD_COMMAND
    if args.source != "solutions":
        command += f" --source {args.source}"
    if args.out != "exercises":
        command += f" --out {args.out}"
    print(f"{args.out}/ is out of date with {args.source}/:", file=sys.stderr)
    for problem in result:
        print(f"  {problem}", file=sys.stderr)
    print(f"Rebuild with: {command}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
