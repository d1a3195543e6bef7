"""Every cell of an exercise set that runs the student's code does so under a time limit.

A check (``check_sigmoid(sigmoid)``) has its own limit. Any other call of a function the student
writes — in a cell that shows it at work, or in hidden tests — must sit inside a
``with time_limit(...):`` block, or a function that never returns would stall the notebook (and
nbgrader's autograder) for the whole cell timeout. The rule is checked on the source code:

* student functions: the functions and classes defined in the solution cells;
* a call runs student code if it calls one of them, passes one of them (or a lambda using one)
  as an argument, or calls a function defined in the same cell that uses one of them;
* such a call at the top level of a cell must be inside ``with time_limit(...)``; calls of the
  ``check_*`` functions are exempt (they guard themselves).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

pytestmark = pytest.mark.notebook


def _defined(tree: ast.Module) -> set[str]:
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _is_time_limit(node: ast.With) -> bool:
    return any(isinstance(item.context_expr, ast.Call)
               and isinstance(item.context_expr.func, ast.Name)
               and item.context_expr.func.id == "time_limit" for item in node.items)


def _unguarded_calls(source: str, student: set[str]) -> list[str]:
    """The top-level calls in ``source`` that run student code outside time_limit."""
    tree = ast.parse(source)
    # functions of this cell that use student code count as student code too
    runs_student = set(student)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and _names(node) & runs_student:
            runs_student.add(node.name)

    found: list[str] = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return  # a definition runs nothing; its calls are judged where it is called
        if isinstance(node, ast.With) and _is_time_limit(node):
            guarded = True
        if isinstance(node, ast.Call) and not guarded:
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            arguments = _names(ast.Tuple(elts=[*node.args, *(k.value for k in node.keywords)]))
            if not name.startswith("check_") and (name in runs_student
                                                  or arguments & runs_student):
                found.append(ast.unparse(node)[:80])
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    for statement in tree.body:
        visit(statement, False)
    return found


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_student_code_runs_only_in_checks_or_under_a_time_limit(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    student: set[str] = set()
    problems = []
    for cell in code:
        tree = ast.parse(cell.source)
        if cell.metadata.get("nbgrader", {}).get("solution"):
            student |= _defined(tree)
            continue
        for call in _unguarded_calls(cell.source, student):
            problems.append(f"cell {cell.get('id')}: {call}")
    assert student, "no student functions found"
    assert problems == []


def test_the_rule_finds_an_unguarded_call_and_accepts_guarded_ones():
    student = {"sigmoid"}
    assert _unguarded_calls("print(sigmoid(0.0))", student) == ["print(sigmoid(0.0))",
                                                                 "sigmoid(0.0)"]
    assert _unguarded_calls("plot(lambda z: sigmoid(z))", student) == [
        "plot(lambda z: sigmoid(z))"]
    assert _unguarded_calls("def f(z):\n    return sigmoid(z)\nf(1.0)", student) == ["f(1.0)"]
    assert _unguarded_calls("with time_limit(5):\n    print(sigmoid(0.0))", student) == []
    assert _unguarded_calls("check_sigmoid(sigmoid)", student) == []
    assert _unguarded_calls("def f(z):\n    return sigmoid(z)", student) == []
