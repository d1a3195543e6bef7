"""Every number the prose of lessons/06_backprop_worked_example.ipynb quotes is nnedu.worked's.

The lesson's markdown quotes numbers only inside math, in the form ``$symbol = number$`` (or
``\\approx``), e.g. ``$a_3 = 0.4601$`` or ``$\\frac{\\partial L}{\\partial z_3} = -0.5399$``.
This test reads the markdown cells with nbformat and

- looks every such symbol up in ``symbol_table`` (built from ``nnedu.worked``'s names) and
  asserts that the quoted number equals the ``nnedu.worked`` value at the precision it is printed
  with; a number with fewer than 4 decimals must be the exact value (``0.2`` for z1 = 0.2,
  never ``0.5`` for 0.4601);
- fails on any decimal number anywhere else in the markdown (outside that form), so a number
  cannot slip into the prose unchecked;
- checks that the key numbers (z1, a3, L, dL/dz3, L after, and the dead unit's z2 and
  dL/dz2) are quoted at all.

Cells whose id starts with ``dead`` talk about ``EXAMPLE_ONE_DEAD``; all others about
``EXAMPLE_BOTH_ACTIVE``.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import nbformat
import pytest

from nnedu import gradcheck
from nnedu.widgets.backprop_stepper import N_STEPS, walk_steps
from nnedu.worked import EXAMPLE_BOTH_ACTIVE, EXAMPLE_ONE_DEAD, PARAM_NAMES, WorkedStep

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "06_backprop_worked_example.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

NUMBER = r"[-−]?\d+(?:\.\d+)?"
DECIMAL = re.compile(r"\d+\.\d+")
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
HEADING_NUMBER = re.compile(r"^#+\s+\d+(?:\.\d+)*\s+·", re.M)
PAIR = re.compile(rf"^(?P<symbol>.+?)\s*(?:=|\\approx)\s*(?P<number>{NUMBER})$", re.S)


def tex(name: str) -> str:
    """How the lesson writes a name: z1 → z_1, w11 → w_{11}, b3 → b_3."""
    index = name[1:]
    return f"{name[0]}_{index}" if len(index) == 1 else f"{name[0]}_{{{index}}}"


def normalise(symbol: str) -> str:
    return re.sub(r"\s+|\\,|\\!|\\left|\\right", "", symbol)


def partial(top: str, bottom: str) -> str:
    return normalise(rf"\frac{{\partial {top}}}{{\partial {bottom}}}")


def symbol_table(step: WorkedStep) -> dict[str, float]:
    """Every symbol the lesson may quote → its value in ``step``."""
    table = {"x_1": step.x1, "x_2": step.x2, "y": step.target, r"\eta": step.lr,
             "L": step.loss, normalise(r"L_{\text{after}}"): step.loss_after,
             partial("a_3", "z_3"): step.da3_dz3}
    for name in ("z1", "z2", "z3", "a1", "a2", "a3"):
        table[tex(name)] = getattr(step, name)
        table[partial("L", tex(name))] = getattr(step, f"dL_d{name}")
    for name in PARAM_NAMES:
        table[normalise(tex(name))] = step.params[name]
        table[partial("L", tex(name))] = step.gradients[name]
        table[normalise(tex(name) + r"^{\text{new}}")] = step.updated[name]
    return {normalise(key): value for key, value in table.items()}


STEPS = {"both": EXAMPLE_BOTH_ACTIVE.run(), "dead": EXAMPLE_ONE_DEAD.run()}
TABLES = {key: symbol_table(step) for key, step in STEPS.items()}


def markdown_cells() -> list[nbformat.NotebookNode]:
    notebook = nbformat.read(LESSON, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "markdown"]


def quotes() -> list[tuple[str, str, str, str]]:
    """(cell id, example key, normalised symbol, quoted number) for every quoted pair."""
    found = []
    for cell in markdown_cells():
        key = "dead" if cell.id.startswith("dead") else "both"
        for match in MATH.finditer(cell.source):
            body = (match.group(1) or match.group(2)).strip()
            pair = PAIR.match(body)
            if pair:
                found.append((cell.id, key, normalise(pair["symbol"]), pair["number"]))
    return found


def agrees(quoted: str, value: float) -> bool:
    """``quoted`` is ``value`` at the printed precision; with < 4 decimals, exactly."""
    number = float(quoted.replace("−", "-"))
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    if abs(number - value) > 0.5 * 10.0**-decimals + 1e-12:
        return False
    return decimals >= 4 or abs(number - value) < 1e-9


def test_the_lesson_quotes_numbers():
    assert len(quotes()) >= 30


@pytest.mark.parametrize(("cell_id", "key", "symbol", "number"), quotes(),
                         ids=lambda value: str(value)[:40])
def test_quoted_number_is_the_worked_value(cell_id, key, symbol, number):
    table = TABLES[key]
    if symbol not in table:
        assert "." not in number, (
            f"cell {cell_id!r} quotes {number} for an unknown symbol {symbol!r}; add the symbol "
            f"to symbol_table or print the number from code instead"
        )
        return
    value = table[symbol]
    assert agrees(number, value), (
        f"cell {cell_id!r}: ${symbol} = {number}$ but nnedu.worked "
        f"({'EXAMPLE_ONE_DEAD' if key == 'dead' else 'EXAMPLE_BOTH_ACTIVE'}) gives {value!r}"
    )


def test_no_decimal_number_outside_a_checked_quote():
    strays = []
    for cell in markdown_cells():
        plain = HEADING_NUMBER.sub("", MATH.sub(" ", cell.source))  # "### 4.1 · ..." is a section
        strays += [(cell.id, number) for number in DECIMAL.findall(plain)]
        for match in MATH.finditer(cell.source):
            body = (match.group(1) or match.group(2)).strip()
            if not PAIR.match(body):
                strays += [(cell.id, number) for number in DECIMAL.findall(body)]
    assert strays == [], f"decimal numbers that no test checks: {strays}"


@pytest.mark.parametrize(("key", "symbol"), [
    ("both", "z_1"), ("both", "a_3"), ("both", "L"), ("both", partial("L", "z_3")),
    ("both", normalise(r"L_{\text{after}}")), ("dead", "z_2"), ("dead", partial("L", "z_2")),
    ("dead", "L"), ("dead", normalise(r"L_{\text{after}}")),
])
def test_key_numbers_are_quoted(key, symbol):
    assert any(k == key and s == symbol for _, k, s, _ in quotes()), \
        f"the lesson should quote {symbol} of the {key} example"


def test_loss_goes_down_in_both_examples():
    for step in STEPS.values():
        assert step.loss_after < step.loss


def test_other_numbers_in_the_prose():
    text = "\n".join(cell.source for cell in markdown_cells())
    # "below 10^{-7}" is the gradient check's threshold
    assert "10^{-7}" in text and gradcheck.THRESHOLD == 1e-7
    # the stepper the lesson describes walks 27 steps (the browser test reads "of 27")
    assert N_STEPS == len(walk_steps(STEPS["both"])) == 27
    # the numerical gradient's default nudge is the tiny ε the lesson describes
    assert inspect.signature(gradcheck.numerical_gradient).parameters["eps"].default == 1e-5
