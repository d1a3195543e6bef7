"""nnedu.widgets.weighted_sum: lesson 01's data, step neuron, geometry, plots and explorer.

Also checks the claims lesson 01's text makes about its numbers (the first guess is not
perfect, the check-yourself answers).
"""

import subprocess
import sys

import matplotlib.pyplot as plt  # the Agg backend: tests/conftest.py sets MPLBACKEND
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nnedu.neuron import Neuron
from nnedu.widgets import weighted_sum as ws

slider_values = st.floats(-3.0, 3.0, allow_nan=False).map(lambda v: round(v, 1))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data():
    return ws.two_blobs()


def manual_count(X, y, w1, w2, b):
    """The count written out point by point, independent of the module's vector code."""
    right = 0
    for (x1, x2), label in zip(X, y):
        z = w1 * x1 + w2 * x2 + b
        right += int((1 if z >= 0 else 0) == label)
    return right


# ----------------------------------------------------------------------------- data

def test_two_blobs_shapes_labels_and_types(data):
    X, y = data
    assert X.shape == (20, 2) and X.dtype == np.float64
    assert y.shape == (20,) and y.dtype == np.int64
    assert y[:10].tolist() == [0] * 10 and y[10:].tolist() == [1] * 10


def test_two_blobs_is_seeded_bit_for_bit():
    X1, y1 = ws.two_blobs(7, seed=3)
    X2, y2 = ws.two_blobs(7, seed=3)
    X3, _ = ws.two_blobs(7, seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_two_blobs_clouds_sit_around_their_centres():
    X, y = ws.two_blobs(2000, seed=1)
    for k, centre in enumerate(ws.BLOB_CENTRES):
        assert np.allclose(X[y == k].mean(axis=0), centre, atol=0.06)
        assert np.allclose(X[y == k].std(axis=0), ws.BLOB_SPREAD, atol=0.05)


def test_two_blobs_matches_the_lessons_plain_numpy_recipe(data):
    # The lesson builds its points with this code; the explorer must show the same points.
    rng = np.random.default_rng(0)
    centres = np.array([[-1.0, -0.5], [1.0, 1.0]])
    X = np.vstack([c + 0.7 * rng.standard_normal((10, 2)) for c in centres])
    assert np.array_equal(X, data[0])


@pytest.mark.parametrize("bad", [0, -3])
def test_two_blobs_rejects_too_few_points(bad):
    with pytest.raises(ValueError, match="two_blobs: n_per_class must be at least 1"):
        ws.two_blobs(bad)


@pytest.mark.parametrize("bad", [2.5, "10", True])
def test_two_blobs_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="two_blobs: n_per_class must be a whole number"):
        ws.two_blobs(bad)


# ----------------------------------------------------------------------------- the neuron

def test_weighted_sums_is_w_dot_x_plus_b(data):
    X, _ = data
    z = ws.weighted_sums(X, 0.7, -1.3, 0.25)
    expected = [0.7 * x1 - 1.3 * x2 + 0.25 for x1, x2 in X]
    assert z.shape == (20,)
    assert np.allclose(z, expected)
    assert np.allclose(z, Neuron([0.7, -1.3], 0.25).weighted_sum(X))


def test_weighted_sums_explains_a_wrong_shape():
    with pytest.raises(ValueError, match=r"weighted_sums: expected points X of shape"):
        ws.weighted_sums(np.zeros((4, 3)), 1.0, 1.0, 0.0)


def test_step_is_one_from_zero_up():
    assert ws.step(np.array([-2.0, -1e-12, 0.0, 1e-12, 5.0])).tolist() == [0, 0, 1, 1, 1]


@given(slider_values, slider_values, slider_values)
def test_count_correct_agrees_with_a_point_by_point_count(w1, w2, b):
    X, y = ws.two_blobs()
    assert ws.count_correct(X, y, w1, w2, b) == manual_count(X, y, w1, w2, b)


@given(slider_values, slider_values, slider_values)
def test_flipping_every_sign_flips_every_answer(w1, w2, b):
    # Check-yourself question 4: the count becomes (number of points - old count).
    X, y = ws.two_blobs()
    assume(np.all(ws.weighted_sums(X, w1, w2, b) != 0))  # no point exactly on the line
    assert ws.count_correct(X, y, -w1, -w2, -b) == len(y) - ws.count_correct(X, y, w1, w2, b)


def test_count_correct_explains_mismatched_labels(data):
    X, y = data
    with pytest.raises(ValueError, match="count_correct: expected one label per point"):
        ws.count_correct(X, y[:5], 1.0, 1.0, 0.0)


def test_readout_text():
    assert ws.readout_text(17, 20) == "17 of 20 points classified correctly"


def test_the_data_can_be_separated_by_one_line(data):
    X, y = data
    assert ws.count_correct(X, y, 3.0, 1.2, -0.9) == len(y)


# ----------------------------------------------------------------------------- geometry

@pytest.mark.parametrize("w1, w2, b", [(1.0, -1.0, 0.0), (3.0, 0.4, -1.0), (0.0, 2.0, 1.0),
                                       (-2.0, 0.0, 0.5), (0.1, 0.2, -3.9)])
def test_boundary_segment_lies_on_the_line_and_spans_the_box(w1, w2, b):
    x1, x2 = ws.boundary_segment(w1, w2, b, (-3.0, 3.0), (-2.0, 4.0))
    assert np.allclose(w1 * x1 + w2 * x2 + b, 0.0)
    assert x1[0] != x1[1] or x2[0] != x2[1]
    spans_x = np.allclose(sorted(x1), [-3.0, 3.0])
    spans_y = np.allclose(sorted(x2), [-2.0, 4.0])
    assert spans_x or spans_y


def test_boundary_segment_is_none_without_weights():
    assert ws.boundary_segment(0.0, 0.0, 1.0, (-1, 1), (-1, 1)) is None


@given(slider_values, slider_values, slider_values,
       st.tuples(st.floats(-5, 5), st.floats(-5, 5)))
def test_closest_point_is_on_the_line_and_reached_along_w(w1, w2, b, point):
    assume(abs(w1) + abs(w2) > 0.05)
    p = ws.closest_point_on_line(w1, w2, b, point)
    w = np.array([w1, w2])
    assert np.isclose(w @ p + b, 0.0, atol=1e-9)
    step_to_line = np.asarray(point) - p
    # perpendicular to the line means parallel to w: the 2-D cross product is zero
    assert np.isclose(step_to_line[0] * w[1] - step_to_line[1] * w[0], 0.0, atol=1e-9)


def test_boundary_equation_uses_real_minus_signs():
    assert ws.boundary_equation(1.0, -1.0, 0.0) == "1.00·x1 − 1.00·x2 + 0.00 = 0"
    assert ws.boundary_equation(-0.5, 2.0, -3.25) == "−0.50·x1 + 2.00·x2 − 3.25 = 0"


# ----------------------------------------------------------------------------- plots

def _scatter_with_label(ax, start):
    return next(c for c in ax.collections if c.get_label().startswith(start))


@pytest.mark.parametrize("w1, w2, b", [(1.0, -1.0, 0.0), (1.0, 1.0, 0.5), (3.0, 1.2, -0.9)])
def test_plot_boundary_rings_exactly_the_misclassified_points(data, w1, w2, b):
    X, y = data
    ax = ws.plot_boundary(X, y, w1, w2, b)
    wrong = len(y) - ws.count_correct(X, y, w1, w2, b)
    rings = _scatter_with_label(ax, "misclassified")
    assert rings.get_label() == f"misclassified ({wrong})"
    ringed = rings.get_offsets()
    assert len(ringed) == wrong
    for point in np.asarray(ringed):
        row = np.flatnonzero(np.all(X == point, axis=1))[0]
        assert ws.predict(X[row:row + 1], w1, w2, b)[0] != y[row]


def test_plot_boundary_draws_the_line_and_titles_it(data):
    X, y = data
    ax = ws.plot_boundary(X, y, 1.0, -1.0, 0.0)
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "decision line z = 0"]
    x1, x2 = line.get_data()
    assert np.allclose(x1 - x2, 0.0)
    assert ax.get_title() == "1.00·x1 − 1.00·x2 + 0.00 = 0"
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "direction of w = (w1, w2)" in labels and "class 0" in labels


def test_plot_boundary_without_weights_says_there_is_no_line(data):
    X, y = data
    ax = ws.plot_boundary(X, y, 0.0, 0.0, 1.0)
    assert not [ln for ln in ax.get_lines()
                if ln.get_label() == "decision line z = 0" and ln.get_visible()]
    assert ax.get_title() == "w = (0, 0): no line, z = 1.00 at every point"
    assert _scatter_with_label(ax, "misclassified").get_label() == "misclassified (10)"


def test_plot_boundary_says_when_the_line_is_out_of_view(data):
    X, y = data
    ax = ws.plot_boundary(X, y, 0.1, 0.2, -3.9)
    assert ax.get_title().endswith("(the line is out of view)")


def test_plot_bias_shift_marks_where_z_is_zero():
    fig = ws.plot_bias_shift(w=1.5, biases=(-2.0, 0.0, 2.0))
    ax_z, ax_a = fig.axes
    labels = [t.get_text() for t in ax_z.get_legend().get_texts()]
    assert labels == ["b = -2.0: z = 0 at x = +1.33", "b = +0.0: z = 0 at x = +0.00",
                      "b = +2.0: z = 0 at x = -1.33"]
    markers = [ln.get_xydata()[0] for ln in ax_a.get_lines() if len(ln.get_xdata()) == 1]
    assert np.allclose(markers, [[4 / 3, 0.5], [0.0, 0.5], [-4 / 3, 0.5]])


def test_draw_neuron_labels_every_input():
    ax = ws.draw_neuron(n_inputs=4)
    texts = {t.get_text() for t in ax.texts}
    assert {"$x_1$", "$x_4$", "$w_4$", "$a = f(z)$"} <= texts


# ----------------------------------------------------------------------------- explorer

def readout(w1, w2, b, n_right):
    return (f"<div>{n_right} of 20 points classified correctly</div>"
            f"<div>decision line: {ws.boundary_equation(w1, w2, b)}</div>")


def test_explorer_starts_with_the_count_for_its_sliders(data):
    X, y = data
    explorer = ws.weighted_sum_explorer()
    assert [s.description for s in explorer.controls.values()] == ["w1", "w2", "b"]
    assert "nnedu-readout" in explorer.readout._dom_classes
    assert "1.00·x1 − 1.00·x2 + 0.00 = 0" in explorer.readout.value
    expected = ws.count_correct(X, y, ws.START_W1, ws.START_W2, ws.START_B)
    assert explorer.readout.value == readout(ws.START_W1, ws.START_W2, ws.START_B, expected)
    assert expected < 20  # the explorer starts with something to improve


@pytest.mark.parametrize("moves", [{"b": 2.0}, {"w1": 3.0, "w2": 1.2, "b": -0.9},
                                   {"w1": 0.0, "w2": 0.0}, {"w2": 0.5}])
def test_moving_sliders_updates_the_readout_and_the_picture(data, moves):
    X, y = data
    explorer = ws.weighted_sum_explorer()
    for name, value in moves.items():
        explorer.controls[name].value = value
    values = explorer.values()
    expected = manual_count(X, y, values["w1"], values["w2"], values["b"])
    assert explorer.readout.value == readout(values["w1"], values["w2"], values["b"], expected)
    rings = explorer.parts["rings"].get_offsets()
    assert len(rings) == 20 - expected
    # what is on show is what a fresh figure for these values draws
    fresh = ws.weighted_sum_explorer(values["w1"], values["w2"], values["b"])
    assert explorer.picture == fresh.picture
    assert not plt.get_fignums()  # the explorer's figure is not a pyplot figure


def test_explorer_counts_with_the_values_the_sliders_show(data):
    X, y = data
    explorer = ws.weighted_sum_explorer()
    explorer.controls["b"].value = 0.1 + 0.2  # 0.30000000000000004, as a browser may send it
    expected = ws.count_correct(X, y, ws.START_W1, ws.START_W2, 0.3)
    assert explorer.readout.value == readout(ws.START_W1, ws.START_W2, 0.3, expected)


@pytest.mark.parametrize("w1, w2, b", [(1.0, -1.0, 0.0), (0.3, 2.0, -1.0), (0.1, 0.2, -3.9)])
def test_half_planes_split_the_box_along_the_line(w1, w2, b):
    lo, hi = np.array([-2.0, -1.0]), np.array([3.0, 2.0])
    above = ws.half_plane(w1, w2, b, lo, hi)
    below = ws.half_plane(-w1, -w2, -b, lo, hi)

    def area(corners):  # the shoelace formula
        x, y = corners[:, 0], corners[:, 1]
        return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) if len(x) else 0

    assert area(above) + area(below) == pytest.approx(15.0)
    z = above @ np.array([w1, w2]) + b
    assert np.all(z >= -1e-9)


def test_importing_the_module_loads_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, nnedu.widgets.weighted_sum; "
            "print(sorted({'matplotlib', 'ipywidgets'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- lesson claims

def test_lesson_first_guess_is_good_but_not_perfect(data):
    X, y = data
    assert 15 <= ws.count_correct(X, y, 1.0, 1.0, 0.5) < len(y)


def test_lesson_sharper_sigmoid_is_less_unsure(data):
    X, _ = data
    soft = Neuron([1.0, 1.0], 0.5).forward(X)
    sharp = Neuron([4.0, 4.0], 2.0).forward(X)
    unsure = [int(np.sum((a > 0.1) & (a < 0.9))) for a in (soft, sharp)]
    assert unsure[1] < unsure[0]
    assert np.array_equal(soft >= 0.5, sharp >= 0.5)


def test_check_yourself_question_1():
    neuron = Neuron([2.0, -1.0], 0.5)
    assert neuron.weighted_sum([1.0, 3.0]) == pytest.approx(-0.5)
    assert ws.predict(np.array([[1.0, 3.0]]), 2.0, -1.0, 0.5).tolist() == [0]


def test_check_yourself_question_5_no_line_solves_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    grid = np.linspace(-3, 3, 25)
    best = max(ws.count_correct(X, y, w1, w2, b) for w1 in grid for w2 in grid for b in grid)
    assert best == 3
