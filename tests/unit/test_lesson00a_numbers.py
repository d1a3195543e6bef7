"""The numbers and claims that the markdown of lessons/00a_maths_you_need.ipynb states.

Each test recomputes what a quoted phrase says, independently of the lesson's code, and where the
lesson prints the number, also reads it from the stored output of the cell that printed it.
``test_quoted_phrases_are_still_in_the_lesson`` fails when the wording changes, so that this file
is revisited with it.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.activations import sigmoid, sigmoid_derivative
from nnedu.widgets import tangent as tg

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "00a_maths_you_need.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers or checkable claims in the lesson's markdown; each is backed below.
QUOTED = [
    "For\n$f(x) = x^2$ at $x_0 = 1$",
    "The slopes $3, 2.1, 2.01, 2.001$ head for $2$, and indeed $f'(x) = 2x$ gives $f'(1) = 2$",
    r"$\big((x_0 + h)^2 - x_0^2\big)/h = 2x_0 + h$, so the secant is off by exactly"
    "\n$h$",
    r"for $\sin$ at $x_0 = 1$ with $h = 0.01$",
    r"The forward difference is off by about $4 \cdot 10^{-3}$, the central one by about"
    "\n" r"$9 \cdot 10^{-6}$, over 400 times less.",
    "from\n$1$ down to $0.01$",
    "the secant's slope is $2x_0 + h$, off by exactly $h$; the central\n   difference is exact "
    "for every $h$",
    "the secant slope stays $1$ however small $h$ gets, but\n   from the left it would be $0$",
    "at $x = 1$, where $u = 4$ and $y = 16$",
    "Nudge $x$ by $0.001$. Then $u$ moves $3$ times as much, to $4.003$",
    r"$2u = 8$ times as much as $u$: $4.003^2 = 16.024009$, a change of about $8 \cdot 0.003$",
    r"$y$ moved about $3 \cdot 8 = 24$ times the nudge of $x$",
    r"which at $x = 1$ is $2 \cdot 4 \cdot 3 = 24$. (The $24.009$ above is $24$ plus the "
    "secant's error\nfor a nudge of $0.001$.)",
    "With $x = 2$, $w = 0.5$, $b = -0.5$ and $y = 1$",
    r"So $z = 0.5$, $a = \sigma(0.5) = 0.6225$ and $L \approx 0.1425$. The three links are"
    "\n" r"$-0.7551$, $0.2350$ and $2$, and their product $-0.7551 \cdot 0.2350 \cdot 2 \approx "
    "-0.3549$ is\nthe slope the central difference measures",
    "Negative: a larger $w$ makes the loss smaller",
    "A small batch of 4 samples with 3 features into\na layer of 2 units",
    r"$1 \cdot 1 + 2 \cdot 0 + 0 \cdot 3 + 0.5 = 1.5$",
    r"with $e \approx 2.718$",
    r"The product, about $7 \cdot 10^{-332}$, underflows to $0$: float64 holds no positive "
    "number\n" r"below about $5 \cdot 10^{-324}$. The sum of the logs," "\n$-762.4619$",
    r"$-\ln(0.9) = 0.1054$ for a confident right" "\nanswer, " r"$-\ln(0.5) = 0.6931$ for a "
    r"shrug, and $-\ln(0.01) = 4.6052$ for a confident wrong one",
    r"$\mathbb{E}[X] = \frac{1 + 2 + 3 + 4 + 5 + 6}{6} = 3.5$",
    "Ten rolls can be far off; ten thousand are close.",
    "$f'(x) = 3x^2$, so $f'(2) = 12$. Forward: $(2.1^3 - 2^3)/0.1 = 12.61$. Central:\n"
    "   $(2.1^3 - 1.9^3)/0.2 = 12.01$",
    r"$\sigma'(2x) \cdot 2$. At $x = 0$: $\sigma'(0) = 0.25$, so" "\n" r"   $0.25 \cdot 2 = 0.5$",
    "$X$: `(32, 64)`, $W$: `(64, 10)`, $b$: `(10,)`, $Z = XW + b$: `(32, 10)`",
    r"$-\ln(0.5) = 0.6931$ (the mean of equal numbers is that number); $-\ln(0.99) = 0.0101$",
]


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(LESSON, as_version=4)


@pytest.fixture(scope="module")
def markdown(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def output(notebook, cell_id: str) -> str:
    """The text the code cell ``cell_id`` printed when the lesson was executed."""
    cell = next(c for c in notebook.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def source(notebook, cell_id: str) -> str:
    return next(c.source for c in notebook.cells if c.get("id") == cell_id)


def test_quoted_phrases_are_still_in_the_lesson(markdown):
    missing = [phrase for phrase in QUOTED if phrase not in markdown]
    assert not missing, f"reword these tests with the lesson: {missing}"


# --------------------------------------------------------------------------- 1 · slopes
def test_secant_slopes_of_the_parabola(notebook):
    slopes = [tg.secant_slope("square", 1.0, h) for h in (1.0, 0.1, 0.01, 0.001)]
    assert [round(s, 4) for s in slopes] == [3.0, 2.1, 2.01, 2.001]
    assert tg.tangent_slope("square", 1.0) == 2.0
    printed = output(notebook, "slopes-code").splitlines()[1:]
    assert [line.split()[-1] for line in printed] == ["3.0000", "2.1000", "2.0100", "2.0010"]
    for h in (1.0, 0.1, 0.01):  # off by exactly h (the widget's try-it 1 as well)
        assert tg.secant_slope("square", 1.0, h) - 2.0 == pytest.approx(h, abs=1e-9)
        assert tg.central_slope("square", 1.0, h) == pytest.approx(2.0, abs=1e-9)


def test_forward_and_central_difference_of_sin(notebook):
    exact = math.cos(1.0)
    forward = abs((math.sin(1.01) - math.sin(1.0)) / 0.01 - exact)
    central = abs((math.sin(1.01) - math.sin(0.99)) / 0.02 - exact)
    assert f"{forward:.0e}" == "4e-03" and f"{central:.0e}" == "9e-06"
    assert 400 < forward / central < 500
    text = output(notebook, "central-code")
    assert f"off by {forward:.1e}" in text and f"off by {central:.1e}" in text


def test_the_h_slider_goes_from_1_down_to_0_01():
    lo, hi, _ = tg.H_LOG_RANGE
    assert (10**lo, 10**hi) == (0.01, 1.0)
    assert tg.START_H == 1.0


def test_relu_secant_at_the_kink_stays_1_and_from_the_left_is_0():
    for h in (1.0, 0.1, 0.01):
        assert tg.secant_slope("relu", 0.0, h) == 1.0
        assert tg.FUNCTIONS["relu"].f(0.0) - tg.FUNCTIONS["relu"].f(-h) == 0.0


# --------------------------------------------------------------------------- 3 · chain rule
def test_chain_rule_numbers_first(notebook):
    x, nudge = 1.0, 0.001
    u, y = 3 * x + 1, (3 * x + 1) ** 2
    assert (u, y) == (4.0, 16.0)
    u_new = 3 * (x + nudge) + 1
    assert u_new == pytest.approx(4.003)
    assert u_new**2 == pytest.approx(16.024009, abs=1e-12)
    assert 2 * u == 8.0 and 3 * 8 == 24 and 2 * 4 * 3 == 24
    assert (u_new**2 - y) / nudge == pytest.approx(24.009, abs=1e-9)
    text = output(notebook, "chain-numbers")
    assert "u moves 3.0000 times the nudge, y moves 8.0030 times as much as u" in text
    assert "so y moves 24.0090 times the nudge of x" in text


def test_chain_rule_through_a_neuron(notebook):
    x, y, w, b = 2.0, 1.0, 0.5, -0.5
    z = w * x + b
    a = float(sigmoid(z))
    links = 2 * (a - y), float(sigmoid_derivative(z)), x
    assert z == 0.5
    assert f"{a:.4f}" == "0.6225" and f"{(a - y) ** 2:.4f}" == "0.1425"
    assert [f"{v:.4f}" for v in links[:2]] == ["-0.7551", "0.2350"]
    slope = links[0] * links[1] * links[2]
    assert f"{slope:.4f}" == "-0.3549"
    assert f"{-0.7551 * 0.2350 * 2:.4f}" == "-0.3549"  # the rounded links give it too

    def loss(v):
        return (float(sigmoid(v * x + b)) - y) ** 2

    numeric = (loss(w + 1e-6) - loss(w - 1e-6)) / 2e-6
    assert numeric == pytest.approx(slope, rel=1e-7)
    assert loss(w + 0.01) < loss(w)  # negative slope: a larger w, a smaller loss
    text = output(notebook, "chain-neuron")
    assert "chain rule:          dL/dw = -0.3549" in text
    assert "central difference:  dL/dw = -0.3549" in text


# --------------------------------------------------------------------------- 4 · shapes
def test_the_small_batch_and_its_first_entry(notebook):
    code = source(notebook, "shapes-code")
    namespace = {"np": np}
    exec(code.split("try:")[0], namespace)  # the arrays as the lesson defines them
    X, W, b, Z = (namespace[k] for k in "XWbZ")
    assert X.shape == (4, 3) and W.shape == (3, 2) and b.shape == (2,) and Z.shape == (4, 2)
    assert Z[0, 0] == 1 * 1 + 2 * 0 + 0 * 3 + 0.5 == 1.5
    with pytest.raises(ValueError):
        W @ X
    assert "W @ X fails: the inner sizes 2 and 4 differ" in output(notebook, "shapes-code")


def test_check_yourself_shapes():
    X, W, b = np.zeros((32, 64)), np.zeros((64, 10)), np.zeros(10)
    assert (X @ W + b).shape == (32, 10)


# --------------------------------------------------------------------------- 5 · exp and log
def test_e_and_the_product_that_underflows(notebook):
    assert f"{math.e:.3f}" == "2.718"
    exponent = 1100 * math.log10(0.5)
    assert f"{10 ** (exponent - math.floor(exponent)):.0f}" == "7"
    assert math.floor(exponent) == -332
    smallest = np.nextafter(0.0, 1.0)
    assert f"{smallest:.0e}" == "5e-324" and smallest > 0.5**1100 and 0.5**1100 == 0.0
    assert f"{1100 * math.log(0.5):.4f}" == "-762.4619"
    text = output(notebook, "explog-code")
    assert "product of the probabilities: 0.0" in text
    assert "sum of their logs: -762.4619" in text


@pytest.mark.parametrize(("p", "shown"), [(0.9, "0.1054"), (0.5, "0.6931"), (0.01, "4.6052"),
                                          (0.99, "0.0101")])
def test_minus_log_of_a_probability(p, shown):
    assert f"{-math.log(p):.4f}" == shown


# --------------------------------------------------------------------------- 6 · expectation
def test_the_die(notebook):
    assert sum(range(1, 7)) / 6 == 3.5
    rng = np.random.default_rng(0)  # as the lesson draws them: one rng, 10, 100, 10 000 rolls
    errors = [abs(rng.integers(1, 7, size=m).mean() - 3.5) for m in (10, 100, 10_000)]
    assert errors[0] > 0.5 and errors[2] < 0.01  # far off, then close
    assert "expected value: 3.5000" in output(notebook, "mean-code")
    assert "mean of  10000 rolls: 3.5053" in output(notebook, "mean-code")


# --------------------------------------------------------------------------- check yourself
def test_check_yourself_cube_and_sigmoid():
    assert 3 * 2.0**2 == 12.0
    assert f"{(2.1**3 - 2**3) / 0.1:.2f}" == "12.61"
    assert f"{(2.1**3 - 1.9**3) / 0.2:.2f}" == "12.01"
    assert float(sigmoid_derivative(0.0)) == 0.25
    z = 1e-6  # σ(2x) at x = 0 has the slope 0.25 · 2 = 0.5
    assert (float(sigmoid(2 * z)) - float(sigmoid(-2 * z))) / (2 * z) == pytest.approx(0.5)
