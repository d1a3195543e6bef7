"""nnedu.widgets.evaluation (lesson 11): threshold metrics, the precision–recall curve, the widget.

Also asserts the numbers that lessons/11_evaluating_models.ipynb quotes in its markdown
(the "always no" baseline, the neuron's scores at 0.5 and the "Check yourself" arithmetic).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from nnedu import metrics
from nnedu.data import load_digits
from nnedu.widgets import evaluation as ev

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "11_evaluating_models.ipynb"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scores():
    return ev.is_three_test_scores()


def counts_by_loop(threshold, y_true, proba):
    """TP, FP, FN, TN one sample at a time (independent of the module)."""
    tp = fp = fn = tn = 0
    for label, p in zip(y_true, proba):
        said = p >= threshold
        if said and label == 1:
            tp += 1
        elif said:
            fp += 1
        elif label == 1:
            fn += 1
        else:
            tn += 1
    return tp, fp, fn, tn


# ----------------------------------------------------------------------------- metrics_at
def test_metrics_at_on_a_small_example():
    y = np.array([1, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.4, 0.6, 0.1, 0.7, 0.3])
    m = ev.metrics_at(0.5, y, p)  # called positive: 0.9, 0.6, 0.7
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (2, 1, 1, 2)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert ev.metrics_at(0.4, y, p)["tp"] == 3  # p == threshold counts as positive
    np.testing.assert_array_equal(ev.confusion_2x2(m), [[2, 1], [1, 2]])


def test_metrics_at_extreme_thresholds():
    y = np.array([1, 0, 0, 1])
    p = np.array([0.2, 0.3, 0.8, 0.9])
    everyone = ev.metrics_at(0.0, y, p)
    assert everyone["recall"] == 1.0 and everyone["precision"] == 0.5
    nobody = ev.metrics_at(1.01, y, p)
    assert nobody["tp"] == nobody["fp"] == 0
    assert nobody["precision"] == 0.0 and nobody["recall"] == 0.0 and nobody["f1"] == 0.0
    assert nobody["accuracy"] == 0.5


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=1, max_size=40),
       st.floats(0, 1))
def test_metrics_at_agrees_with_a_loop_and_sklearn(pairs, threshold):
    y = np.array([label for label, _ in pairs])
    p = np.array([prob for _, prob in pairs])
    m = ev.metrics_at(threshold, y, p)
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == counts_by_loop(threshold, y, p)
    y_pred = (p >= threshold).astype(int)
    kw = {"labels": [0, 1], "zero_division": 0}
    assert m["precision"] == pytest.approx(skm.precision_score(y, y_pred, **kw))
    assert m["recall"] == pytest.approx(skm.recall_score(y, y_pred, **kw))
    assert m["f1"] == pytest.approx(skm.f1_score(y, y_pred, **kw))
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, y_pred))


def test_metrics_at_accepts_columns_and_rejects_bad_input():
    y = np.array([[1], [0]])
    p = np.array([[0.7], [0.2]])
    assert ev.metrics_at(0.5, y, p)["accuracy"] == 1.0
    with pytest.raises(ValueError, match="same length"):
        ev.metrics_at(0.5, [1, 0, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="0 and 1.*is_positive"):
        ev.metrics_at(0.5, [3, 5], [0.2, 0.3])
    with pytest.raises(ValueError, match="nan"):
        ev.metrics_at(0.5, [1, 0], [np.nan, 0.3])
    with pytest.raises(ValueError, match="no samples"):
        ev.metrics_at(0.5, [], [])


def test_readout_text():
    m = {"threshold": 0.5, "precision": 0.9091, "recall": 0.88235, "f1": 0.8955,
         "accuracy": 0.98055}
    assert ev.readout_text(m) == (
        "threshold 0.50: precision 0.91, recall 0.88, F1 0.90, accuracy 0.98"
    )


# ----------------------------------------------------------------------------- the curve
def test_precision_recall_curve_matches_metrics_at_and_sklearn(scores):
    y, p = scores
    thresholds, precision, recall = ev.precision_recall_curve(y, p)
    assert np.all(np.diff(thresholds) < 0)
    for t, prec, rec in zip(thresholds, precision, recall):
        m = ev.metrics_at(t, y, p)
        assert m["precision"] == pytest.approx(prec) and m["recall"] == pytest.approx(rec)
    sk_p, sk_r, sk_t = skm.precision_recall_curve(y, p)
    at = dict(zip(thresholds, zip(precision, recall)))
    for t, prec, rec in zip(sk_t, sk_p[:-1], sk_r[:-1]):
        assert at[t] == pytest.approx((prec, rec))


def test_precision_recall_curve_merges_ties():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.8, 0.8, 0.5, 0.1])
    thresholds, precision, recall = ev.precision_recall_curve(y, p)
    np.testing.assert_array_equal(thresholds, [0.8, 0.5, 0.1])
    np.testing.assert_allclose(precision, [1 / 2, 2 / 3, 2 / 4])
    np.testing.assert_allclose(recall, [1 / 2, 1, 1])
    with pytest.raises(ValueError, match="no positive"):
        ev.precision_recall_curve([0, 0], [0.1, 0.2])


# ----------------------------------------------------------------------------- data and model
def test_is_positive():
    np.testing.assert_array_equal(ev.is_positive([3, 1, 3, 0]), [1, 0, 1, 0])
    np.testing.assert_array_equal(ev.is_positive([3, 1], positive=1), [0, 1])


def test_cached_scores_are_the_models_and_read_only(scores):
    y, p = scores
    digits = load_digits()
    np.testing.assert_array_equal(y, digits.y_test == ev.POSITIVE_DIGIT)
    model = ev.train_is_three_model(digits=digits)
    np.testing.assert_array_equal(p, model.predict_proba(digits.X_test)[:, 0])
    assert ev.is_three_test_scores() is not None and ev.is_three_test_scores()[1] is p
    with pytest.raises(ValueError):
        p[0] = 0.5


# ----------------------------------------------------------------------------- the lesson's numbers
def test_numbers_quoted_in_lesson_11(scores):
    y, p = scores
    # "always answering 'not a 3' is about 90 % accurate and has recall 0"
    always_no = np.zeros_like(y)
    assert 0.89 <= metrics.accuracy(y, always_no) <= 0.91
    assert metrics.recall(y, always_no) == 0.0
    # "only about one digit in ten is a 3"
    assert 0.08 <= y.mean() <= 0.12
    # "from about 0.91 to about 0.98; recall and F1 went from 0 to near 0.9"
    half = ev.metrics_at(0.5, y, p)
    assert round(metrics.accuracy(y, always_no), 2) == 0.91 and round(half["accuracy"], 2) == 0.98
    assert 0.85 <= half["recall"] <= 0.95 and 0.85 <= half["f1"] <= 0.95
    # Check yourself 3: TP = 30, FP = 3, FN = 4, TN = 323 at threshold 0.5
    assert (half["tp"], half["fp"], half["fn"], half["tn"]) == (30, 3, 4, 323)
    assert f"{30 / 33:.2f}" == "0.91" and f"{30 / 34:.2f}" == "0.88"
    assert f"{60 / 67:.2f}" == "0.90" and f"{353 / 360:.2f}" == "0.98"
    assert half["precision"] == pytest.approx(30 / 33) and half["f1"] == pytest.approx(60 / 67)
    # Things to try 1: lowering the threshold from 0.50 reaches recall 1.00
    assert ev.metrics_at(0.0, y, p)["recall"] == 1.0


def test_check_yourself_arithmetic():
    healthy = np.zeros(1000, dtype=int)
    ill = np.r_[np.ones(10, dtype=int), np.zeros(990, dtype=int)]
    assert metrics.accuracy(ill, healthy) == 0.99 and metrics.recall(ill, healthy) == 0.0
    errors_a, errors_b = np.array([1.0, 1, 1, 1]), np.array([0.0, 0, 0, 4])
    zero = np.zeros(4)
    assert metrics.mae(zero, errors_a) == metrics.mae(zero, errors_b) == 1.0
    assert metrics.mse(zero, errors_a) == 1.0 and metrics.mse(zero, errors_b) == 4.0


def test_quoted_phrases_are_still_in_the_lesson():
    if not LESSON.exists():
        pytest.skip(f"{LESSON.name} not written yet")
    text = "\n".join(c.source for c in nbformat.read(LESSON, 4).cells if c.cell_type == "markdown")
    for phrase in ["about 90 %", "from about 0.91 to about 0.98",
                   "TP = 30, FP = 3, FN = 4, TN = 323", "990 / 1000 = 99 %", "60 / 67 ≈ 0.90",
                   "B = 16/4 = 4"]:
        assert phrase in text, phrase


# ----------------------------------------------------------------------------- plot and widget
def test_plot_threshold_shows_the_counts_and_the_threshold(scores):
    y, p = scores
    fig = ev.plot_threshold(y, p, 0.3)
    cm_ax, hist_ax, pr_ax = fig.axes
    m = ev.metrics_at(0.3, y, p)
    texts = [t.get_text() for t in cm_ax.texts]
    for count in (m["tn"], m["fp"], m["fn"], m["tp"]):
        assert str(count) in texts
    assert "t = 0.30" in cm_ax.get_title()
    threshold_line = [line for line in hist_ax.lines if line.get_label() == "threshold t"]
    assert list(threshold_line[0].get_xdata()) == [0.3, 0.3]
    marker = pr_ax.lines[1]
    assert marker.get_xdata()[0] == pytest.approx(m["recall"])
    assert marker.get_ydata()[0] == pytest.approx(m["precision"])


def test_legends_sit_under_the_panels_and_text_is_10pt_or_more(scores):
    """The threshold line can cross the histogram, never its legend."""
    y, p = scores
    explorer = ev.ThresholdExplorer()
    _, hist_ax, pr_ax = explorer.parts["axes"]
    renderer = explorer.figure.canvas.get_renderer()
    for ax in (hist_ax, pr_ax):
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.y1 < ax.get_window_extent(renderer).y0
    texts = [t for ax in explorer.figure.axes for t in ax.texts]
    assert texts and min(t.get_fontsize() for t in texts) >= 10


def test_widget_starts_at_half_and_follows_the_slider(scores):
    y, p = scores
    explorer = ev.ThresholdExplorer()
    slider = explorer.controls["threshold"]
    assert "nnedu-readout" in explorer.readout._dom_classes
    assert slider.description == "threshold t" and slider.value == 0.5
    assert ev.readout_text(ev.metrics_at(0.5, y, p)) in explorer.readout.value
    before = explorer.picture
    slider.value = 0.1 + 0.1 + 0.1  # 0.30000000000000004, as a slider may send
    assert explorer.threshold == 0.3
    assert ev.readout_text(ev.metrics_at(0.3, y, p)) in explorer.readout.value
    assert explorer.picture != before
    explorer.set(threshold=0.9)
    assert explorer.metrics == ev.metrics_at(0.9, y, p)
    assert explorer.parts["title"].get_text() == "confusion matrix, t = 0.90"
    assert explorer.picture == explorer.render_png({"threshold": 0.9})
    assert plt.get_fignums() == []  # no pyplot figure is ever opened


def test_threshold_explorer_with_own_data():
    explorer = ev.threshold_explorer([1, 0, 1, 0], [0.9, 0.2, 0.4, 0.6], threshold=0.5)
    assert isinstance(explorer, ev.ThresholdExplorer)
    assert "precision 0.50, recall 0.50" in explorer.readout.value
    assert explorer.picture.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="both y_true and proba"):
        ev.threshold_explorer([1, 0])
    with pytest.raises(ValueError, match="between"):
        ev.threshold_explorer([1, 0], [0.1, 0.2], threshold=2.0)
