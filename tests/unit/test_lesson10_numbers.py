"""The numbers and claims that the markdown of lessons/10_regularisation.ipynb states.

The lesson trains its networks with explicit ``fit`` calls; ``test_lesson_code_uses_the_module_
settings`` checks that those calls use the settings of ``nnedu.widgets.regularisation``, so the
runs here (made with ``train_small``, the same calls) are the lesson's runs. Each test names the
quoted text it backs; ``test_quoted_phrases_are_still_in_the_lesson`` fails when the wording
changes, so that this file is revisited with it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.data import load_digits, one_hot, regression_1d
from nnedu.train import evaluate
from nnedu.widgets import regularisation as rw

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "10_regularisation.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers or checkable claims in the lesson's markdown; each is backed below.
QUOTED = [
    "three curves fitted to the same 10 noisy points",
    "polynomials of degree 1, 3 and 9. The degree-9 polynomial has 10 coefficients",
    "(50 new points of the\nsame curve)",
    "Degree 9 hits\nevery training point (training error almost 0)",
    "its validation\nerror is the largest of the three. Degree 3 is in between and wins on the "
    "new points",
    "**150 digits, 15 of each class**",
    "| training | 150 (of lesson 09's 1,293) |",
    "| validation | lesson 09's 144 |",
    "| test | lesson 09's 360 |",
    "two hidden layers of 128 ReLU units, `mlp((64, 128, 128, 10))`: many more weights\nthan "
    "training digits",
    "Adam (learning rate 0.003), mini-batches\nof 32 and 40 epochs",
    "the training accuracy reaches 100 %",
    "lowest point after about a dozen epochs and then *rises*",
    "The validation **accuracy** climbs quickly at first; after that it changes by only a few of\n"
    "  its 144 digits.",
    "the same run with `weight_decay=1e-3`",
    "The weights are much smaller, the training loss can no longer fall all the way to 0",
    "the validation loss rises less at the end: the gap shrinks",
    "Without regularisation few weights are close to 0",
    "L1 piles most of them up near 0",
    "(half the size for $p = 0.5$)",
    "The validation loss no longer climbs back up within these 40 epochs",
    "it is much less\nsure of its mistakes than the network of epoch 40. Here it also makes *more* "
    "mistakes",
    "the 150 digits followed by their four shifted copies: 750\ntraining digits",
    "An epoch is now five times as long, so we train for 16 epochs instead of 40",
    "That is still more gradient steps than before",
    "the validation loss ends lower than that of any run so far",
    "One hidden layer of 16 units",
    "The small network has the smallest gap so far",
    "in 40 epochs it has not\neven learned all of its 150 training digits, and its validation loss "
    "is the highest of all",
    "$1/144 \\approx 0.7$ percentage points",
    "**Every remedy shrinks the gap**",
    "every one except the smaller model ends\n  with a lower validation loss than the network "
    "without regularisation",
    "Data augmentation, the only remedy that adds\n  information, gives the lowest validation loss",
    "For the validation loss it does about what L2 does here",
    "every pair of 4 weight decays and 3 dropout rates: 12 runs",
    "1,000 times",
    "a pretend test part of 360",
    "a pretend test part of only 100 digits",
    "Choosing on the validation part gives a test score that is right on average",
    "Choosing on the test part gives a\ntest score that is too high on average, and the flattery "
    "grows when the test part is smaller",
    "360 digits rank\nthe settings more reliably than 144",
    "0, then\n1e-4, 1e-3 and 1e-2, each step ten times the one before)",
    "`early_stopping=10`, a quarter of the 40 epochs: the run ends 10 epochs after its best one",
    "$3 / (1 - 0.2) = 3.75$ with probability $0.8$",
    "$0.8 \\cdot 3.75 = 3$",
    "$1 - \\eta\\lambda = 1 - 0.001 = 0.999$",
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
def lesson(digits):
    """Every run of the lesson: method -> (model, history), as its sections train them."""
    X, y, _ = rw.small_training_set(digits)
    val = (digits.X_val, digits.y_val)
    X_aug, y_aug = rw.augment_with_shifts(X, y)
    return {
        "none": rw.train_small(X, y, val),
        "L2": rw.train_small(X, y, val, weight_decay=1e-3),
        "L1": rw.train_small(X, y, val, l1=1e-3),
        "dropout": rw.train_small(X, y, val, dropout=0.5),
        "early stopping": rw.train_small(X, y, val, early_stopping=10),
        "augmentation": rw.train_small(X_aug, y_aug, val, epochs=16),
        "smaller model": rw.train_small(X, y, val, sizes=rw.SMALL),
    }


def scores(model, X, y) -> dict[str, float]:
    return evaluate(model, X, one_hot(y, 10), "categorical_cross_entropy")


@pytest.fixture(scope="module")
def table(lesson, digits):
    """Section 9's table: the kept network's validation loss, accuracy and gap per method."""
    X, y, _ = rw.small_training_set(digits)
    X_aug, y_aug = rw.augment_with_shifts(X, y)
    rows = {}
    for name, (model, _) in lesson.items():
        train = scores(model, X_aug, y_aug) if name == "augmentation" else scores(model, X, y)
        val = scores(model, digits.X_val, digits.y_val)
        rows[name] = {"val_loss": val["loss"], "val_accuracy": val["accuracy"],
                      "train_accuracy": train["accuracy"], "gap": val["loss"] - train["loss"]}
    return rows


def test_quoted_phrases_are_still_in_the_lesson(markdown):
    missing = [phrase for phrase in QUOTED if phrase not in markdown]
    assert not missing, f"the lesson no longer says: {missing}"


def test_lesson_code_uses_the_module_settings(notebook):
    # The lesson's fit calls are train_small's calls: same network, optimizer, epochs, batches.
    for cell_id in ("big", "l2-train", "l1-train", "dropout-train", "early", "augment-train"):
        assert re.search(r"mlp\(\(64, 128, 128, 10\)(, dropout=0\.5)?, seed=0\)",
                         cell(notebook, cell_id)), cell_id
    for cell_id in ("baseline", "l2-train", "l1-train", "dropout-train", "early",
                    "augment-train"):
        source = cell(notebook, cell_id)
        assert re.search(r"Adam\(lr=0\.003[,)]", source), cell_id
        assert "batch_size=32" in source and "validation_data=(X_val, y_val)" in source, cell_id
    assert rw.BIG == (64, 128, 128, 10) and rw.LR == 0.003 and rw.BATCH_SIZE == 32
    assert rw.EPOCHS == 40 and rw.SMALL == (64, 16, 10) and rw.LESSON_SEED == 0
    for cell_id in ("baseline", "l2-train", "l1-train", "dropout-train", "early", "small"):
        assert "epochs=40" in cell(notebook, cell_id), cell_id
    assert "weight_decay=1e-3" in cell(notebook, "l2-train")
    assert "l1=1e-3" in cell(notebook, "l1-train")
    assert "dropout=0.5" in cell(notebook, "dropout-train")
    assert "early_stopping=10" in cell(notebook, "early")
    assert "epochs=16" in cell(notebook, "augment-train")
    assert "mlp((64, 16, 10), seed=0)" in cell(notebook, "small")
    assert "n_per_class=15, seed=0" in cell(notebook, "data")


def test_the_polynomial_picture():
    x, y = regression_1d(n=10, noise=0.25, seed=1)
    x_new, y_new = regression_1d(n=50, noise=0.25, seed=2)
    train, val = {}, {}
    for degree in (1, 3, 9):
        curve = np.polynomial.Polynomial.fit(x[:, 0], y[:, 0], degree)
        assert len(curve.coef) == degree + 1
        train[degree] = np.mean((curve(x[:, 0]) - y[:, 0]) ** 2)
        val[degree] = np.mean((curve(x_new[:, 0]) - y_new[:, 0]) ** 2)
    assert train[9] < 1e-6                                   # through every training point
    assert max(val, key=val.get) == 9 and min(val, key=val.get) == 3
    assert train[1] > 0.1 and val[1] > 0.1                    # degree 1: both errors large


def test_the_parts(digits):
    X, y, rows = rw.small_training_set(digits, n_per_class=15, seed=0)
    assert len(y) == 150 and np.bincount(y).tolist() == [15] * 10
    assert len(digits.y_train) == 1293 and len(digits.y_val) == 144 and len(digits.y_test) == 360
    assert f"{1 / 144:.1%}" == "0.7%"


def test_the_big_network_has_many_more_weights_than_digits(lesson):
    model, _ = lesson["none"]
    assert model.count_parameters() == 26_122 and model.count_parameters() > 100 * 150


def test_without_regularisation(lesson):
    _, h = lesson["none"]
    assert h["accuracy"][-1] == 1.0
    lowest = int(np.argmin(h["val_loss"]))
    assert 9 <= lowest + 1 <= 15                              # "after about a dozen epochs"
    assert h["val_loss"][-1] > h["val_loss"][lowest] + 0.05    # "and then *rises*"
    # "after that it changes by only a few of its 144 digits": from the epoch of the lowest
    # validation loss on
    late = np.array(h["val_accuracy"][lowest:])
    assert (late.max() - late.min()) * 144 <= 7


def test_l2_shrinks_the_weights_and_the_gap(lesson, table):
    squares = {name: np.sum(rw.weights_of(lesson[name][0]) ** 2) for name in ("none", "L2")}
    assert squares["L2"] < 0.6 * squares["none"]             # "much smaller"
    none, l2 = lesson["none"][1], lesson["L2"][1]
    assert l2["loss"][-1] > 2 * none["loss"][-1]               # cannot fall all the way to 0
    rise = {name: h["val_loss"][-1] - min(h["val_loss"]) for name, h in (("none", none),
                                                                         ("L2", l2))}
    assert rise["L2"] < rise["none"] / 2                       # "rises less at the end"
    assert table["L2"]["gap"] < table["none"]["gap"]


def test_l1_leaves_most_weights_near_zero(lesson):
    near_zero = {name: np.mean(np.abs(rw.weights_of(lesson[name][0])) < 0.01)
                 for name in ("none", "L2", "L1")}
    assert near_zero["none"] < 0.1                             # "few weights are close to 0"
    assert near_zero["L1"] > 0.5                               # "most of them"
    assert near_zero["none"] < near_zero["L2"] < near_zero["L1"]


def test_l1_and_l2_end_with_about_the_same_validation_loss(table):
    # "For the validation loss it does about what L2 does here"
    assert abs(table["L1"]["val_loss"] - table["L2"]["val_loss"]) < 0.03


def test_dropout_keeps_the_validation_loss_from_climbing(lesson):
    _, h = lesson["dropout"]
    assert int(np.argmin(h["val_loss"])) + 1 >= 35
    assert h["val_loss"][-1] - min(h["val_loss"]) < 0.01
    assert 1 - 0.5 == 0.5                                      # "half the size for p = 0.5"


def test_early_stopping_keeps_a_less_confident_network(lesson, digits, table):
    model, h = lesson["early stopping"]
    assert h.epochs < 40 and h.stopped_early
    assert h.best_epoch == int(np.argmin(lesson["none"][1]["val_loss"]))  # the same best epoch
    # Section 6: "`early_stopping=10`, a quarter of the 40 epochs: the run ends 10 epochs after
    # its best one."
    assert h.epochs == h.best_epoch + 1 + 10
    kept = scores(model, digits.X_val, digits.y_val)
    assert kept["loss"] == pytest.approx(h["val_loss"][h.best_epoch], abs=1e-12)

    def sure_when_wrong(m):
        P = m.predict_proba(digits.X_val)
        wrong = P.argmax(axis=1) != digits.y_val
        return P[wrong].max(axis=1).mean(), wrong.sum()

    sure_es, wrong_es = sure_when_wrong(model)
    sure_none, wrong_none = sure_when_wrong(lesson["none"][0])
    assert sure_es < sure_none - 0.1                           # "much less sure"
    assert wrong_es > wrong_none                               # "*more* mistakes"


def test_augmentation(lesson, table):
    assert 150 * 5 == 750 and 750 / 150 == 5                    # "five times as long"
    steps_before, steps_after = 40 * math.ceil(150 / 32), 16 * math.ceil(750 / 32)
    assert steps_after > steps_before                          # "more gradient steps"
    so_far = ("none", "L2", "L1", "dropout", "early stopping")
    assert all(table["augmentation"]["val_loss"] < table[name]["val_loss"] for name in so_far)


def test_the_smaller_model(lesson, table):
    assert lesson["smaller model"][0].count_parameters() == 1_210
    others = [name for name in table if name != "smaller model"]
    assert all(table["smaller model"]["gap"] < table[name]["gap"] for name in others)
    assert table["smaller model"]["train_accuracy"] < 1.0
    assert all(table["smaller model"]["val_loss"] > table[name]["val_loss"] for name in others)


def test_the_comparison(table):
    none = table["none"]
    for name, row in table.items():
        if name != "none":
            assert row["gap"] < none["gap"], name              # every remedy shrinks the gap
        if name not in ("none", "smaller model"):
            assert row["val_loss"] < none["val_loss"], name
    assert min(table, key=lambda name: table[name]["val_loss"]) == "augmentation"
    accuracies = [row["val_accuracy"] for row in table.values()]
    assert (max(accuracies) - min(accuracies)) * 144 <= 8      # "a few validation digits apart"


def test_the_grid_and_the_choice(digits):
    runs = rw.grid_runs()
    assert len(rw.WEIGHT_DECAYS) == 4 and len(rw.DROPOUTS) == 3 and len(runs) == 12
    assert [rw.format_decay(w) for w in rw.WEIGHT_DECAYS] == ["0", "1e-4", "1e-3", "1e-2"]
    assert all(b == 10 * a for a, b in zip(rw.WEIGHT_DECAYS[1:], rw.WEIGHT_DECAYS[2:]))


def test_choosing_on_the_test_part_flatters(digits):
    # Section 11, as the lesson computes it (1,000 random splits of the unseen digits).
    runs = rw.grid_runs()
    _, _, rows = rw.small_training_set(digits)
    unused = np.setdiff1d(np.arange(len(digits.y_train)), rows)
    pool_X = np.vstack([digits.X_test, digits.X_train[unused]])
    pool_y = np.concatenate([digits.y_test, digits.y_train[unused]])
    keys = list(runs)
    right = np.array([runs[key].model.predict(pool_X) == pool_y for key in keys])

    def score(key):
        h = runs[key].history
        return (h["val_accuracy"][-1], -h["val_loss"][-1])

    by_val = keys.index(max(runs, key=score))

    def flattery(n_test):
        rng = np.random.default_rng(0)
        by_test_gaps, by_val_gaps = [], []
        for _ in range(1000):
            order = rng.permutation(len(pool_y))
            part, rest = order[:n_test], order[n_test:]
            acc_part, acc_rest = right[:, part].mean(axis=1), right[:, rest].mean(axis=1)
            k = int(np.argmax(acc_part))
            by_test_gaps.append(acc_part[k] - acc_rest[k])
            by_val_gaps.append(acc_part[by_val] - acc_rest[by_val])
        return np.mean(by_test_gaps), np.mean(by_val_gaps)

    test_360, val_360 = flattery(360)
    test_100, val_100 = flattery(100)
    assert abs(val_360) < 0.002 and abs(val_100) < 0.002      # right on average
    assert test_360 > 0.003 and test_100 > 0.003               # too high on average
    assert test_100 > 2 * test_360                             # grows as the test part shrinks


def test_check_yourself_numbers():
    p, h = 0.2, 3.0
    assert h / (1 - p) == pytest.approx(3.75) and 1 - p == pytest.approx(0.8)
    assert (1 - p) * h / (1 - p) == pytest.approx(3.0)
    eta, lam = 0.1, 0.01
    assert eta * lam == pytest.approx(0.001) and 1 - eta * lam == pytest.approx(0.999)
