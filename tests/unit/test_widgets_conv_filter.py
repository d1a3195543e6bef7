"""nnedu.widgets.conv_filter (lesson 09a): the filters, the feature map and its windows, the
readout, the cached training run, the shifted-digit scores, the figures and the explorer."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnedu.conv import conv2d_loops, shift_digits
from nnedu.data import load_digits
from nnedu.widgets import conv_filter as cf

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def test_images():
    digits = load_digits()
    return digits.X_test.reshape(-1, 8, 8), digits.y_test


# ----------------------------------------------------------------------------- the maths
def test_filters_are_3x3_and_edges_ignore_an_even_patch():
    for name, kernel in cf.FILTERS.items():
        assert kernel.shape == (3, 3), name
        if "edge" in name:
            assert kernel.sum() == 0, name         # 0 on an even patch: an edge detector
    assert cf.FILTERS["blur (average)"].sum() == pytest.approx(1.0)


def test_feature_map_is_the_loop_convolution_of_the_padded_digit(test_images):
    images, _ = test_images
    for name, kernel in cf.FILTERS.items():
        z = cf.feature_map(images[3], kernel)
        assert z.shape == (8, 8)
        padded = np.pad(images[3], 1)[None, None]
        np.testing.assert_allclose(z, conv2d_loops(padded, kernel[None, None], np.zeros(1))[0, 0],
                                   err_msg=name)


def test_each_output_is_its_window_times_the_filter(test_images):
    image = test_images[0][5]
    kernel = cf.FILTERS["diagonal edge"]
    z = cf.feature_map(image, kernel)
    for i, j in [(0, 0), (3, 4), (7, 7), (0, 7)]:
        window = cf.window_at(image, i, j)
        assert window.shape == (3, 3)
        assert np.sum(window * kernel) == pytest.approx(z[i, j])
    assert np.all(cf.window_at(image, 0, 0)[0] == 0)        # the top row is the zero border
    np.testing.assert_array_equal(cf.window_at(image, 1, 1), image[:3, :3])


def test_the_vertical_edge_filter_answers_to_the_sides_of_a_bar():
    bar = np.zeros((8, 8))
    bar[:, 3:5] = 1.0                                      # a vertical stroke, columns 3 and 4
    z = cf.feature_map(bar, cf.FILTERS["vertical edge"])
    np.testing.assert_array_equal(z[4], [0, 0, 3, 3, -3, -3, 0, 0])   # left side +, right −


def test_readout_names_the_digit_the_filter_and_the_value(test_images):
    images, labels = test_images
    text = cf.explorer_readout(images[0], int(labels[0]), "vertical edge", 8 * 2 + 5)
    z = cf.feature_map(images[0], cf.FILTERS["vertical edge"])
    assert text == (f"test digit (a {labels[0]}), filter <b>vertical edge</b>, output row 2, "
                    f"column 5: z = Σ window ⊙ filter = {z[2, 5]:.2f}; largest value of the "
                    f"map: {z.max():.2f}")
    moved = cf.explorer_readout(images[0], int(labels[0]), "blur (average)", 9, move=-2)
    assert moved.startswith(f"test digit (a {labels[0]}), moved 2 px left, filter <b>blur")
    z = cf.feature_map(shift_digits(images[:1], -2, 0)[0], cf.FILTERS["blur (average)"])
    assert moved.endswith(f"= {z[1, 1]:.2f}; largest value of the map: {z.max():.2f}")


def test_a_map_moves_with_the_digit_and_keeps_its_largest_value(test_images):
    # The lesson's things to try, 4: one pixel right keeps the maximum (digit 0: every filter);
    # two pixels left push the edge of digit 0's left stroke off the vertical-edge map.
    images, _ = test_images
    for kernel in cf.FILTERS.values():
        z = cf.feature_map(images[0], kernel)
        z_right = cf.feature_map(shift_digits(images[:1], 1, 0)[0], kernel)
        np.testing.assert_allclose(z_right[:, 1:7], z[:, :6], atol=1e-12)   # but the edges
        assert z_right.max() == pytest.approx(z.max())
    vertical = cf.FILTERS["vertical edge"]
    z_left = cf.feature_map(shift_digits(images[:1], -2, 0)[0], vertical)
    assert z_left.max() < cf.feature_map(images[0], vertical).max() - 0.1


def test_shifted_accuracy_averages_the_four_directions():
    class Oracle:   # "predicts" the class stored in pixel 0 … of the unshifted data
        def forward(self, X, training=False):
            flat = X.reshape(len(X), -1)
            return np.eye(10)[(flat.sum(axis=1) > 2).astype(int)]

    X = np.zeros((4, 64))
    X[:2, 27:29] = 2.0                                     # two digits with ink in the middle
    y = np.array([1, 1, 0, 0])
    assert cf.shifted_accuracy(Oracle(), X, y, 0, images=False) == 1.0
    expected = np.mean([cf.accuracy_of(Oracle(), shift_digits(X, dx, dy), y)
                        for dx, dy in cf.DIRECTIONS])
    assert cf.shifted_accuracy(Oracle(), X, y, 1, images=True) == expected


def test_train_lesson_cnn_is_cached_and_learns():
    cnn, history = cf.train_lesson_cnn(0)
    assert cf.train_lesson_cnn(0)[0] is cnn
    assert history.epochs == 10 and history["val_accuracy"][-1] > 0.95
    assert "loss" not in history                          # evaluate_train=False


# ----------------------------------------------------------------------------- figures
def test_static_figures_have_one_panel_per_filter(test_images):
    fig = cf.plot_filters_and_maps(test_images[0][0], cf.FILTERS, title="t")
    assert len(fig.axes) == 2 * (len(cf.FILTERS) + 1)
    assert [ax.get_title() for ax in fig.axes[1:len(cf.FILTERS) + 1]] == list(cf.FILTERS)
    kernels = np.random.default_rng(0).normal(size=(3, 3, 3))
    maps = np.abs(np.random.default_rng(1).normal(size=(3, 8, 8)))
    fig = cf.plot_learned(kernels, maps, test_images[0][0])
    assert len(fig.axes) == 8


# ----------------------------------------------------------------------------- the explorer
def test_explorer_starts_with_the_whole_map(test_images):
    images, labels = test_images
    explorer = cf.conv_filter_explorer()
    values = explorer.values()
    assert values == {"digit": 0, "move": 0, "filter": "vertical edge", "position": 63}
    assert explorer.readout.value == cf.explorer_readout(images[0], int(labels[0]),
                                                         "vertical edge", 63)
    shown = explorer.map_image.get_array()
    np.testing.assert_allclose(shown.filled(np.nan),
                               cf.feature_map(images[0], cf.FILTERS["vertical edge"]))


def test_explorer_controls_change_readout_and_picture(test_images):
    images, labels = test_images
    explorer = cf.conv_filter_explorer()
    before = explorer.picture
    explorer.set(position=10)
    assert explorer.readout.value == cf.explorer_readout(images[0], int(labels[0]),
                                                         "vertical edge", 10)
    assert explorer.map_image.get_array().count() == 11       # filled up to row 1, column 2
    assert explorer.window.get_xy() == (1.5, 0.5)
    after_position = explorer.picture
    assert after_position != before
    explorer.controls["filter"].value = "blur (average)"
    assert "blur (average)" in explorer.readout.value
    assert explorer.weights[0].get_text() == "0.11"
    after_filter = explorer.picture
    assert after_filter != after_position
    explorer.controls["digit"].value = 7
    assert explorer.readout.value.startswith(f"test digit (a {labels[7]})")
    np.testing.assert_array_equal(explorer.digit_image.get_array(), np.pad(images[7], 1))
    after_digit = explorer.picture
    assert after_digit != after_filter
    explorer.controls["move"].value = 1
    assert ", moved 1 px right, " in explorer.readout.value
    np.testing.assert_array_equal(explorer.digit_image.get_array(),
                                  np.pad(shift_digits(images[7:8], 1, 0)[0], 1))
    assert explorer.picture != after_digit
    assert explorer.render_ms < 1000


def test_render_png_matches_a_set(test_images):
    explorer = cf.conv_filter_explorer()
    values = {"digit": 4, "move": -1, "filter": "horizontal edge", "position": 30}
    expected = explorer.render_png(values)
    assert explorer.values()["position"] == 63          # render_png moves no control
    explorer.set(**values)
    assert explorer.picture == expected


def test_explorer_accepts_its_own_images():
    images = np.zeros((2, 8, 8))
    images[1, 2:6, 4] = 1.0
    explorer = cf.conv_filter_explorer(images, np.array([0, 1]))
    explorer.set(digit=1, position=8 * 3 + 3)
    assert explorer.readout.value.endswith("z = Σ window ⊙ filter = 3.00; largest value of "
                                           "the map: 3.00")
    assert explorer.controls["digit"].max == 1


def test_importing_the_module_loads_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, nnedu.widgets.conv_filter; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
