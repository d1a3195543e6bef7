"""nnedu.widgets.regularisation (lesson 10): shifts, the small training set, the cached grid of
runs, the readout, the figures and the explorer.

The claims the explorer invites students to check ("more weight decay or dropout, smaller gap")
are asserted on the cached runs themselves.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnedu.data import load_digits
from nnedu.train import History
from nnedu.widgets import regularisation as rw
from nnedu.widgets import regularisation_figures as rf

# plt.show() under the Agg backend of the tests only warns that it cannot open a window.
pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def runs():
    return rw.grid_runs()


def roll_and_blank(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """A one-step shift written with np.roll: roll, then blank what wrapped around."""
    out = np.roll(image, (rows, cols), axis=(-2, -1))
    if rows == 1:
        out[..., 0, :] = 0
    if rows == -1:
        out[..., -1, :] = 0
    if cols == 1:
        out[..., :, 0] = 0
    if cols == -1:
        out[..., :, -1] = 0
    return out


def history_of(loss, val_loss, accuracy, val_accuracy) -> History:
    h = History()
    for logs in zip(loss, val_loss, accuracy, val_accuracy):
        h.record(dict(zip(("loss", "val_loss", "accuracy", "val_accuracy"), logs)))
    return h


# ----------------------------------------------------------------------------- shifts
images_8x8 = arrays(np.float64, (3, 8, 8), elements=st.floats(0.0, 1.0))


@given(images_8x8, st.sampled_from(list(rw.SHIFTS.values())))
def test_one_pixel_shift_is_np_roll_with_the_wrapped_edge_blanked(images, shift):
    shifted = rw.shift_images(images, *shift)
    assert shifted.shape == images.shape and shifted.dtype == images.dtype
    np.testing.assert_array_equal(shifted, roll_and_blank(images, *shift))


@given(images_8x8)
def test_shift_fills_with_zeros_and_keeps_the_rest(images):
    down = rw.shift_images(images, 1, 0)
    assert np.all(down[:, 0, :] == 0)                     # the new top row is blank paper
    np.testing.assert_array_equal(down[:, 1:, :], images[:, :-1, :])
    right = rw.shift_images(images, 0, 1)
    assert np.all(right[:, :, 0] == 0)
    np.testing.assert_array_equal(right[:, :, 1:], images[:, :, :-1])
    assert down.sum() <= images.sum() + 1e-9              # ink can only be lost at the edge


def test_shift_directions_and_special_cases():
    image = np.zeros((8, 8))
    image[3, 4] = 1.0
    for name, (rows, cols) in rw.SHIFTS.items():
        moved = rw.shift_images(image, rows, cols)
        assert moved.shape == (8, 8)
        assert moved[3 + rows, 4 + cols] == 1.0 and moved.sum() == 1.0, name
    assert rw.SHIFTS == {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
    np.testing.assert_array_equal(rw.shift_images(image, 0, 0), image)
    np.testing.assert_array_equal(rw.shift_images(image, 2, -3)[5, 1], 1.0)
    assert not rw.shift_images(image, 8, 0).any() and not rw.shift_images(image, 0, -9).any()
    original = image.copy()
    rw.shift_images(image, 1, 1)
    np.testing.assert_array_equal(image, original)        # the input is not changed


def test_shift_rejects_bad_input():
    with pytest.raises(ValueError, match=r"shift_images.*\(n, height, width\).*reshape"):
        rw.shift_images(np.zeros((2, 64, 1, 1)), 1, 0)
    with pytest.raises(ValueError, match="shift_images"):
        rw.shift_images(np.zeros(64), 1, 0)
    with pytest.raises(TypeError, match="whole number of pixels"):
        rw.shift_images(np.zeros((8, 8)), 0.5, 0)
    with pytest.raises(TypeError, match="whole number of pixels"):
        rw.shift_images(np.zeros((8, 8)), True, 0)


def test_augment_with_shifts_appends_one_shifted_copy_per_direction(digits):
    X, y = digits.X_train[:7], digits.y_train[:7]
    X_aug, y_aug = rw.augment_with_shifts(X, y)
    assert X_aug.shape == (35, 64) and y_aug.shape == (35,)
    np.testing.assert_array_equal(X_aug[:7], X)
    for k, (rows, cols) in enumerate(rw.SHIFTS.values(), start=1):
        block = X_aug[7 * k:7 * (k + 1)].reshape(-1, 8, 8)
        np.testing.assert_array_equal(block, roll_and_blank(X.reshape(-1, 8, 8), rows, cols))
        np.testing.assert_array_equal(y_aug[7 * k:7 * (k + 1)], y)  # labels are kept
    with pytest.raises(ValueError, match=r"augment_with_shifts.*\(n, 64\)"):
        rw.augment_with_shifts(X.reshape(-1, 8, 8), y)
    with pytest.raises(ValueError, match="augment_with_shifts"):
        rw.augment_with_shifts(X, y[:3])


# ----------------------------------------------------------------------------- the small set
def test_small_training_set_has_15_of_each_digit_from_the_training_part(digits):
    X, y, rows = rw.small_training_set(digits)
    assert X.shape == (150, 64) and y.shape == (150,)
    assert np.bincount(y, minlength=10).tolist() == [15] * 10
    assert len(np.unique(rows)) == 150
    np.testing.assert_array_equal(X, digits.X_train[rows])
    np.testing.assert_array_equal(y, digits.y_train[rows])
    assert not np.array_equal(np.sort(y), y)   # shuffled, not sorted by class
    X2, y2, rows2 = rw.small_training_set(digits)
    np.testing.assert_array_equal(rows, rows2)                       # same seed, same digits
    assert not np.array_equal(rw.small_training_set(digits, seed=1)[2], rows)
    assert len(rw.small_training_set(digits, n_per_class=3)[1]) == 30


def test_small_training_set_rejects_bad_counts(digits):
    with pytest.raises(ValueError, match="n_per_class must be a whole number"):
        rw.small_training_set(digits, n_per_class=0)
    with pytest.raises(ValueError, match="fewer than n_per_class=500"):
        rw.small_training_set(digits, n_per_class=500)


# ----------------------------------------------------------------------------- readout
def test_run_summary_takes_the_first_best_epoch_and_the_final_gap():
    h = history_of(loss=[1.0, 0.5, 0.2, 0.1], val_loss=[1.1, 0.8, 0.7, 0.62],
                   accuracy=[0.5, 0.8, 0.9, 1.0], val_accuracy=[0.4, 0.75, 0.8, 0.8])
    s = rw.run_summary(h)
    assert s == rw.RunSummary(best_epoch=3, best_val_accuracy=0.8, final_gap=pytest.approx(0.52))
    assert rw.run_summary(h.history) == s     # a plain dict of lists works too


def test_readout_text_formats_the_setting_and_the_numbers():
    h = history_of(loss=[0.9, 0.3], val_loss=[1.0, 0.42], accuracy=[0.6, 0.9],
                   val_accuracy=[0.847222, 0.8])
    assert rw.readout_text(1e-3, 0.25, h) == (
        "weight decay 1e-3, dropout 0.25: best validation accuracy 84.7 % at epoch 1; "
        "gap after the last epoch (validation loss − training loss) 0.12"
    )
    assert rw.readout_text(0.0, 0.0, h).startswith("weight decay 0, dropout 0: ")


@pytest.mark.parametrize(("value", "text"), [(0.0, "0"), (1e-4, "1e-4"), (1e-3, "1e-3"),
                                             (1e-2, "1e-2"), (0.003, "0.003"), (1.0, "1e0")])
def test_format_decay(value, text):
    assert rw.format_decay(value) == text


def test_format_dropout():
    assert [rw.format_dropout(p) for p in rw.DROPOUTS] == ["0", "0.25", "0.5"]


# ----------------------------------------------------------------------------- cached runs
def test_grid_has_every_pair_and_is_cached(runs):
    assert list(runs) == list(itertools.product(rw.WEIGHT_DECAYS, rw.DROPOUTS))
    assert len(runs) == 4 * 3
    assert rw.grid_runs() is runs                     # the second call trains nothing
    for (weight_decay, dropout), run in runs.items():
        assert (run.weight_decay, run.dropout) == (weight_decay, dropout)
        assert run.history.epochs == rw.EPOCHS
        has_dropout = any(type(layer).__name__ == "Dropout" for layer in run.model.layers)
        assert has_dropout == (dropout > 0)


def test_cached_run_is_train_small_bit_for_bit(runs, digits):
    X, y, _ = rw.small_training_set(digits)
    model, history = rw.train_small(X, y, (digits.X_val, digits.y_val), weight_decay=1e-3,
                                    dropout=0.25)
    cached = runs[(1e-3, 0.25)]
    assert history.history == cached.history.history
    for a, b in zip(model.parameters(), cached.model.parameters()):
        np.testing.assert_array_equal(a, b)


def test_lookup_finds_runs_and_explains_missing_ones(runs):
    assert rw.lookup(runs, 1e-2, 0.5) is runs[(1e-2, 0.5)]
    assert rw.lookup(runs, 0, 0) is runs[(0.0, 0.0)]     # ints work too
    with pytest.raises(KeyError, match=r"weight decay 0\.5.*The grid has weight decays"):
        rw.lookup(runs, 0.5, 0.0)


def gap(run) -> float:
    return rw.run_summary(run.history).final_gap


def test_without_regularisation_the_network_overfits(runs):
    h = runs[(0.0, 0.0)].history
    assert h["accuracy"][-1] == 1.0
    lowest = int(np.argmin(h["val_loss"]))
    assert lowest < rw.EPOCHS // 2
    assert h["val_loss"][-1] > h["val_loss"][lowest] + 0.05     # the validation loss turns up
    assert h["loss"][-1] < h["loss"][lowest] / 5                 # while the training loss falls
    assert gap(runs[(0.0, 0.0)]) > 0.4


def test_every_regularised_run_has_a_smaller_gap_than_none(runs):
    none = gap(runs[(0.0, 0.0)])
    for key, run in runs.items():
        if key != (0.0, 0.0):
            assert gap(run) < none, key


def test_more_dropout_and_much_more_weight_decay_shrink_the_gap(runs):
    for weight_decay in rw.WEIGHT_DECAYS:             # more dropout: smaller gap, every row
        gaps = [gap(runs[(weight_decay, p)]) for p in rw.DROPOUTS]
        assert gaps == sorted(gaps, reverse=True), weight_decay
    for dropout in rw.DROPOUTS:                       # the strongest decay beats none and 1e-3
        assert gap(runs[(1e-2, dropout)]) < gap(runs[(1e-3, dropout)]) < gap(runs[(0.0, dropout)])
    assert min(runs.values(), key=gap) is runs[(1e-2, 0.5)]


def test_regularisation_lowers_the_final_validation_loss(runs):
    none = runs[(0.0, 0.0)].history["val_loss"][-1]
    for key, run in runs.items():
        if key[1] > 0 or key[0] >= 1e-3:
            assert run.history["val_loss"][-1] < none - 0.04, key


# ----------------------------------------------------------------------------- figures
def test_plot_history_draws_both_metrics_and_marks(runs):
    h = runs[(1e-3, 0.5)].history
    fig = rf.plot_history(h, reference=runs[(0.0, 0.0)].history, title="t")
    loss_ax, acc_ax = fig.axes[:2]
    assert loss_ax.get_ylim() == (0.0, 1.0)
    assert len(loss_ax.lines) == 4                    # two reference curves and the run's two
    labels = [t.get_text() for t in acc_ax.get_legend().get_texts()]
    s = rw.run_summary(h)
    assert f"best validation accuracy: epoch {s.best_epoch}" in labels
    star = acc_ax.lines[-1]
    assert star.get_xdata()[0] == s.best_epoch and star.get_ydata()[0] == s.best_val_accuracy
    fig = rf.plot_history(h, mark="loss")
    lowest = int(np.argmin(h["val_loss"])) + 1
    assert any(f"epoch {lowest}" in t.get_text() for t in fig.axes[1].get_legend().get_texts())


def test_plot_small_multiples_has_one_panel_per_run(runs):
    histories = {f"run {k}": run.history for k, run in enumerate(list(runs.values())[:5])}
    fig = rf.plot_small_multiples(histories, cols=4, marks={"run 1": 7})
    visible = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in visible] == list(histories)
    assert len(fig.axes) == 8 and len(visible) == 5
    assert any(line.get_xdata()[0] == 7 for line in visible[1].lines)


def test_weight_histograms_report_the_near_zero_share(runs):
    models = {"none": runs[(0.0, 0.0)].model, "L2": runs[(1e-2, 0.0)].model}
    fig = rf.plot_weight_histograms(models, threshold=0.01)
    for ax, (name, model) in zip(fig.axes, models.items()):
        share = np.mean(np.abs(rw.weights_of(model)) < 0.01)
        assert ax.get_title() == f"{name}\n{100 * share:.0f} % of |w| < 0.01"
    w = rw.weights_of(runs[(0.0, 0.0)].model)
    assert w.size == 64 * 128 + 128 * 128 + 128 * 10          # weights only, no biases


def test_plot_shifted_examples_and_plot_optimism(digits):
    fig = rf.plot_shifted_examples(digits.X_train, digits.y_train, n=2)
    assert len(fig.axes) == 2 * 5
    assert [ax.get_title() for ax in fig.axes[:5]] == ["original", "up", "down", "left", "right"]
    rng = np.random.default_rng(0)
    by_test, by_val = rng.normal(0.01, 0.01, 200), rng.normal(0.0, 0.01, 200)
    fig = rf.plot_optimism({"a": (by_test, by_val), "b": (by_test, by_val)},
                           bin_widths={"a": 0.005})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"mean {100 * by_test.mean():+.2f} points" in labels


# ----------------------------------------------------------------------------- the explorer
def test_explorer_starts_without_regularisation(runs):
    explorer = rw.RegularisationExplorer(runs)
    decay, dropout = explorer.controls["weight_decay"], explorer.controls["dropout"]
    assert explorer.setting == (0.0, 0.0)
    assert explorer.readout.value == f"<b>{rw.readout_text(0.0, 0.0, runs[(0.0, 0.0)].history)}</b>"
    assert [label for label, _ in decay.options] == ["0", "1e-4", "1e-3", "1e-2"]
    assert [label for label, _ in dropout.options] == ["0", "0.25", "0.5"]
    assert "nnedu-readout" in explorer.readout._dom_classes
    assert decay.description == "weight decay λ (L2)"      # the sliders say what they control
    assert dropout.description == "dropout rate p"
    assert "L2 penalty" in explorer.note.value and "switched off" in explorer.note.value
    assert explorer.note in explorer.widget.children          # shown under the sliders
    assert not explorer.reference["loss"].get_visible()   # no grey copy of itself


def test_moving_the_sliders_looks_up_and_moves_the_curves(runs):
    explorer = rw.RegularisationExplorer(runs)
    before = explorer.picture
    explorer.controls["weight_decay"].value = 1e-2      # as a student would, through the slider
    h = runs[(1e-2, 0.0)].history
    assert rw.readout_text(1e-2, 0.0, h) in explorer.readout.value
    np.testing.assert_array_equal(explorer.curves["val_loss"].get_ydata(), h["val_loss"])
    assert explorer.reference["loss"].get_visible()
    np.testing.assert_array_equal(explorer.reference["val_accuracy"].get_ydata(),
                                  runs[(0.0, 0.0)].history["val_accuracy"])
    assert explorer.picture != before
    explorer.controls["dropout"].value = 0.5
    expected = rw.readout_text(1e-2, 0.5, runs[(1e-2, 0.5)].history)
    assert expected in explorer.readout.value
    assert "best validation accuracy" in expected and "validation loss − training loss" in expected
    explorer.set(weight_decay=1e-3, dropout=0.25)        # both sliders from code: one render
    s = rw.run_summary(runs[(1e-3, 0.25)].history)
    assert explorer.setting == (1e-3, 0.25)
    assert list(explorer.best.get_xdata()) == [s.best_epoch]
    assert explorer.heading.get_text() == "weight decay λ = 1e-3, dropout p = 0.25"


def test_explorer_rejects_a_start_outside_the_grid(runs):
    with pytest.raises(KeyError, match="no cached run"):
        rw.RegularisationExplorer(runs, weight_decay=0.3)


def test_regularisation_explorer_returns_the_explorer(runs):
    explorer = rw.regularisation_explorer(runs, weight_decay=1e-4, dropout=0.5)
    assert isinstance(explorer, rw.RegularisationExplorer)
    assert explorer.setting == (1e-4, 0.5)
    assert explorer.picture.startswith(b"\x89PNG")
    default = rw.regularisation_explorer()            # the cached grid by default
    assert default.runs is rw.grid_runs()
