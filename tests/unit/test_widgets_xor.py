"""nnedu.widgets.xor (lesson 03): the 2-2-1 XOR network, its plots and its widget.

Also asserts the numbers that lessons/03_layers_forward_pass.ipynb quotes in its markdown
(the hand-picked weights, the parameter counts and the NAND solution of "Check yourself").
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnedu import worked
from nnedu.data import xor
from nnedu.layers import Activation, Dense
from nnedu.network import Sequential
from nnedu.widgets import xor as xw
from nnedu.widgets import xor_figures as xf

# plt.show() under the Agg backend of the tests only warns that it cannot open a window.
pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")

# The weights as lesson 03 writes them in its markdown.
QUOTED_SOLUTION = {
    "w11": 20, "w12": 20, "b1": -10,
    "w21": 20, "w22": 20, "b2": -30,
    "w31": 20, "w32": -20, "b3": -10,
}  # fmt: skip
# Lesson 03, "Check yourself" question 5: hidden unit 2 as NAND, the output as AND.
QUOTED_NAND_SOLUTION = {
    "w11": 20, "w12": 20, "b1": -10,
    "w21": -20, "w22": -20, "b2": 30,
    "w31": 20, "w32": 20, "b3": -30,
}  # fmt: skip


def scalar_forward(x1: float, x2: float, p: dict) -> tuple[float, float, float]:
    """The 2-2-1 network one unit at a time, with math only (independent of the module)."""

    def sig(z: float) -> float:
        return 1.0 / (1.0 + math.exp(-z))

    h1 = sig(p["w11"] * x1 + p["w12"] * x2 + p["b1"])
    h2 = sig(p["w21"] * x1 + p["w22"] * x2 + p["b2"])
    return h1, h2, sig(p["w31"] * h1 + p["w32"] * h2 + p["b3"])


def scalar_correct(p: dict) -> int:
    return sum(
        int(scalar_forward(x1, x2, p)[2] >= 0.5) == (int(x1) ^ int(x2))
        for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]
    )


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- the network
def test_solution_is_the_one_the_lesson_quotes():
    assert dict(xw.SOLUTION) == QUOTED_SOLUTION
    assert set(xw.SOLUTION) == set(xw.PARAM_NAMES) and len(xw.PARAM_NAMES) == 9


def test_xor_points_match_nnedu_data():
    X, y = xor()
    np.testing.assert_array_equal(xw.XOR_X, X)
    np.testing.assert_array_equal(xw.XOR_Y, y)


def test_solution_computes_or_and_and_xor():
    H, y_hat = xw.xor_forward(xw.XOR_X, xw.SOLUTION)
    assert H.shape == (4, 2) and y_hat.shape == (4,)
    x1, x2 = xw.XOR_X[:, 0], xw.XOR_X[:, 1]
    np.testing.assert_allclose(H[:, 0], np.logical_or(x1, x2), atol=1e-4)   # h1 ≈ OR
    np.testing.assert_allclose(H[:, 1], np.logical_and(x1, x2), atol=1e-4)  # h2 ≈ AND
    np.testing.assert_allclose(y_hat, [0, 1, 1, 0], atol=1e-4)
    for (a, b), h, out in zip(xw.XOR_X, H, y_hat):
        expected = scalar_forward(a, b, xw.SOLUTION)
        np.testing.assert_allclose([*h, out], expected, rtol=1e-12, atol=1e-15)


def test_weight_matrices_use_the_lesson_06_layout():
    params = dict(zip(xw.PARAM_NAMES, np.arange(1.0, 10.0)))
    W1, b1, W2, b2 = xw.weight_matrices(params)
    np.testing.assert_array_equal(W1, [[params["w11"], params["w21"]],
                                       [params["w12"], params["w22"]]])
    np.testing.assert_array_equal(b1, [params["b1"], params["b2"]])
    np.testing.assert_array_equal(W2, [[params["w31"]], [params["w32"]]])
    np.testing.assert_array_equal(b2, [params["b3"]])
    from_worked = worked.to_matrices(params)
    for ours, name in zip((W1, b1, W2, b2), ("W1", "b1", "W2", "b2")):
        np.testing.assert_array_equal(ours, from_worked[name])


def test_xor_forward_agrees_with_sequential_on_random_points_and_weights():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 2, size=(50, 2))
    params = dict(zip(xw.PARAM_NAMES, rng.normal(0, 4, size=9)))
    W1, b1, W2, b2 = xw.weight_matrices(params)
    model = Sequential([Dense(2, 2, seed=0), Activation("sigmoid"),
                        Dense(2, 1, seed=0), Activation("sigmoid")])
    for layer, W, b in ((model.layers[0], W1, b1), (model.layers[2], W2, b2)):
        layer.params["W"][...] = W
        layer.params["b"][...] = b
    H, y_hat = xw.xor_forward(X, params)
    np.testing.assert_allclose(y_hat, model.forward(X)[:, 0], rtol=1e-12)
    np.testing.assert_allclose(H, model.layers[1].forward(model.layers[0].forward(X)))
    np.testing.assert_array_equal(xw.predict(X, params), model.predict(X))
    assert model.count_parameters() == 9


def test_count_correct_matches_a_unit_by_unit_computation():
    rng = np.random.default_rng(7)
    for _ in range(200):
        params = dict(zip(xw.PARAM_NAMES, rng.integers(-30, 31, size=9).astype(float)))
        assert xw.count_correct(params) == scalar_correct(params)
    assert xw.count_correct(xw.SOLUTION) == 4


def test_moving_b2_breaks_two_points():
    params = {**xw.SOLUTION, "b2": -15.0}
    assert scalar_correct(params) == 2
    assert xw.count_correct(params) == 2
    np.testing.assert_array_equal(xw.predict(xw.XOR_X, params), [0, 0, 0, 0])


def test_check_yourself_nand_solution_solves_xor():
    assert xw.count_correct(QUOTED_NAND_SOLUTION) == 4
    H, _ = xw.xor_forward(xw.XOR_X, QUOTED_NAND_SOLUTION)
    np.testing.assert_allclose(H[:, 1], [1, 1, 1, 0], atol=1e-4)  # h2 ≈ NAND


def test_check_yourself_dense_shapes_and_parameter_count():
    layer = Dense(10, 5, seed=0)
    assert layer.params["W"].shape == (10, 5) and layer.params["b"].shape == (5,)
    assert layer.forward(np.zeros((32, 10))).shape == (32, 5)
    assert Sequential([Dense(10, 5, seed=0)]).count_parameters() == 55


# ----------------------------------------------------------------------------- one neuron
def line_correct(w1: float, w2: float, b: float) -> int:
    says_one = xw.XOR_X @ np.array([w1, w2]) + b > 0
    return int(np.sum(says_one == (xw.XOR_Y == 1)))


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@given(finite, finite, finite)
def test_no_single_line_gets_all_four_points(w1, w2, b):
    assert line_correct(w1, w2, b) <= 3


def test_some_line_gets_three_points():
    assert line_correct(1, 1, -0.5) == 3
    assert line_correct(-1, 1, -0.5) == 3


# ----------------------------------------------------------------------------- text helpers
def test_readout_text():
    assert xw.readout_text(4) == "XOR solved: 4 of 4 points right"
    assert xw.readout_text(2) == "Not solved yet: 2 of 4 points right"


def test_formula_writes_signs_properly():
    assert xw.formula(xw.SOLUTION, "h1") == "20·x1 + 20·x2 − 10"
    assert xw.formula(xw.SOLUTION, "h2") == "20·x1 + 20·x2 − 30"
    assert xw.formula(xw.SOLUTION, "y") == "20·h1 − 20·h2 − 10"
    assert xw.formula({**xw.SOLUTION, "w11": -1.5, "b1": 0}, "h1") == "−1.5·x1 + 20·x2 + 0"
    with pytest.raises(ValueError, match="'h1', 'h2' or 'y'"):
        xw.formula(xw.SOLUTION, "h3")


def test_bad_params_and_points_get_clear_errors():
    incomplete = {k: v for k, v in xw.SOLUTION.items() if k != "b3"}
    with pytest.raises(ValueError, match=r"missing \['b3'\]"):
        xw.xor_forward(xw.XOR_X, incomplete)
    with pytest.raises(ValueError, match=r"unknown \['w33'\]"):
        xw.count_correct({**xw.SOLUTION, "w33": 1.0})
    with pytest.raises(TypeError, match="dict"):
        xw.xor_forward(xw.XOR_X, [1.0] * 9)
    with pytest.raises(ValueError, match=r"shape \(m, 2\).*\(3,\)"):
        xw.xor_forward(np.zeros(3), xw.SOLUTION)


# ----------------------------------------------------------------------------- plots
def test_explorer_figure_shows_the_current_weights():
    explorer = xw.xor_explorer({**xw.SOLUTION, "b2": -15.0})
    titles = [head.get_text() for head in explorer.heads]
    assert any("20·x1 + 20·x2 − 15" in t for t in titles)
    assert any("20·h1 − 20·h2 − 10" in t for t in titles)
    assert len(explorer.figure.axes) == 5  # four panels and the colour bar
    assert len(explorer.crosses[0].get_offsets()) == 4 - xw.count_correct(
        {**xw.SOLUTION, "b2": -15.0})
    explorer.reset()
    assert len(explorer.crosses[0].get_offsets()) == 0


def test_explorer_panels_keep_their_text_inside_the_picture():
    # Issue 11: the right panel touched the edge, and the panel text was 9 px.
    explorer = xw.xor_explorer()
    fig = explorer.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for artist in [*fig.axes, *fig.texts, *fig.legends, *explorer.heads]:
        box = artist.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width - 5, artist
        assert box.y0 >= 0 and box.y1 <= fig.bbox.height, artist
    assert min(head.get_fontsize() for head in explorer.heads) >= 10


def test_level_lines_follow_the_half_level():
    xx, yy, points = xw.plane_grid(40)
    grid = (points[:, 0] + points[:, 1]).reshape(xx.shape)
    (curve,) = xw._level_lines(xx, yy, grid, 1.0)
    np.testing.assert_allclose(curve.sum(axis=1), 1.0, atol=1e-9)


def test_plot_lines_counts_in_titles():
    fig = xf.plot_lines([(1, 1, -0.5), (1, 1, -1.5)])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].endswith(f"{line_correct(1, 1, -0.5)} of 4 right")
    assert titles[1].endswith(f"{line_correct(1, 1, -1.5)} of 4 right")
    assert titles[0].startswith("1·x1 + 1·x2 − 0.5 = 0")


def test_plot_remap_and_hidden_space():
    fig = xf.plot_remap()
    assert len(fig.axes) == 2
    hidden = fig.axes[1]
    assert hidden.get_xlabel().startswith("$h_1$")
    labels = [child.get_text() for child in hidden.texts]
    # (0, 1) and (1, 0) land on the same spot in hidden space, so they share one label.
    assert "(0, 1) (1, 0)" in labels and "(0, 0)" in labels and "(1, 1)" in labels


def test_draw_network():
    ax = xf.draw_network((3, 4, 2))
    circles = sum(len(c.get_offsets()) for c in ax.collections)
    assert circles == 3 + 4 + 2
    assert len(ax.lines) == 3 * 4 + 4 * 2  # one line per weight
    named = xf.draw_network((2, 2, 1), weight_names=True)
    texts = {t.get_text() for t in named.texts}
    assert {"$w_{11}$", "$w_{12}$", "$w_{21}$", "$w_{22}$", "$w_{31}$", "$w_{32}$"} <= texts
    with pytest.raises(ValueError, match="at least two layers"):
        xf.draw_network((3,))


# ----------------------------------------------------------------------------- the widget
def test_widget_starts_solved():
    explorer = xw.XorExplorer()
    assert "XOR solved: 4 of 4 points right" in explorer.readout.value
    assert "nnedu-readout" in explorer.readout._dom_classes
    assert list(explorer.controls) == list(xw.PARAM_NAMES)
    for name, slider in explorer.controls.items():
        assert slider.description == name
        assert slider.value == xw.SOLUTION[name]
    assert explorer.params == dict(xw.SOLUTION)
    assert plt.get_fignums() == []  # the explorer's figure is not a pyplot figure


def test_moving_a_slider_updates_readout_and_table():
    explorer = xw.XorExplorer()
    explorer.controls["b2"].value = -15.0  # as a student would, through the slider
    expected = xw.count_correct({**xw.SOLUTION, "b2": -15.0})
    assert expected == 2
    assert xw.readout_text(expected) in explorer.readout.value
    assert explorer.readout.value.count("✗ wrong") == 4 - expected
    assert explorer.readout.value.count("✓ right") == expected


def test_the_points_table_has_a_fixed_width():
    # Issue 11: the table jumped ~24 px between states; fixed columns keep it still.
    solved = xw._points_table(*xw.xor_forward(xw.XOR_X, xw.SOLUTION))
    wrong = xw._points_table(*xw.xor_forward(xw.XOR_X, {**xw.SOLUTION, "b3": 30.0}))
    for table in (solved, wrong):
        assert "table-layout: fixed; width: 490px" in table
    assert solved != wrong


def test_set_and_reset_render_once():
    explorer = xw.XorExplorer()
    renders = []
    explorer.image.observe(lambda change: renders.append(1), names="value")
    explorer.set(w31=0.0, w32=0.0, b3=5.0)  # the output says 1 everywhere
    assert len(renders) == 1
    assert "2 of 4 points right" in explorer.readout.value
    explorer.reset_button.click()
    assert len(renders) == 2
    assert "XOR solved: 4 of 4 points right" in explorer.readout.value
    with pytest.raises(ValueError, match="unknown control"):
        explorer.set(w99=1.0)


def test_widget_can_start_elsewhere():
    explorer = xw.XorExplorer(QUOTED_NAND_SOLUTION)
    assert "XOR solved" in explorer.readout.value
    explorer.reset()
    assert explorer.params == dict(xw.SOLUTION)

