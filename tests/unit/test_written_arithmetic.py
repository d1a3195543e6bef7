"""Written arithmetic recomputes: every "operands = result" in the lessons, to the digits shown.

A student who redoes a sum written in a lesson must get the number written after "=". This test
finds such sums in the markdown of every lesson (LaTeX and plain text) and in the formula lines
that lesson 06's worked example prints, evaluates the left side from the operands *as shown*
and compares with the result *to the decimals shown* (|computed − shown| ≤ half a unit of the
result's last digit).

What counts as a written sum (the rules, kept small on purpose):
- Text is split at "=" (also "\\;=\\;" etc.). For each "=", the left side is the longest
  stretch just before it made of numbers, + − · × / ^, brackets and the functions exp, ln,
  σ, √, max, min; the right side is the number just after it.
- The left side must contain an operator or a function (a bare "x = 0.5" is a definition, not
  arithmetic), must not start with an operator that needs a left operand ("b + 1 = …": the
  operand is a symbol), and must not be glued to a letter, subscript or digit before it
  ("w_1 + 2 = …" or "10^{-7}" are not sums of the written numbers).
- Skipped: "≈" (approximate on purpose), sides that touch "%" (percentages of counts), a right
  side that goes on with an operator ("= 60 / 67": that is checked by its own "=" if any), and
  anything that does not evaluate to one real number (e.g. implicit products like "2(x)").
LaTeX is turned into plain arithmetic first: \\frac{a}{b} → (a)/(b), \\cdot/\\times → ·,
e^{x} → exp(x), \\sqrt{x} → √(x), \\ln → ln, \\sigma → σ; the Unicode minus is a minus.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import pytest

LESSONS = Path(__file__).resolve().parents[2] / "lessons"

_LATEX = [  # (pattern, replacement), applied in order
    (r"\\(?:left|right|big|Big|bigg|Bigg)(?![a-z])", ""),
    (r"\\(?:,|;|:|!|quad|qquad)", " "),
    (r"\\(?:cdot|times)", "·"),
    (r"\\approx", "≈"),
    (r"\\ln", "ln"),
    (r"\\exp", "exp"),
    (r"\\sigma", "σ"),
    (r"\\operatorname\{(\w+)\}", r"\1"),
    (r"\\mathrm\{e\}", "e"),
]
_NUMBER = r"\d+(?:\.\d+)?"
_FUNCTIONS = {"exp": math.exp, "ln": math.log, "σ": lambda z: 1 / (1 + math.exp(-z)),
              "sqrt": math.sqrt, "max": max, "min": min}


def to_plain(text: str) -> str:
    """LaTeX and Unicode arithmetic → plain arithmetic symbols (see the module docstring)."""
    text = text.replace("−", "-").replace("$", " ")
    for pattern, replacement in _LATEX:
        text = re.sub(pattern, replacement, text)
    inner = r"\{([^{}]*)\}"
    for _ in range(5):  # nested fractions, one level per pass
        text = re.sub(r"\\[dt]?frac" + inner + inner, r"((\1)/(\2))", text)
        text = re.sub(r"\\sqrt" + inner, r"√(\1)", text)
        text = re.sub(r"(?<![\w\\])e\^" + inner, r"exp(\1)", text)
    return text.replace("{", "(").replace("}", ")")


def _left_operand(before: str) -> str | None:
    """The arithmetic stretch at the end of ``before``, or None if there is none.

    Read backwards over numbers, operators, brackets and function names; a comma belongs to it
    only inside brackets (``max(0, z)``), an opening bracket only if it is closed.
    """
    start, depth = len(before.rstrip()), 0
    while start > 0:
        name = next((f for f in ("exp", "max", "min", "ln") if before.endswith(f, 0, start)), "")
        char = before[start - 1]
        if name:
            start -= len(name)
            continue
        if char in ")]":
            depth += 1
        elif char in "([":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            break
        elif not (char.isdigit() or char in ".+-*/^·×÷√σ ,"):
            break
        start -= 1
    while start < len(before) and before[start] == " ":
        start += 1
    expression = before[start:].strip()
    glued = start > 0 and (before[start - 1].isalnum() or before[start - 1] in "_^\\'")
    # "b + 1 = −2": the stretch starts with an operator that needs a left operand, and that
    # operand is the symbol before it: not a sum of written numbers.
    tail_of_symbolic = expression[:1] in tuple("+*/^·×÷")
    if glued or tail_of_symbolic or not re.search(_NUMBER, expression):
        return None
    if not re.search(r"[+\-*/^·×÷√σ]|exp|ln|max|min", expression.lstrip("-")):
        return None
    return expression


def evaluate(expression: str) -> float | None:
    """The value of a plain arithmetic expression, or None if it is not one real number."""
    python = (expression.replace("·", "*").replace("×", "*").replace("÷", "/")
              .replace("^", "**").replace("[", "(").replace("]", ")").replace("√", "sqrt"))
    python = re.sub(r"\b(ln|exp)\s+(" + _NUMBER + ")", r"\1(\2)", python)  # "ln 0.46"
    if re.search(r"[A-Za-z_]", re.sub(r"exp|ln|max|min|sqrt", "", python)):
        return None
    try:
        value = eval(python, {"__builtins__": {}}, _FUNCTIONS)  # noqa: S307 - digits only
    except Exception:  # an implicit product, an unbalanced bracket: not a written sum
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def written_sums(text: str) -> list[tuple[str, str, float | None]]:
    """Every (left side, shown result, recomputed value) written in ``text``."""
    plain = to_plain(text)
    found = []
    for match in re.finditer(r"=\s*(-?\s*" + _NUMBER + r")(?![\d.])(\s*%)?(\s*[-+*/^·×÷(])?",
                             plain):
        before = plain[:match.start()]
        if before.endswith(("<", ">", "!", "≈")) or match.group(2) or match.group(3):
            continue  # an inequality, a percentage, or a right side that is itself a sum
        left = _left_operand(before)
        if left is None or "%" in before[-len(left) - 2:]:
            continue
        found.append((left.strip(), match.group(1).replace(" ", ""), evaluate(left)))
    return [item for item in found if item[2] is not None]


def recomputes(shown: str, value: float) -> bool:
    """True if ``value`` rounds to ``shown`` at the decimals ``shown`` has."""
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    # Strictly less than half a unit: at exactly half (0.90805 shown as 0.9080) a student
    # rounding half up gets another last digit.
    return abs(value - float(shown)) < 0.5 * 10.0 ** -decimals * (1 - 1e-9)


def _markdown_sums():
    for path in sorted(LESSONS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "markdown":
                for left, shown, value in written_sums(cell.source):
                    yield f"{path.name} cell {index} ({cell.get('id')})", left, shown, value
    for path in sorted(LESSONS.glob("*.md")):
        for left, shown, value in written_sums(path.read_text(encoding="utf-8")):
            yield path.name, left, shown, value


def _worked_example_sums():
    from nnedu.widgets.backprop_stepper import formula_lines
    from nnedu.worked import EXAMPLE_BOTH_ACTIVE, EXAMPLE_ONE_DEAD, worked_step

    for name, example in (("both active", EXAMPLE_BOTH_ACTIVE), ("dead unit", EXAMPLE_ONE_DEAD)):
        step = worked_step(example.x1, example.x2, example.target, dict(example.weights))
        for line in formula_lines(step):
            for left, shown, value in written_sums(line):
                yield f"worked example ({name}): {line}", left, shown, value


# ----------------------------------------------------------------------------- the parser


OLD_LESSON_06 = """\
dL/da3 = −y/a3 + (1 − y)/(1 − a3) = −1/0.4601 + 0/0.5399 = −2.1735
$\\frac{\\partial L}{\\partial w_{31}} = 0.6985 \\cdot 1.3000 = 0.9080$ and
b3 ← b3 − η·dL/db3 = −0.2 − 0.1·0.6985 = −0.2698
"""


def test_the_old_lesson_06_sums_fail():
    # Lesson 06 as it was: −1/0.4601 gives −2.1734, not −2.1735; 0.6985·1.3 = 0.90805 is
    # exactly half-way (rounded half up: 0.9081); −0.2 − 0.06985 = −0.26985, the same.
    sums = written_sums(OLD_LESSON_06)
    assert [(left, shown) for left, shown, _ in sums] == [
        ("-1/0.4601 + 0/0.5399", "-2.1735"),
        ("0.6985 · 1.3000", "0.9080"),
        ("-0.2 - 0.1·0.6985", "-0.2698"),
    ]
    assert not any(recomputes(shown, value) for _, shown, value in sums)


def test_the_parser_reads_latex_and_plain_text():
    text = r"""$\frac{1}{4} = 0.25$, $e^{-0.5} = 0.6065$, $\sigma(0) = 0.5$, $2^3 = 8$,
    $\ln 2 = 0.6931$, $\sqrt{2} = 1.414$, 3 × 4 = 12, max(0, −0.5) = 0, [1 + 2]·3 = 9"""
    sums = written_sums(text)
    assert len(sums) == 9
    assert all(recomputes(shown, value) for _, shown, value in sums), sums


def test_the_parser_skips_what_is_not_a_written_sum():
    text = r"""$x = 0.5$ (a definition), $w_1 + 2 = 3$ (glued to a symbol), accuracy 97 % = 350,
    $0.1 + 0.2 \approx 0.3$, $10^{-7} = 0.0000001$ seen as a power, $f(x) = 2$, 2(3) = 6,
    $z = w x + b = 1$, a threshold $< 0.5 = $, $b + 1 = -2$ (a symbol, a space, an operator)"""
    assert written_sums(text) == [("10^(-7)", "0.0000001", pytest.approx(1e-7))]


def test_recomputes_to_the_digits_shown():
    assert recomputes("0.4601", 0.46008) and recomputes("0.4601", 0.460149)
    assert not recomputes("0.9080", 0.90805)
    assert not recomputes("0.4601", 0.46004)
    assert recomputes("3", 3.4) and not recomputes("3", 3.6)


# ----------------------------------------------------------------------------- the lessons


def test_every_written_sum_in_the_lessons_recomputes():
    sums = list(_markdown_sums())
    wrong = [f"{where}: {left} = {shown} (recomputes to {value:.6g})"
             for where, left, shown, value in sums if not recomputes(shown, value)]
    assert not wrong, "\n".join(wrong)
    assert len(sums) >= 15, f"only {len(sums)} written sums found: is the parser still working?"
    print(f"\n{len(sums)} written sums in the lessons' markdown recompute")


def test_every_formula_line_of_the_worked_example_recomputes():
    sums = list(_worked_example_sums())
    wrong = [f"{where}\n    {left} = {shown} (recomputes to {value:.6g})"
             for where, left, shown, value in sums if not recomputes(shown, value)]
    assert not wrong, "\n".join(wrong)
    assert len(sums) >= 40
    print(f"\n{len(sums)} written sums in the worked example's formula lines recompute")
