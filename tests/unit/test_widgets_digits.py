"""nnedu.widgets.digits (lesson 09): the lesson's training run, live curves, figures and the pad.

The pad is tested without a browser: its buttons are clicked from Python (``Button.click()``
calls the same handlers a mouse click does), and its state, readout and bars are compared with
the network's probabilities computed here.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnedu.__main__ import train_digits
from nnedu.data import load_digits
from nnedu.metrics import accuracy
from nnedu.network import Sequential, mlp
from nnedu.train import fit
from nnedu.widgets import digit_pad as dp
from nnedu.widgets import digits as dw

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
def trained(digits):
    """The lesson's main model and its history (seed 0, the train-digits defaults)."""
    return dw.train_lesson_model(seed=0, digits=digits)


@pytest.fixture
def untrained():
    return mlp((64, 64, 10), seed=3)


def expected_readout(model: Sequential, pixels, label: int | None = None) -> str:
    """The pad's readout, computed here; for a digit whose label is known, the verdict too."""
    p = model.predict_proba(np.asarray(pixels, dtype=float).reshape(1, 64))[0]
    k = int(np.argmax(p))
    text = f"prediction: {k} ({100 * p[k]:.1f} %)"
    if label is None:
        return text
    colour, mark = ("#009E73", "✓ right") if k == label else ("#D55E00", "✗ wrong")
    return f"{text} <span style='color:{colour}'>{mark}: it is a {label}</span>"


# ----------------------------------------------------------------------------- training
def test_lesson_model_reaches_97_percent_test_accuracy(trained, digits):
    model, history = trained
    test_accuracy = accuracy(digits.y_test, model.predict(digits.X_test))
    assert test_accuracy >= 0.97
    assert test_accuracy >= 0.98  # the train-digits defaults are the lesson's best setup
    assert history.epochs == 100
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_lesson_model_is_the_train_digits_default_run(trained, tmp_path):
    model, _ = trained
    path = tmp_path / "train_digits.npz"
    result = train_digits(progress=False, save=str(path))
    other = Sequential.load(path)
    for ours, theirs in zip(model.parameters(), other.parameters()):
        np.testing.assert_array_equal(ours, theirs)
    assert result["test_accuracy"] == pytest.approx(
        accuracy(load_digits().y_test, model.predict(load_digits().X_test)))


def test_same_seed_gives_the_same_weights_bit_for_bit(digits):
    a, _ = dw.train_lesson_model(seed=5, digits=digits, epochs=2)
    b, _ = dw.train_lesson_model(seed=5, digits=digits, epochs=2)
    c, _ = dw.train_lesson_model(seed=6, digits=digits, epochs=2)
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a.parameters()[0], c.parameters()[0])


def test_train_lesson_model_passes_the_callback(digits):
    seen = []
    _, history = dw.train_lesson_model(seed=0, digits=digits, epochs=3,
                                       callback=lambda epoch, logs: seen.append((epoch, logs)))
    assert [epoch for epoch, _ in seen] == [0, 1, 2]
    assert seen[-1][1]["val_accuracy"] == history["val_accuracy"][-1]


# ----------------------------------------------------------------------------- live curves
def test_live_plot_records_every_epoch_and_redraws_every_few(digits):
    live = dw.LiveTrainingPlot(epochs=5, every=2)
    assert "nnedu-live-status" in live.status._dom_classes
    history = fit(mlp((64, 16, 10), seed=0), digits.X_train, digits.y_train, epochs=5,
                  validation_data=(digits.X_val, digits.y_val), progress=False,
                  callback=live.callback)
    assert live.records == history.history
    assert live.redraws == 3  # after epochs 2, 4 and 5 (the last)
    logs = {key: values[-1] for key, values in history.history.items()}
    assert live.status.value == dw.status_text(5, 5, logs)
    assert live.status.value.startswith("epoch 5/5: loss ")


def test_status_text_formats_the_numbers():
    text = dw.status_text(40, 100, {"loss": 0.071234, "val_accuracy": 0.97916})
    assert text == "epoch 40/100: loss 0.0712, validation accuracy 97.9 %"
    assert dw.status_text(1, 2, {"loss": 1.0}) == "epoch 1/2: loss 1.0000"


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_live_plot_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="LiveTrainingPlot"):
        dw.LiveTrainingPlot(epochs=bad)
    with pytest.raises(ValueError, match="every"):
        dw.LiveTrainingPlot(epochs=10, every=bad)


def test_plot_training_draws_both_curves_on_a_fixed_axis(trained):
    _, history = trained
    fig = dw.plot_training({k: v[:30] for k, v in history.history.items()}, epochs=100)
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 2
    assert loss_ax.get_xlim() == (0, 101)
    np.testing.assert_array_equal(acc_ax.lines[1].get_ydata(), history["val_accuracy"][:30])
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert legend == ["training part", "validation part"]
    empty = dw.plot_training({}, epochs=10)
    assert all(len(ax.lines) == 0 for ax in empty.axes)


# ----------------------------------------------------------------------------- figures
def test_top_k_orders_by_probability():
    p = np.array([0.1, 0.05, 0.5, 0.05, 0.3])
    assert dw.top_k(p, 3) == [(2, 0.5), (4, 0.3), (0, 0.1)]
    assert dw.top_k(p, 2)[1] == (4, 0.3)
    assert [c for c, _ in dw.top_k(p, 5)][-2:] == [1, 3]  # ties keep class order


def test_plot_misclassified_shows_each_mistake_with_its_top_3(trained, digits):
    model, _ = trained
    P = model.predict_proba(digits.X_test)
    wrong = np.flatnonzero(P.argmax(axis=1) != digits.y_test)
    assert len(wrong) >= 1
    fig = dw.plot_misclassified(digits.X_test[wrong], digits.y_test[wrong], P[wrong], index=wrong)
    bar_axes = [ax for ax in fig.axes if ax.patches]
    assert len(bar_axes) == len(wrong)
    for ax, i in zip(bar_axes, wrong):
        widths = sorted((bar.get_width() for bar in ax.patches), reverse=True)
        np.testing.assert_allclose(widths, [p for _, p in dw.top_k(P[i], 3)])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0].startswith(f"#{wrong[0]}: true {digits.y_test[wrong[0]]}")
    assert dw.plot_misclassified(np.zeros((0, 64)), [], np.zeros((0, 10))).axes
    with pytest.raises(ValueError, match="one of each per digit"):
        dw.plot_misclassified(digits.X_test[:3], digits.y_test[:2], P[:3])


def test_weight_montage_places_each_unit_in_its_tile():
    W = np.random.default_rng(0).normal(size=(64, 10))
    montage = dw.weight_montage(W, cols=4, gap=2)
    assert montage.shape == (3 * 10 - 2, 4 * 10 - 2)
    for j in range(10):
        r, c = divmod(j, 4)
        np.testing.assert_array_equal(montage[r * 10:r * 10 + 8, c * 10:c * 10 + 8],
                                      W[:, j].reshape(8, 8))
    assert np.isnan(montage[8:10, :]).all()      # the gaps
    assert np.isnan(montage[20:, 20:]).all()     # the two empty tiles at the end


def test_plot_hidden_weights_centres_the_colours_at_zero(trained, digits):
    model, _ = trained
    W1, W2 = model.layers[0].params["W"], model.layers[2].params["W"]
    dead = dw.dead_units(model, digits.X_train)
    fig = dw.plot_hidden_weights(W1, W2, dead=dead, title="weights")
    image = fig.axes[0].images[0]
    low, high = image.get_clim()
    assert low == -high == -np.abs(W1).max()
    labels = [text.get_text() for text in fig.axes[0].texts]
    assert len(labels) == 64
    for j in range(64):
        expected = f"{j}: dead" if j in dead else f"{j} → {int(np.argmax(W2[j]))}"
        assert labels[j] == expected
    with pytest.raises(ValueError, match="shape"):
        dw.plot_hidden_weights(np.zeros((10, 3)))


def test_dead_units_are_the_units_that_never_fire(digits):
    model = mlp((64, 8, 10), seed=0)
    model.layers[0].params["b"][3] = -1e3   # unit 3 can never reach z > 0
    dead = dw.dead_units(model, digits.X_train)
    assert 3 in dead
    Z = digits.X_train @ model.layers[0].params["W"] + model.layers[0].params["b"]
    np.testing.assert_array_equal(dead, [j for j in range(8) if Z[:, j].max() <= 0])


# ----------------------------------------------------------------------------- the pad
def test_readout_text_and_cell_colours():
    p = np.full(10, 0.069 / 9)
    p[7] = 0.931
    assert dp.readout_text(p) == "prediction: 7 (93.1 %)"
    assert dp.cell_colour(0.0) == "#ffffff"
    assert dp.cell_colour(1.0) == "#000000"
    assert dp.cell_colour(0.5) == "#808080"
    assert dp.cell_colour(3.0) == "#000000"


def test_pad_starts_with_test_digit_0(untrained, digits):
    pad = dp.DigitPad(untrained, digits)
    np.testing.assert_array_equal(pad.pixels, digits.X_test[0].reshape(8, 8))
    assert pad.info.value == f"test digit #0: a {digits.y_test[0]}"
    assert pad.readout.value == expected_readout(untrained, digits.X_test[0], digits.y_test[0])
    assert "nnedu-readout" in pad.readout._dom_classes
    assert pad.cells[2][3].style.button_color == dp.cell_colour(digits.X_test[0][2 * 8 + 3])
    empty = dp.DigitPad(untrained, digits, start=None)
    assert not empty.pixels.any()


def test_probabilities_sum_to_one_and_the_bars_show_them(untrained, digits):
    pad = dp.DigitPad(untrained, digits, start=11)
    np.testing.assert_allclose(pad.probabilities.sum(), 1.0)
    np.testing.assert_allclose([bar.value for bar in pad.bars], pad.probabilities)
    winner = int(np.argmax(pad.probabilities))
    assert [bar.bar_style for bar in pad.bars].count("success") == 1
    assert pad.bars[winner].bar_style == "success"
    assert pad.bar_labels[winner].value == f"{100 * pad.probabilities[winner]:.1f} %"
    assert [bar.description for bar in pad.bars] == [str(k) for k in range(10)]


def test_clicking_cells_paints_and_erases(untrained, digits):
    pad = dp.DigitPad(untrained, digits, start=None)
    pad.cells[1][4].click()                        # the pen starts as full ink
    assert pad.pixels[1, 4] == 1.0 and pad.pixels.sum() == 1.0
    assert pad.cells[1][4].style.button_color == "#000000"
    assert pad.readout.value == expected_readout(untrained, pad.pixels)
    assert pad.info.value == "your drawing"
    pad.cells[1][4].click()                        # the same pen again: erase
    assert pad.pixels[1, 4] == 0.0
    assert pad.cells[1][4].style.button_color == "#ffffff"
    pad.pen.value = 0.5                            # light ink
    pad.cells[2][4].click()
    assert pad.pixels[2, 4] == 0.5
    pad.pen.value = 1.0                            # full ink over light ink
    pad.cells[2][4].click()
    assert pad.pixels[2, 4] == 1.0
    pad.pen.value = 0.0                            # the eraser
    pad.cells[2][4].click()
    pad.cells[5][5].click()
    assert not pad.pixels.any()
    np.testing.assert_allclose(pad.probabilities, untrained.predict_proba(np.zeros((1, 64)))[0])


def test_drawing_a_stroke_updates_the_readout_after_every_click(trained, digits):
    model, _ = trained
    pad = dp.DigitPad(model, digits, start=None)
    for row in range(1, 7):                        # a vertical stroke: a 1
        pad.cells[row][4].click()
        assert pad.readout.value == expected_readout(model, pad.pixels)
    assert pad.pixels[:, 4].sum() == 6


def test_clear_button_empties_the_pad(trained, digits):
    model, _ = trained
    pad = dp.DigitPad(model, digits, start=3)
    before = pad.readout.value
    pad.clear_button.click()
    assert not pad.pixels.any()
    assert all(cell.style.button_color == "#ffffff" for row in pad.cells for cell in row)
    assert pad.readout.value == expected_readout(model, np.zeros(64))
    assert pad.readout.value != before
    assert pad.info.value == "empty pad"


def test_load_button_loads_the_chosen_test_digit(trained, digits):
    model, _ = trained
    pad = dp.DigitPad(model, digits, start=None)
    pad.index.value = 42
    pad.load_button.click()
    np.testing.assert_array_equal(pad.pixels, digits.X_test[42].reshape(8, 8))
    assert pad.info.value == f"test digit #42: a {digits.y_test[42]}"
    assert pad.readout.value == expected_readout(model, digits.X_test[42], digits.y_test[42])
    predicted = model.predict(digits.X_test[42:43])[0]
    assert pad.readout.value.startswith(f"prediction: {predicted} (")
    assert pad.index.max == len(digits.X_test) - 1


def test_a_loaded_digit_is_marked_right_or_wrong_until_it_is_changed(trained, digits):
    model, _ = trained
    predicted = model.predict(digits.X_test)
    right, wrong = (int(np.flatnonzero(predicted == digits.y_test)[0]),
                    int(np.flatnonzero(predicted != digits.y_test)[0]))
    pad = dp.DigitPad(model, digits, start=right)
    assert "✓ right: it is a" in pad.readout.value
    pad.load_test_digit(wrong)
    label = int(digits.y_test[wrong])
    assert f"✗ wrong: it is a {label}" in pad.readout.value
    assert pad.bar_labels[label].value.endswith("← true class")
    assert sum("true class" in lab.value for lab in pad.bar_labels) == 1
    pad.cells[0][0].click()                        # a changed picture: no label any more
    assert pad.label is None and "right" not in pad.readout.value
    assert not any("true class" in lab.value for lab in pad.bar_labels)


def test_pad_rejects_bad_input(untrained, digits):
    pad = dp.DigitPad(untrained, digits)
    with pytest.raises(ValueError, match="0…359"):
        pad.load_test_digit(360)
    with pytest.raises(ValueError, match="scaled to 0…1"):
        dp.DigitPad(untrained, load_digits(scale=None))
    with pytest.raises(TypeError, match="trained network"):
        dp.DigitPad("not a model", digits)
    with pytest.raises(ValueError, match="64 pixels"):
        dp.predict_pixels(untrained, np.zeros(10))


def test_digit_drawing_pad_returns_the_widget(untrained, digits):
    widget = dp.digit_drawing_pad(untrained, digits, start=5)
    assert "nnedu-digit-pad" in widget._dom_classes
    classes = [cls for box in widget.children[0].children
               for child in getattr(box, "children", ())
               for cls in child._dom_classes if cls.startswith("nnedu-pixel-")]
    assert len(classes) == 64 and "nnedu-pixel-7-7" in classes
