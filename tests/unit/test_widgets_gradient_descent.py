"""nnedu.widgets.gradient_descent (lesson 05): the update rule, the divergence threshold, the
readout of the explorer, the regression data, the plots and the explorer widget."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from nnedu import losses
from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.widgets import gradient_descent as gd
from nnedu.widgets import gradient_descent_figures as gdf

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def bowl_closed_form(lr: float, steps: int) -> tuple[float, float]:
    """Where gradient descent on ½(w1² + 10 w2²) is after ``steps`` steps from (−4, 1.5):
    each coordinate is multiplied by (1 − η c) per step."""
    return -4.0 * (1 - lr) ** steps, 1.5 * (1 - 10 * lr) ** steps


# ----------------------------------------------------------------------------- 1-D loss
def test_1d_loss_has_its_minimum_1_at_w_3():
    assert gd.loss_1d(3.0) == 1.0
    assert gd.slope_1d(3.0) == 0.0
    w = np.linspace(-5, 10, 301)
    assert np.all(gd.loss_1d(w) >= 1.0)
    assert w[np.argmin(gd.loss_1d(w))] == pytest.approx(3.0)


@pytest.mark.parametrize("w", [-1.0, 0.0, 2.5, 7.0])
def test_1d_slope_is_the_derivative_of_the_loss(w):
    numeric = numerical_gradient(lambda v: float(gd.loss_1d(v[0])), np.array([w]))
    assert relative_error(numeric, np.array([gd.slope_1d(w)])) < 1e-7


def test_one_step_is_w_minus_lr_times_gradient():
    # The lesson's first check-yourself question: gradient +4, η = 0.1 → w moves by −0.4.
    path = gd.gradient_descent(lambda w: 4.0, start=1.0, lr=0.1, steps=1)
    assert path.shape == (2,)
    assert path[1] - path[0] == pytest.approx(-0.4)


@pytest.mark.parametrize("lr", [0.02, 0.1, 0.3, 0.9, 1.05])
def test_1d_path_shrinks_the_distance_by_1_minus_2_lr(lr):
    path = gd.gradient_descent(gd.slope_1d, start=-1.0, lr=lr, steps=12)
    assert path.shape == (13,)
    expected = 3.0 + (1 - 2 * lr) ** np.arange(13) * (-1.0 - 3.0)
    np.testing.assert_allclose(path, expected, rtol=1e-12)


def test_curvature_and_threshold_of_the_1d_loss():
    # The lesson says: curvature 2, smooth below 1/c = 0.5, diverges above 2/c = 1.
    for w in (-3.0, 0.0, 3.0, 8.0):
        assert gd.second_derivative(gd.loss_1d, w) == pytest.approx(2.0, rel=1e-6)
    assert gd.largest_stable_lr(2.0) == 1.0
    assert 1 / gd.second_derivative(gd.loss_1d, 0.0) == pytest.approx(0.5, rel=1e-6)


@pytest.mark.parametrize("lr, converges", [(0.3, True), (0.99, True), (1.01, False), (1.5, False)])
def test_1d_runs_converge_below_the_threshold_and_diverge_above(lr, converges):
    distance = np.abs(gd.gradient_descent(gd.slope_1d, -1.0, lr, 1000) - 3.0)
    if converges:
        assert distance[-1] < 1e-3 * distance[0]
        assert np.all(np.diff(distance[:30]) < 0)  # closer on every step (until rounding)
    else:
        assert distance[-1] > 1e3 * distance[0]
        assert np.all(np.diff(distance) > 0)  # farther away on every single step


def test_largest_stable_lr_is_set_by_the_steepest_direction():
    assert gd.largest_stable_lr([1.0, 10.0]) == pytest.approx(0.2)
    assert gd.largest_stable_lr([0.5, 50.0]) == pytest.approx(0.04)  # check-yourself question 2
    assert 1 - 0.04 * 0.5 == pytest.approx(0.98)  # … and the flat direction's factor there
    with pytest.raises(ValueError, match="largest_stable_lr"):
        gd.largest_stable_lr([1.0, -2.0])
    with pytest.raises(ValueError, match="largest_stable_lr"):
        gd.largest_stable_lr([])


# ----------------------------------------------------------------------------- 2-D bowl
def test_bowl_has_curvatures_1_and_10_and_limit_0_2():
    along_w1 = gd.second_derivative(lambda s: gd.bowl_loss(np.array([s, 0.0])), 0.3)
    along_w2 = gd.second_derivative(lambda s: gd.bowl_loss(np.array([0.0, s])), -0.7)
    assert (along_w1, along_w2) == (pytest.approx(1.0, rel=1e-6), pytest.approx(10.0, rel=1e-6))
    assert gd.BOWL_CURVATURES == (1.0, 10.0)
    assert gd.BOWL_START == (-4.0, 1.5)  # the start the lesson quotes for the explorer
    assert gd.largest_stable_lr(gd.BOWL_CURVATURES) == pytest.approx(0.2)


def test_bowl_gradient_is_the_gradient_of_the_bowl_loss():
    w = np.array([-1.3, 0.45])
    numeric = numerical_gradient(lambda v: float(gd.bowl_loss(v)), w)
    assert relative_error(numeric, gd.bowl_gradient(w)) < 1e-7


def test_bowl_loss_works_on_a_whole_grid():
    w1, w2 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 3))
    grid = gd.bowl_loss(np.stack([w1, w2], axis=-1))
    assert grid.shape == (3, 5)
    assert grid[1, 2] == 0.0
    np.testing.assert_allclose(grid, 0.5 * (w1**2 + 10 * w2**2))


@pytest.mark.parametrize("lr", [0.02, 0.09, 0.18, 0.21])
def test_bowl_path_matches_the_closed_form(lr):
    path = gd.bowl_path(lr, 30)
    assert path.shape == (31, 2)
    np.testing.assert_allclose(path[0], gd.BOWL_START)
    np.testing.assert_allclose(path[-1], bowl_closed_form(lr, 30), rtol=1e-10, atol=1e-14)


def test_diverging_bowl_run_overflows_quietly():
    with np.errstate(all="raise"):  # any warning would be an error here
        path = gd.bowl_path(1.0, 400)
    assert not np.isfinite(gd.bowl_loss(path[-1]))
    assert gd.format_loss(gd.bowl_loss(path[-1])) == "inf"


# ----------------------------------------------------------------------------- readout
@pytest.mark.parametrize(
    "lr, status",
    [(0.001, "converging"), (0.0999, "converging"), (0.1, "converging"),
     (0.1001, "converging, zigzag"), (0.1995, "converging, zigzag"), (0.2, "stuck oscillating"),
     (0.2001, "diverging"), (1.0, "diverging")],
)
def test_run_status_follows_1_over_c_and_2_over_c(lr, status):
    assert gd.run_status(lr) == status


def test_run_status_matches_what_the_path_does():
    for exponent in np.arange(-3.0, 0.05, 0.1):
        lr = 10.0**exponent
        w2 = gd.bowl_path(lr, 60)[:, 1]
        grows = abs(w2[-1]) > abs(w2[0])
        flips = np.sign(w2[1]) * np.sign(w2[0]) < 0  # jumped over the minimum
        status = gd.run_status(lr)
        assert grows == (status == "diverging"), lr
        assert flips == (status != "converging"), lr
    # η = 1/c_max exactly: the steep coordinate lands on the minimum in one step, no overshoot.
    assert gd.bowl_path(0.1, 1)[1, 1] == 0.0 and gd.run_status(0.1) == "converging"


@pytest.mark.parametrize(
    "value, text",
    [(0.0123, "0.0123"), (19.25, "19.2500"), (0.0, "0.0000"), (3.4e5, "3.40e+05"),
     (1.2e-7, "1.20e-07"), (float("inf"), "inf"), (9999.0, "9999.0000")],
)
def test_format_loss(value, text):
    assert gd.format_loss(value) == text


@pytest.mark.parametrize("lr, steps", [(10**-1.3, 20), (0.15, 20), (0.05, 1), (10**-0.6, 25)])
def test_explorer_readout_reports_the_loss_of_the_path(lr, steps):
    w1, w2 = bowl_closed_form(lr, steps)
    loss = 0.5 * (w1**2 + 10 * w2**2)
    text = gd.explorer_readout(lr, steps)
    word = "step" if steps == 1 else "steps"
    if lr > 0.2:
        assert text.startswith(f"diverging: loss {loss:.2e} after {steps} {word}.")
        assert "is above 2/c_max = 0.2: every step lands farther away." in text
    else:
        assert text.startswith(f"after {steps} {word}: loss {loss:.4f} (")
        assert f"({gd.run_status(lr)})." in text
        assert f"η = {lr:.4g}" in text


def test_explorer_readout_examples():
    assert gd.explorer_readout(0.15, 20) == (
        f"after 20 steps: loss {0.5 * (16 * 0.85**40 + 10 * 2.25 * 0.25**20):.4f} "
        "(converging, zigzag). η = 0.15 is between 1/c_max = 0.1 and 2/c_max = 0.2: "
        "the steep direction jumps over the minimum, but closer each time."
    )
    assert gd.explorer_readout(0.05, 1) == (
        f"after 1 step: loss {0.5 * (16 * 0.95**2 + 10 * 2.25 * 0.5**2):.4f} (converging). "
        "η = 0.05 ≤ 1/c_max = 0.1: no step jumps over the minimum."
    )
    # η = 2/c_max: w2 flips between +1.5 and −1.5 for ever, w1 still shrinks by 0.8 per step.
    assert gd.explorer_readout(0.2, 3) == (
        f"after 3 steps: loss {0.5 * (16 * 0.8**6 + 10 * 2.25):.4f} (stuck oscillating). "
        "η = 0.2 = 2/c_max: the steep direction jumps back and forth forever, never closer."
    )
    assert gd.explorer_readout(0.5, 10).startswith("diverging: loss ")
    assert "<" not in gd.explorer_readout(0.5, 10)  # plain text: the HTML readout shows it as is


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_positive(bad):
    with pytest.raises(ValueError, match="gradient_descent: the learning rate"):
        gd.gradient_descent(gd.slope_1d, 0.0, bad, 3)
    with pytest.raises(ValueError, match="run_status"):
        gd.run_status(bad)


def test_bad_types_and_step_counts_are_explained():
    with pytest.raises(TypeError, match="must be a number"):
        gd.gradient_descent(gd.slope_1d, 0.0, "0.1", 3)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        gd.gradient_descent(gd.slope_1d, 0.0, 0.1, -1)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        gd.explorer_readout(0.1, 2.5)


# ----------------------------------------------------------------------------- regression data
def test_line_data_is_seeded_and_close_to_y_2x_plus_1():
    X, y = gd.line_data(n=64, noise=0.5, seed=0)
    X2, y2 = gd.line_data(n=64, noise=0.5, seed=0)
    assert X.shape == y.shape == (64, 1)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(y, gd.line_data(n=64, noise=0.5, seed=1)[1])
    assert X.min() >= 0.0 and X.max() <= 2.0
    w, b = np.linalg.lstsq(np.column_stack([X[:, 0], np.ones(64)]), y[:, 0], rcond=None)[0]
    assert abs(w - 2.0) < 0.3 and abs(b - 1.0) < 0.3
    X0, y0 = gd.line_data(n=10, noise=0.0)
    np.testing.assert_allclose(y0, 2 * X0 + 1)


def test_line_data_refuses_bad_arguments():
    with pytest.raises(ValueError, match="line_data: n"):
        gd.line_data(n=1)
    with pytest.raises(ValueError, match="line_data: noise"):
        gd.line_data(noise=-1.0)


def test_iterations_per_epoch_quoted_in_the_lesson():
    n = len(gd.line_data()[0])
    assert [math.ceil(n / B) for B in (n, 16, 1)] == [1, 4, 64]
    assert math.ceil(1000 / 50) == 20 and 5 * math.ceil(1000 / 50) == 100  # question 4


def test_mse_surface_agrees_with_nnedu_losses_mse():
    X, y = gd.line_data(n=20, seed=3)
    W, B = np.meshgrid([-1.0, 0.5, 2.0], [0.0, 1.0])
    surface = gd.mse_surface(W, B, X, y)
    assert surface.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert surface[i, j] == pytest.approx(losses.mse(W[i, j] * X + B[i, j], y))


def test_lesson_gradient_formulas_are_the_gradient_of_the_mse_surface():
    X, y = gd.line_data(n=30, seed=2)
    x, t = X[:, 0], y[:, 0]
    w, b = -0.7, 1.9
    error = w * x + b - t
    formula = np.array([2 * np.mean(error * x), 2 * np.mean(error)])
    numeric = numerical_gradient(lambda v: float(gd.mse_surface(v[0], v[1], X, y)),
                                 np.array([w, b]))
    assert relative_error(numeric, formula) < 1e-7


# ----------------------------------------------------------------------------- plots
def test_explorer_figure_shows_the_path_and_the_loss_per_step():
    explorer = gd.gradient_descent_explorer()
    explorer.set(lr=0.05, steps=20)
    path = gd.bowl_path(0.05, 20)
    np.testing.assert_allclose(explorer.path.get_xydata(), path)
    assert "converging" in explorer.head.get_text()
    assert explorer.right.get_yscale() == "log"
    np.testing.assert_allclose(explorer.loss.get_ydata(), gd.bowl_loss(path))
    assert explorer.right.get_xlabel() and explorer.right.get_ylabel()


def test_diverging_path_stops_where_it_leaves_the_picture():
    # Issue 11: the clipped zigzags of a diverging run looked like a barcode.
    explorer = gd.gradient_descent_explorer()
    explorer.set(lr=0.3, steps=10)
    path = gd.bowl_path(0.3, 10)
    drawn = explorer.path.get_xydata()
    inside = [gd._in_view(point) for point in path]
    first_out = inside.index(False)
    np.testing.assert_allclose(drawn, path[: first_out + 1])
    assert explorer.leaves.get_text() == f"the path leaves the picture at step {first_out}"
    assert "diverging" in explorer.head.get_text()
    explorer.set(lr=0.05)
    assert not explorer.leaves.get_visible()


def test_inside_view_keeps_a_path_that_stays_in():
    path = gd.bowl_path(0.05, 30)
    np.testing.assert_array_equal(gd.inside_view(path), path)


def test_lesson_figures_are_labelled():
    import matplotlib.pyplot as plt

    ax = gdf.plot_descent_1d(gd.gradient_descent(gd.slope_1d, -1.0, 0.1, 8), title="t")
    assert ax.get_xlabel() == "weight $w$" and ax.get_legend() is not None
    tangents = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(tangents) == 4
    ax = gdf.plot_distance_per_step({"a": np.array([1.0, 2.0]), "b": np.array([4.0, 3.5])})
    assert len(ax.get_lines()) == 2 and ax.get_yscale() == "log"
    W, B = np.meshgrid(np.linspace(0, 3, 20), np.linspace(0, 2, 20))
    X, y = gd.line_data(n=16)
    paths = {"short": np.array([[0.5, 0.5], [1.0, 1.0]]),
             "long": np.tile([[1.0, 1.0]], (300, 1))}
    fig, ax = plt.subplots()
    gdf.plot_paths_on_contours((W, B, gd.mse_surface(W, B, X, y)), paths, best=(2, 1), ax=ax)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["short", "long", "start", "minimum"]
    short, long = ax.get_lines()[:2]
    assert short.get_zorder() > long.get_zorder()  # the noisy long path goes underneath


# ----------------------------------------------------------------------------- the widget
def test_explorer_updates_readout_and_plot_when_sliders_move():
    explorer = gd.GradientDescentExplorer()
    lr, steps = explorer.controls["lr"], explorer.controls["steps"]
    assert lr.value == pytest.approx(10**gd.START_LR_EXPONENT)
    assert explorer.readout.value == gd.explorer_readout(lr.value, gd.START_STEPS)
    assert "nnedu-readout" in explorer.readout._dom_classes
    steps.value = 35
    assert explorer.readout.value == gd.explorer_readout(lr.value, 35)
    lr.value = 10**-0.6
    assert explorer.readout.value.startswith("diverging: loss ")
    shown_lr = explorer.values()["lr"]  # what the slider shows, 6 decimals
    assert shown_lr == pytest.approx(10**-0.6, abs=1e-6)
    np.testing.assert_allclose(explorer.loss.get_ydata(),
                               gd.bowl_loss(gd.bowl_path(shown_lr, 35)))


def test_slider_ranges_match_the_lesson():
    # The lesson says the learning-rate slider goes from 0.001 to 1 on a log scale.
    explorer = gd.GradientDescentExplorer()
    lr, steps = explorer.controls["lr"], explorer.controls["steps"]
    assert (lr.min, lr.max, lr.base) == (-3.0, 0.0, 10.0)
    assert 10**lr.min == pytest.approx(0.001) and 10**lr.max == 1.0
    assert lr.description == "learning rate"
    assert steps.description == "steps"
    assert (steps.min, steps.max) == gd.STEPS_RANGE[:2]


def test_explorer_refuses_values_outside_the_sliders():
    with pytest.raises(ValueError, match="lr_exponent"):
        gd.gradient_descent_explorer(lr_exponent=1.0)
    with pytest.raises(ValueError, match="steps must be a whole number from 1 to 100"):
        gd.gradient_descent_explorer(steps=0)


def test_explorer_function_starts_with_twenty_steps():
    explorer = gd.gradient_descent_explorer()
    assert explorer.readout.value.startswith("after 20 steps: loss ")


def test_importing_the_module_loads_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, nnedu.widgets.gradient_descent; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
