"""The numbers and claims that the markdown of lessons/09_digits_classifier.ipynb states.

Each test names the quoted text it backs. ``test_quoted_phrases_are_still_in_the_lesson``
fails when the lesson's wording changes, so that this file is revisited with it.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.__main__ import DIGITS_DEFAULTS
from nnedu.data import DIGITS_PIXEL_MAX, MinMaxScaler, load_digits
from nnedu.layers import Dense
from nnedu.metrics import accuracy
from nnedu.network import mlp
from nnedu.optim import Adam
from nnedu.seedbugs import SeedNetwork
from nnedu.train import fit
from nnedu.widgets import digits as dw

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "09_digits_classifier.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers in the lesson's markdown; every one is backed by a test below.
QUOTED = [
    "scanned at 32×32 pixels and then reduced to an 8×8 grid",
    "counts the inked pixels of one 4×4 block",
    "a whole number from 0 (white) to\n16 (fully inked)",
    "The 64 cells",
    "on **all** 1,797 digits",
    "`train_test_split(..., test_size=0.2, random_state=42)`",
    "takes a stratified tenth of the rest for validation",
    "64 inputs, one hidden layer of 64 units, 10 outputs",
    r"He: standard deviation $\sqrt{2/64}$",
    "cuts them into batches $B$ of 32",
    "Train a short run (20 epochs)",
    "The validation part has 144 digits, so one digit is 0.7 %",
    "100 epochs, batches of 32",
    "redraws the curves every 25 epochs",
    "reach at least 97 % test accuracy",
    "one pixel's maximum moved",
    "its reported loss is ten times too small",
    "full batch: one step per epoch, 1000 epochs",
    "plain gradient descent, learning rate 0.1",
    r"$-\log P_2 = -\log 0.05 \approx 3.00$",
    r"$-\log 0.90 \approx 0.105$",
    r"$\lceil 1293 / 32 \rceil = 41$ steps (40 full batches and one of 13)",
    "the mini-batch run takes 4,100 steps, more than four times the article's 1000 steps",
]


@pytest.fixture(scope="module")
def markdown() -> str:
    nb = nbformat.read(LESSON, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def raw():
    return load_digits(scale=None)


def test_quoted_phrases_are_still_in_the_lesson(markdown):
    missing = [phrase for phrase in QUOTED if phrase not in markdown]
    assert not missing, f"the lesson no longer says: {missing}"


def test_the_data_set(raw):
    # 8×8 grid of 4×4 blocks of a 32×32 scan: each cell counts up to 16 dots, 0..16.
    assert 32 // 4 == 8 and 4 * 4 == DIGITS_PIXEL_MAX == 16
    X = np.vstack([raw.X_train, raw.X_val, raw.X_test])
    assert X.shape == (1797, 64)
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    assert set(np.concatenate([raw.y_train, raw.y_val, raw.y_test]).tolist()) == set(range(10))


def test_the_split(digits):
    import inspect

    from sklearn.model_selection import train_test_split

    defaults = inspect.signature(load_digits).parameters
    assert defaults["test_size"].default == 0.2 and defaults["random_state"].default == 42
    assert defaults["val_size"].default == 0.1  # "a stratified tenth of the rest"
    _, test_rows = train_test_split(np.arange(1797), test_size=0.2, random_state=42)
    np.testing.assert_array_equal(digits.idx_test, test_rows)
    assert len(digits.y_val) == math.ceil(0.1 * (1797 - 360)) == 144
    assert f"{1 / 144:.1%}" == "0.7%"   # "one digit is 0.7 %"


def test_classes_are_roughly_balanced_in_every_part(digits):
    # "every digit has about a tenth of each part"
    for labels in (digits.y_train, digits.y_val, digits.y_test):
        share = np.bincount(labels, minlength=10) / len(labels)
        assert share.min() > 0.07 and share.max() < 0.14


def test_the_leak_moves_one_pixel_maximum(raw):
    X_all = np.vstack([raw.X_train, raw.X_val, raw.X_test])
    changed = MinMaxScaler().fit(X_all).data_max_ != MinMaxScaler().fit(raw.X_train).data_max_
    assert changed.sum() == 1


def test_the_network_and_the_he_initialisation():
    model = mlp((64, 64, 10), seed=0)
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    assert [(d.in_features, d.out_features) for d in dense] == [(64, 64), (64, 10)]
    assert dense[0].init == "he"
    big = Dense(64, 20000, init="he", seed=0).params["W"]
    assert big.std() == pytest.approx(math.sqrt(2 / 64), rel=0.01)


def test_the_training_settings():
    assert DIGITS_DEFAULTS["batch_size"] == 32
    assert DIGITS_DEFAULTS["epochs"] == 100
    assert DIGITS_DEFAULTS["optimizer"] == "adam" and DIGITS_DEFAULTS["weight_decay"] > 0
    source = nbformat.read(LESSON, as_version=4)
    live = next(cell for cell in source.cells if cell.get("id") == "live")
    assert "every=25" in live.source
    article = next(cell for cell in source.cells if cell.get("id") == "article-train")
    assert "epochs=1000, lr=0.1" in article.source


def test_the_validation_part_picks_the_default_learning_rate(digits):
    # The lesson's section 7: three 20-epoch runs, compared on the validation part.
    val_accuracy = {}
    for lr in (0.001, 0.01, 0.1):
        history = fit(mlp((64, 64, 10), seed=0), digits.X_train, digits.y_train,
                      optimizer=Adam(lr=lr), epochs=20, batch_size=32,
                      validation_data=(digits.X_val, digits.y_val), seed=0, progress=False)
        val_accuracy[lr] = history["val_accuracy"][-1]
    assert max(val_accuracy, key=val_accuracy.get) == DIGITS_DEFAULTS["lr"]


def test_lesson_model_reaches_the_quoted_accuracy(digits):
    model, history = dw.train_lesson_model(seed=0, digits=digits)
    assert accuracy(digits.y_test, model.predict(digits.X_test)) >= 0.97
    # "The training loss falls far below the validation loss"
    assert history["loss"][-1] < history["val_loss"][-1] / 5


def test_article_network_reports_a_loss_ten_times_too_small(digits):
    buggy = SeedNetwork("categorical_crossentropy", seed=0)
    fixed = SeedNetwork("categorical_crossentropy", seed=0, bugs=())
    fixed.params = {name: value.copy() for name, value in buggy.params.items()}
    X, Y = digits.X_train[:50], digits.Y_train[:50]
    assert buggy.loss(buggy.forward(X), Y) * 10 == pytest.approx(fixed.loss(fixed.forward(X), Y))
    buggy.backward(X, Y)
    fixed.backward(X, Y)
    for name in buggy.params:  # the gradients are the same: training is not affected
        np.testing.assert_allclose(buggy.grads[name], fixed.grads[name], rtol=1e-10, atol=1e-14)


def test_article_setup_starts_saturated_and_is_still_improving(digits):
    # "many start in their flat tails" (randn), none with Xavier
    article = SeedNetwork("categorical_crossentropy", seed=0)
    xavier = SeedNetwork("categorical_crossentropy", seed=0, bugs=())
    flat = {}
    for name, net in (("randn", article), ("xavier", xavier)):
        net.forward(digits.X_train)
        flat[name] = np.mean(net.A1 * (1 - net.A1) < 0.01)
    assert flat["randn"] > 0.1 and flat["xavier"] < 0.01
    # "It is still improving when it stops", and it ends behind the lesson's model
    losses = article.train(digits.X_train, digits.Y_train, epochs=1000, lr=0.1)["train_loss"]
    assert losses[-1] < losses[-100] < losses[-500]
    assert article.accuracy(digits.X_test, digits.y_test) < 0.97


def test_check_yourself_numbers():
    assert f"{-math.log(0.05):.2f}" == "3.00"
    assert f"{-math.log(0.90):.3f}" == "0.105"
    n_train, batch = 1293, 32
    assert len(load_digits().y_train) == n_train
    assert math.ceil(n_train / batch) == 41
    assert n_train // batch == 40 and n_train % batch == 13
    assert 100 * 41 == 4100 and 4100 > 4 * 1000


def test_the_best_validation_epoch_is_one_digit_above_the_last(digits):
    # Section 8: "that best value is one lucky wobble: it is one validation digit above the
    # accuracy at the end. With 144 validation digits one digit is 0.7 %"; "much earlier".
    _, history = dw.train_lesson_model(seed=0, digits=digits)
    val = np.array(history["val_accuracy"])
    assert len(digits.y_val) == 144
    assert round((val.max() - val[-1]) * 144) == 1
    assert np.argmax(val) + 1 <= 50
