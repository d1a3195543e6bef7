"""nnedu.widgets.tangent (lesson 00a): the three slopes, the readout, the still plot and the
secant-to-tangent explorer."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.widgets import tangent as tg

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# ----------------------------------------------------------------------------- the slopes
@pytest.mark.parametrize("name", sorted(tg.FUNCTIONS))
@pytest.mark.parametrize("x0", [-2.3, -0.7, 0.4, 1.0, 2.5])
def test_each_curve_derivative_is_its_slope(name, x0):
    curve = tg.FUNCTIONS[name]
    numeric = numerical_gradient(lambda v: float(curve.f(v[0])), np.array([x0]))
    assert relative_error(numeric, np.array([tg.tangent_slope(name, x0)])) < 1e-7


@pytest.mark.parametrize("x0", [-2.0, 0.0, 1.0, 2.5])
@pytest.mark.parametrize("h", [1.0, 0.1, 0.01])
def test_parabola_secant_is_off_by_exactly_h_and_central_difference_is_exact(x0, h):
    # The lesson: ((x0 + h)² − x0²) / h = 2 x0 + h; the central difference gives 2 x0.
    assert tg.secant_slope("square", x0, h) == pytest.approx(2 * x0 + h, abs=1e-9)
    assert tg.central_slope("square", x0, h) == pytest.approx(2 * x0, abs=1e-9)
    assert tg.tangent_slope("square", x0) == 2 * x0


@pytest.mark.parametrize("name", ["sin", "sigmoid", "exp"])
def test_errors_shrink_like_h_and_h_squared(name):
    x0 = 0.7
    exact = tg.tangent_slope(name, x0)
    forward = [abs(tg.secant_slope(name, x0, h) - exact) for h in (0.1, 0.01)]
    central = [abs(tg.central_slope(name, x0, h) - exact) for h in (0.1, 0.01)]
    assert 7 < forward[0] / forward[1] < 13  # ten times smaller h: ten times smaller error
    assert 70 < central[0] / central[1] < 130  # … a hundred times smaller error
    assert central[1] < forward[1] / 100


def test_relu_at_its_kink_secant_slope_stays_1_and_the_library_says_0():
    for h in (1.0, 0.1, 0.01):
        assert tg.secant_slope("relu", 0.0, h) == 1.0
        assert tg.central_slope("relu", 0.0, h) == 0.5
    assert tg.tangent_slope("relu", 0.0) == 0.0


@pytest.mark.parametrize("bad", [0.0, -0.1, "0.1", True, None])
def test_bad_step_gets_a_clear_error(bad):
    with pytest.raises(ValueError, match="positive number"):
        tg.secant_slope("square", 1.0, bad)


def test_unknown_curve_gets_a_clear_error():
    with pytest.raises(ValueError, match="unknown curve 'cube'. Choose one of square"):
        tg.tangent_slope("cube", 1.0)


# ----------------------------------------------------------------------------- readout
def test_readout_examples():
    assert tg.tangent_readout("square", 1.0, 1.0) == (
        "x² at x₀ = 1.00 with h = 1: secant slope (f(x₀+h) − f(x₀))/h = 3.0000, tangent slope "
        "f′(x₀) = 2.0000, off by 1. Central difference (f(x₀+h) − f(x₀−h))/(2h) = 2.0000, "
        "off by 0.")
    text = tg.tangent_readout("exp", 2.0, 0.01)
    assert "secant slope (f(x₀+h) − f(x₀))/h = 7.4261" in text
    assert "f′(x₀) = 7.3891, off by 0.037" in text
    assert text.endswith("= 7.3892, off by 1.2e-04.")
    assert "<" not in text  # plain text: the HTML readout shows it as is


def test_readout_explains_the_kink_of_relu():
    assert tg.tangent_readout("relu", 0.0, 0.1).endswith(
        "ReLU has a kink at 0: no single tangent there (nnedu takes slope 0).")
    assert "kink" not in tg.tangent_readout("relu", 0.5, 0.1)


# ----------------------------------------------------------------------------- still plot
def test_plot_secants_draws_curve_secants_and_tangent():
    ax = tg.plot_secants("square", 1.0, hs=(1.5, 1.0, 0.5))
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["f(x) = x²", "secant, h = 1.5: slope 3.50", "secant, h = 1: slope 3.00",
                      "secant, h = 0.5: slope 2.50", "tangent: slope f′(1) = 2.00"]
    assert ax.get_title() and ax.get_xlabel() == "x"


# ----------------------------------------------------------------------------- explorer
def test_explorer_starts_with_the_parabola_at_1_and_h_1():
    explorer = tg.tangent_explorer()
    assert set(explorer.controls) == {"name", "x0", "h"}
    assert explorer.values() == {"name": "square", "x0": 1.0, "h": 1.0}
    assert explorer.readout.value == tg.tangent_readout("square", 1.0, 1.0)
    assert explorer.picture[:8] == b"\x89PNG\r\n\x1a\n"


def test_explorer_updates_readout_and_picture_when_controls_move():
    explorer = tg.tangent_explorer()
    start = explorer.picture
    explorer.set(h=0.1)
    assert explorer.readout.value == tg.tangent_readout("square", 1.0, 0.1)
    smaller_h = explorer.picture
    assert smaller_h != start
    explorer.set(x0=-1.5)
    assert explorer.readout.value == tg.tangent_readout("square", -1.5, 0.1)
    assert explorer.picture not in (start, smaller_h)
    explorer.set(name="sigmoid")
    assert explorer.readout.value == tg.tangent_readout("sigmoid", -1.5, 0.1)
    assert explorer.ax.get_ylim() == tg.FUNCTIONS["sigmoid"].ylim


def test_explorer_artists_show_the_secant_and_the_tangent():
    explorer = tg.tangent_explorer()
    explorer.set(name="exp", x0=0.5, h=0.5)
    x, y = explorer.secant.get_data()
    slope = (y[-1] - y[0]) / (x[-1] - x[0])
    assert slope == pytest.approx(tg.secant_slope("exp", 0.5, 0.5))
    x, y = explorer.tangent.get_data()
    assert (y[-1] - y[0]) / (x[-1] - x[0]) == pytest.approx(np.exp(0.5))
    assert explorer.point.get_data()[0][0] == 0.5
    assert explorer.other.get_data()[0][0] == 1.0
    assert "secant slope" in explorer.numbers.get_text()


def test_explorer_picture_is_the_same_after_a_round_trip():
    """The cached background is right: coming back to a setting gives the same picture."""
    explorer = tg.tangent_explorer()
    first = explorer.picture
    explorer.set(name="sin", x0=0.3)
    explorer.set(name="square", x0=1.0)
    assert explorer.picture == first
    assert explorer.render_png({"name": "sin", "x0": 0.3}) != first


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"name": "cube"}, "unknown curve"),
    ({"x0": 3.0}, "x0 must be between"),
    ({"h": 2.0}, "h must be between"),
    ({"h": 0.0}, "positive number"),
])
def test_explorer_refuses_values_outside_the_controls(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tg.tangent_explorer(**kwargs)


def test_importing_the_module_does_not_import_matplotlib_or_ipywidgets():
    code = ("import sys, nnedu.widgets.tangent; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_curve_shown_again_pastes_its_kept_background_and_looks_the_same():
    walked = tg.tangent_explorer()
    for name in ("sin", "exp", "relu", "sin"):
        walked.set(name=name, x0=0.4)
    assert set(walked.backgrounds) == {"square", "sin", "exp", "relu"}
    fresh = tg.tangent_explorer("sin", x0=0.4)
    assert walked.picture == fresh.picture
