"""The numbers and claims that the markdown of lessons/09a_convolutional_networks.ipynb states.

The lesson trains its CNN with an explicit ``fit`` call; ``test_the_lesson_trains_the_module_
cnn`` runs that cell and checks it gives the weights of ``conv_filter.train_lesson_cnn(0)``,
so the runs here are the lesson's runs. Lesson 09's network is ``train_lesson_model(seed=0)``,
called by the lesson as it is here. Each test names the quoted text it backs;
``test_quoted_phrases_are_still_in_the_lesson`` fails when the wording changes, so that this
file is revisited with it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.conv import (
    DIGITS_CNN_TRAINING,
    Conv2D,
    MaxPool2D,
    conv2d,
    conv2d_backward,
    conv2d_loops,
    digits_cnn,
    shift_digits,
)
from nnedu.data import load_digits
from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.network import mlp
from nnedu.widgets import conv_filter as cf
from nnedu.widgets import digits as digits_demo

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "09a_convolutional_networks.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers or checkable claims in the lesson's markdown; each is backed below.
QUOTED = [
    "A 3×3 filter on an 8×8 digit gives a 6×6 map\n($8 - 3 + 1 = 6$)",
    "three rows, so every position scores 3",
    "(**'same'** padding: 10×10 in,\n$10 - 3 + 1 = 8$ out)",
    "lesson's network has 12 filters of 3×3 on 1 channel",
    "$$12 \\cdot 1 \\cdot 3 \\cdot 3 + 12 = 120 \\text{ parameters.}$$",
    "the same 12 maps of 8×8, that is 768 numbers, from the 64 pixels",
    "$$64 \\cdot 768 + 768 = 49920 \\text{ parameters,}$$",
    "$24 \\cdot 12 \\cdot 3 \\cdot 3 + 24 = 2616$",
    "$24 \\cdot 10 + 10 = 250$",
    "$120 + 2616 + 250 = 2986$ parameters, fewer than the 4,810 of lesson 09's 64-64-10 network",
    "The relative error is far below lesson 07's threshold of $10^{-7}$",
    "lowered along a cosine over 10 epochs, mini-batches of 32",
    "The CNN reaches 98.3 % on the test digits, close to lesson 09's network (98.9 %, next "
    "section)",
    "with fewer parameters and 10 epochs instead of 100",
    "(lesson 09's network 98.9 %, the CNN 98.3 %)",
    "by one pixel, the MLP falls to 49.0 % while the CNN keeps 80.2 %",
    "to 11.7 %, about what guessing gives, and the CNN has 55.4 %",
    "the CNN hardly notices (97.8 % right, 97.2 % left)",
    "58.9 % and 66.9 %: every test digit has ink in its top row and in its bottom row",
    "The MLP loses about half of its accuracy in\nevery direction",
    "a digit's pixels change by 82 %, its pooled features by only 7.9 %",
    "filter 11 is negative in its left\ncolumn and positive in its right one",
    "filter 0 has large positive weights only\nin its bottom row, small ones above",
    "Filter 1 is close to 0 everywhere and its\nmap stays empty",
    "the map has 8×8 outputs and not 6×6",
    "a CNN of 2,986 parameters",
    "$16 \\cdot 3 \\cdot 5 \\cdot 5 + 16 = 1216$, for either size",
    "$28 - 5 + 1 = 24$, so 24×24",
    "(32×32 in), and the map is 28×28 like the image",
    "Flipping $[-1, 0, 1]$ gives $[1, 0, -1]$, its negative",
    "keep 97.8 % of the test digits when they move one pixel right, but only\n   58.9 % when",
    "(all but its edge\n   columns), and its largest value stays the same",
    "with test digit 0 and the vertical edge filter, move it two pixels\n   left",
    "the largest value drops",
]


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(LESSON, as_version=4)


@pytest.fixture(scope="module")
def markdown(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def cell(notebook, cell_id: str) -> str:
    return next(c.source for c in notebook.cells if c.get("id") == cell_id)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def cnn():
    return cf.train_lesson_cnn(0)[0]


@pytest.fixture(scope="module")
def mlp_model(digits):
    return digits_demo.train_lesson_model(seed=0, digits=digits)[0]


@pytest.fixture(scope="module")
def images_test(digits):
    return digits.X_test.reshape(-1, 1, 8, 8).astype(DIGITS_CNN_TRAINING["dtype"])


def pct(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}%}"


def test_quoted_phrases_are_still_in_the_lesson(markdown):
    missing = [phrase for phrase in QUOTED if phrase not in markdown]
    assert not missing, missing


def test_the_lesson_trains_the_module_cnn(notebook):
    """Run the lesson's setup and training cells: the same weights as train_lesson_cnn(0)."""
    namespace: dict = {}
    setup = "\n".join(line for line in cell(notebook, "setup").splitlines()
                      if not line.startswith("%"))
    exec(compile(setup, "setup", "exec"), namespace)
    exec(compile(cell(notebook, "train"), "train", "exec"), namespace)
    module_cnn, module_history = cf.train_lesson_cnn(0)
    for mine, theirs in zip(namespace["cnn"].parameters(), module_cnn.parameters(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert namespace["history"]["val_loss"] == module_history["val_loss"]


def test_output_sizes():
    # "A 3×3 filter on an 8×8 digit gives a 6×6 map", "'same' … 10×10 in, 8 out", "28 − 5 + 1"
    assert conv2d(np.zeros((1, 1, 8, 8)), np.zeros((1, 1, 3, 3)), np.zeros(1)).shape[2:] == (6, 6)
    assert conv2d(np.zeros((1, 1, 10, 10)), np.zeros((1, 1, 3, 3)), np.zeros(1)).shape[2:] == (8, 8)
    assert Conv2D(1, 2, 3, padding="same").forward(np.zeros((1, 1, 8, 8))).shape[2:] == (8, 8)
    assert Conv2D(1, 1, 5).forward(np.zeros((1, 1, 28, 28))).shape[2:] == (24, 24)
    assert Conv2D(1, 1, 5, padding="same").forward(np.zeros((1, 1, 28, 28))).shape[2:] == (28, 28)


def test_the_small_examples():
    # "every position scores 3"; the max-pooling example
    image = np.array([[0, 0, 1, 1]] * 4, dtype=float).reshape(1, 1, 4, 4)
    edge = np.array([[-1, 0, 1]] * 3, dtype=float).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(conv2d_loops(image, edge, np.zeros(1)), np.full((1, 1, 2, 2), 3))
    flipped = conv2d(image, edge[:, :, ::-1, ::-1].copy(), np.zeros(1))
    np.testing.assert_array_equal(flipped, -conv2d(image, edge, np.zeros(1)))   # question 3
    small = np.array([[1, 3, 0, 2], [4, 2, 1, 0], [0, 1, 5, 6], [2, 0, 7, 1]], dtype=float)
    np.testing.assert_array_equal(MaxPool2D(2).forward(small.reshape(1, 1, 4, 4))[0, 0],
                                  [[4, 2], [2, 7]])


def test_parameter_counts():
    count = lambda layer: sum(p.size for p in layer.params.values())  # noqa: E731
    assert count(Conv2D(1, 12, 3, padding="same")) == 120
    assert 12 * 8 * 8 == 768 and 64 * 768 + 768 == 49920
    assert count(Conv2D(12, 24, 3)) == 2616
    cnn = digits_cnn()
    assert [count(layer) for layer in cnn.layers if layer.params] == [120, 2616, 250]
    assert cnn.count_parameters() == 2986
    assert mlp((64, 64, 10)).count_parameters() == 4810
    assert count(Conv2D(3, 16, 5)) == 1216   # check-yourself question 1, any image size


def test_the_gradient_check():
    # "far below lesson 07's threshold": the lesson's own random case
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(3, 2, 7, 6)), rng.normal(size=(4, 2, 3, 2)), rng.normal(size=4)
    dz = rng.normal(size=conv2d(x, W, b).shape)
    _, dW, _ = conv2d_backward(x, W, dz)
    numeric = numerical_gradient(lambda W_: np.sum(conv2d(x, W_, b) * dz), W.copy())
    assert relative_error(dW, numeric) < 1e-9


def test_training_settings():
    # "over 10 epochs, mini-batches of 32", "10 epochs instead of 100"
    assert DIGITS_CNN_TRAINING["epochs"] == 10 and DIGITS_CNN_TRAINING["batch_size"] == 32
    from nnedu.__main__ import DIGITS_DEFAULTS

    assert DIGITS_DEFAULTS["epochs"] == 100


def test_accuracies_as_they_are_and_moved(cnn, mlp_model, digits, images_test):
    # "98.3 %", "98.9 %", "49.0 % … 80.2 %", "11.7 % … 55.4 %"; the CNN falls much less
    y = digits.y_test
    cnn_row = [cf.shifted_accuracy(cnn, images_test, y, p, images=True) for p in (0, 1, 2)]
    mlp_row = [cf.shifted_accuracy(mlp_model, digits.X_test, y, p, images=False)
               for p in (0, 1, 2)]
    assert [pct(v) for v in cnn_row] == ["98.3%", "80.2%", "55.4%"]
    assert [pct(v) for v in mlp_row] == ["98.9%", "49.0%", "11.7%"]
    assert abs(cnn_row[0] - mlp_row[0]) < 0.01                      # "close"
    assert mlp_row[2] < 0.15                                          # "about what guessing gives"
    assert mlp_row[0] - mlp_row[1] > 2 * (cnn_row[0] - cnn_row[1])   # the CNN falls much less
    assert cnn_row[2] - mlp_row[2] > 0.4


def test_directions_and_the_ink_on_the_border(cnn, mlp_model, digits, images_test):
    # "97.8 % right, 97.2 % left", "58.9 % and 66.9 %", "ink in its top row and its bottom row"
    y = digits.y_test
    cnn_acc = {(dx, dy): cf.accuracy_of(cnn, shift_digits(images_test, dx, dy), y)
               for dx, dy in cf.DIRECTIONS}
    assert [pct(cnn_acc[d]) for d in [(1, 0), (-1, 0), (0, 1), (0, -1)]] == \
        ["97.8%", "97.2%", "58.9%", "66.9%"]
    for dx, dy in cf.DIRECTIONS:   # "The MLP loses about half of its accuracy in every direction"
        assert 0.4 < cf.accuracy_of(mlp_model, shift_digits(digits.X_test, dx, dy), y) < 0.6
    rows = digits.X_test.reshape(-1, 8, 8)
    assert np.all(rows[:, 0].max(axis=1) > 0) and np.all(rows[:, 7].max(axis=1) > 0)
    assert np.mean(rows[:, :, 0].max(axis=1) > 0) < 0.02     # few digits touch the sides
    assert np.mean(rows[:, :, 7].max(axis=1) > 0) < 0.15


def test_pooled_features_change_little(cnn, images_test):
    # "a digit's pixels change by 82 %, its pooled features by only 7.9 %"
    def pooled(images):
        a = images
        for layer in cnn.layers[:6]:
            a = layer.forward(a)
        return a

    def mean_change(before, after):
        before, after = before.reshape(len(before), -1), after.reshape(len(after), -1)
        return np.linalg.norm(after - before, axis=1).mean() / np.linalg.norm(before,
                                                                               axis=1).mean()

    right = shift_digits(images_test, 1, 0)
    assert pct(mean_change(images_test, right), 0) == "82%"
    assert pct(mean_change(pooled(images_test), pooled(right))) == "7.9%"


def test_the_learned_filters(cnn):
    # "filter 11 … a vertical edge", "filter 0 … bottom row", "Filter 1 is close to 0"
    W = cnn.layers[0].params["W"][:, 0]
    assert W[11][:, 0].max() < 0 < W[11][:, 2].min()
    assert W[0][2, :2].min() > 0.5 and np.abs(W[0][:2]).max() < 0.35
    assert np.abs(W[1]).max() < 0.05 * np.abs(W).max()
    maps = cnn.layers[1].forward(cnn.layers[0].forward(
        load_digits().X_test[:1].reshape(1, 1, 8, 8).astype(np.float32)))[0]
    assert maps[1].max() < 0.05 * maps.max()              # "its map stays empty"


def test_the_explorer_things_to_try(digits):
    # "its largest value stays the same" (one pixel right); "the largest value drops" (two left)
    images = digits.X_test.reshape(-1, 8, 8)
    for kernel in cf.FILTERS.values():
        moved = cf.feature_map(shift_digits(images[:1], 1, 0)[0], kernel)
        assert moved.max() == pytest.approx(cf.feature_map(images[0], kernel).max())
    vertical = cf.FILTERS["vertical edge"]
    left = cf.feature_map(shift_digits(images[:1], -2, 0)[0], vertical)
    assert left.max() < cf.feature_map(images[0], vertical).max() - 0.1
