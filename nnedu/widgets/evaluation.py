"""Lesson 11: a decision threshold on a binary problem, and what it does to the metrics.

The problem is "is this digit a 3?" on the digits data set: label 1 for a 3, 0 for any other
digit, so only about one test digit in ten is positive. A single sigmoid neuron (logistic
regression, ``mlp((64, 1), output="sigmoid")``) outputs a probability p for each digit; the
**threshold** t turns it into a decision::

    predicted 1  when  p ≥ t,        predicted 0  otherwise

(``Sequential.predict`` uses t = 0.5). Counting the four outcomes over the samples::

                     predicted 1   predicted 0
    true 1 (a 3)         TP            FN
    true 0 (not 3)       FP            TN

    precision = TP / (TP + FP)      recall = TP / (TP + FN)
    F1 = 2·TP / (2·TP + FP + FN)    accuracy = (TP + TN) / (TP + FP + FN + TN)

A low threshold says "3" more often: recall goes up, precision usually down. ``metrics_at``
computes all of them for one threshold (a pure function, the widget's and the tests' source
of truth); ``precision_recall_curve`` computes precision and recall for every threshold at
once with a sort and a cumulative sum.

``threshold_explorer()`` returns the widget: a threshold slider, a readout ("threshold 0.50:
precision 0.91, recall 0.88, F1 0.90, accuracy 0.98", CSS class ``nnedu-readout``) and three
plots: the 2×2 confusion matrix, the probabilities of both classes with the threshold line,
and the precision–recall curve with the current point.

Matplotlib and ipywidgets are imported inside the functions that draw.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnedu import metrics

Array = np.ndarray

#: The digit that counts as "positive" in the lesson's binary problem.
POSITIVE_DIGIT = 3
#: How the lesson's "is it a 3?" model is trained: one sigmoid neuron on the 64 pixels,
#: binary cross-entropy, Adam, a few epochs of mini-batches. Small and quick on purpose: it
#: makes some mistakes, so the threshold has something to trade.
IS_THREE_SETTINGS = {"sizes": (64, 1), "lr": 0.1, "epochs": 5, "batch_size": 32, "seed": 0}
#: The slider: thresholds from 0 to 1 in steps of 0.01, starting at 0.5.
THRESHOLD_MIN, THRESHOLD_MAX, THRESHOLD_STEP, THRESHOLD_START = 0.0, 1.0, 0.01, 0.5
#: The histogram's y axis stops here; taller bars are cut and get their count written on them.
HIST_CUT = 40
#: Class names of the binary problem, negative first (the order of the confusion matrix).
CLASS_NAMES = (f"not {POSITIVE_DIGIT}", f"{POSITIVE_DIGIT}")


# ----------------------------------------------------------------------------- data and model
def is_positive(labels: Array, positive: int = POSITIVE_DIGIT) -> Array:
    """Digit labels (m,) → binary labels (m,): 1 where the digit is ``positive``, else 0."""
    return (np.asarray(labels) == positive).astype(np.int64)


def train_is_three_model(seed: int = IS_THREE_SETTINGS["seed"], digits=None):
    """Train the lesson's "is it a 3?" model on ``digits.X_train`` (default ``load_digits()``).

    ``mlp((64, 1), output="sigmoid", seed=seed)`` trained with ``fit`` on binary
    cross-entropy, Adam (lr 0.1), 5 epochs of mini-batches of 32, batch order from ``seed``.
    The same seed gives the same weights, bit for bit. Returns the trained ``Sequential``.
    """
    from nnedu.data import load_digits
    from nnedu.network import mlp
    from nnedu.train import fit

    s = IS_THREE_SETTINGS
    digits = load_digits() if digits is None else digits
    model = mlp(s["sizes"], output="sigmoid", seed=seed)
    y = is_positive(digits.y_train).reshape(-1, 1)  # one sigmoid output wants a column
    fit(model, digits.X_train, y, loss="binary_cross_entropy", optimizer="adam", lr=s["lr"],
        epochs=s["epochs"], batch_size=s["batch_size"], seed=seed, progress=False)
    return model


@lru_cache(maxsize=4)
def _test_scores(seed: int) -> tuple[Array, Array]:
    from nnedu.data import load_digits

    digits = load_digits()
    model = train_is_three_model(seed, digits)
    y_true = is_positive(digits.y_test)
    proba = model.predict_proba(digits.X_test)[:, 0]
    y_true.setflags(write=False)  # cached: nobody may change them
    proba.setflags(write=False)
    return y_true, proba


def is_three_test_scores(seed: int = IS_THREE_SETTINGS["seed"]) -> tuple[Array, Array]:
    """The binary labels (360,) of the test digits and the model's probabilities (360,) that
    each is a 3. Trained once per seed and cached (read-only arrays)."""
    return _test_scores(int(seed))


# ----------------------------------------------------------------------------- the metrics
def _check_scores(y_true: Array, proba: Array, where: str) -> tuple[Array, Array]:
    y_true = np.asarray(y_true)
    proba = np.asarray(proba, dtype=float)
    if proba.ndim == 2 and proba.shape[1] == 1:
        proba = proba[:, 0]
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_true.ndim != 1 or proba.shape != y_true.shape:
        raise ValueError(
            f"{where}: y_true and proba must be 1-D and of the same length (one label and one "
            f"probability per sample); got shapes {y_true.shape} and {proba.shape}."
        )
    if len(y_true) == 0:
        raise ValueError(f"{where}: got no samples.")
    if not np.all(np.isin(y_true, (0, 1))):
        raise ValueError(
            f"{where}: y_true must hold 0 and 1 (1 = the positive class), got values "
            f"{np.unique(y_true)[:5].tolist()}. For digits use is_positive(y) first."
        )
    if not np.all(np.isfinite(proba)):
        raise ValueError(f"{where}: proba contains nan or inf.")
    return y_true.astype(np.int64), proba


def metrics_at(threshold: float, y_true: Array, proba: Array) -> dict[str, float]:
    """Every binary metric when samples with ``proba ≥ threshold`` are called positive.

    y_true: 0/1 labels (m,); proba: the model's probability of class 1, (m,).
    Returns a dict with the counts ``tp``, ``fp``, ``fn``, ``tn`` (ints) and ``threshold``,
    ``precision``, ``recall``, ``f1``, ``accuracy`` (floats, from ``nnedu.metrics``; a ratio
    0/0, e.g. the precision when nothing is called positive, is 0.0).
    """
    y_true, proba = _check_scores(y_true, proba, "metrics_at")
    threshold = float(threshold)
    y_pred = (proba >= threshold).astype(np.int64)
    tp = int(np.sum((y_pred == 1) & (y_true == 1)))
    fp = int(np.sum((y_pred == 1) & (y_true == 0)))
    fn = int(np.sum((y_pred == 0) & (y_true == 1)))
    tn = int(np.sum((y_pred == 0) & (y_true == 0)))
    return {
        "threshold": threshold,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": metrics.precision(y_true, y_pred, pos_label=1),
        "recall": metrics.recall(y_true, y_pred, pos_label=1),
        "f1": metrics.f1(y_true, y_pred, pos_label=1),
        "accuracy": metrics.accuracy(y_true, y_pred),
    }  # fmt: skip


def confusion_2x2(m: dict[str, float]) -> Array:
    """The counts of ``metrics_at`` as a confusion matrix, negative class first:
    ``[[TN, FP], [FN, TP]]`` (rows: true 0, 1; columns: predicted 0, 1)."""
    return np.array([[m["tn"], m["fp"]], [m["fn"], m["tp"]]], dtype=np.int64)


def readout_text(m: dict[str, float]) -> str:
    """The widget's readout for a ``metrics_at`` result, e.g.
    "threshold 0.50: precision 0.91, recall 0.88, F1 0.90, accuracy 0.98"."""
    return (f"threshold {m['threshold']:.2f}: precision {m['precision']:.2f}, "
            f"recall {m['recall']:.2f}, F1 {m['f1']:.2f}, accuracy {m['accuracy']:.2f}")


def precision_recall_curve(y_true: Array, proba: Array) -> tuple[Array, Array, Array]:
    """Precision and recall for every threshold that changes a decision, in one pass.

    Sort the samples by probability, highest first. Lowering the threshold to the k-th
    highest probability calls the first k samples positive, so
    TP(k) = cumsum(y_sorted)[k−1] and FP(k) = k − TP(k). Samples with equal probabilities
    switch together: only the last of each run of equal values is kept.

    Returns ``thresholds`` (decreasing), ``precision`` and ``recall``, each (n_distinct,).
    Row i holds the values of ``metrics_at(thresholds[i], ...)``.
    """
    y_true, proba = _check_scores(y_true, proba, "precision_recall_curve")
    if not np.any(y_true == 1):
        raise ValueError("precision_recall_curve: y_true has no positive sample; recall "
                         "TP / (TP + FN) would be 0/0 at every threshold.")
    order = np.argsort(-proba, kind="stable")      # highest probability first
    p_sorted, y_sorted = proba[order], y_true[order]
    tp = np.cumsum(y_sorted)                       # positives among the first k samples
    fp = np.arange(1, len(y_sorted) + 1) - tp      # negatives among them
    last = np.r_[np.flatnonzero(np.diff(p_sorted)), len(p_sorted) - 1]  # end of each run
    precision = tp[last] / (tp[last] + fp[last])
    recall = tp[last] / tp[-1]
    return p_sorted[last], precision, recall


# ----------------------------------------------------------------------------- the figure
def plot_threshold(y_true: Array, proba: Array, threshold: float, fig=None):
    """The widget's three panels for one threshold; returns the figure.

    Left: the 2×2 confusion matrix. Middle: histograms of the probabilities of both classes
    (the y axis cut at HIST_CUT, so that the few positives stay visible) with the threshold as a
    vertical line. Right: the precision–recall curve with the current threshold's point.
    """
    import matplotlib.pyplot as plt

    from nnedu import plots
    from nnedu.plots import COLORS

    y_true, proba = _check_scores(y_true, proba, "plot_threshold")
    m = metrics_at(threshold, y_true, proba)
    if fig is None:
        fig = plt.figure(figsize=(12.0, 3.9))
    # Fixed places for the panels: laying out text with tight_layout is the slow part of a redraw.
    ax_cm = fig.add_axes((0.07, 0.16, 0.21, 0.68))
    ax_hist = fig.add_axes((0.37, 0.16, 0.29, 0.68))
    ax_pr = fig.add_axes((0.73, 0.16, 0.25, 0.68))

    plots.confusion_matrix(confusion_2x2(m), ax=ax_cm, labels=list(CLASS_NAMES),
                           title=f"confusion matrix at t = {m['threshold']:.2f}")
    counts = confusion_2x2(m)
    for i, name in enumerate(("TN", "FP", "FN", "TP")):  # name each cell, in its count's colour
        row, col = divmod(i, 2)
        dark = counts[row, col] > counts.max() / 2
        ax_cm.text(col, row + 0.27, name, ha="center", va="center", fontsize=8,
                   color="white" if dark else "0.35")

    bins = np.linspace(0.0, 1.0, 21)
    for cls, (colour, hatch, label) in enumerate(((COLORS[0], None, CLASS_NAMES[0]),
                                                 (COLORS[1], "//", CLASS_NAMES[1]))):
        ax_hist.hist(proba[y_true == cls], bins=bins, color=colour, alpha=0.7, hatch=hatch,
                     edgecolor="white" if hatch is None else "black", linewidth=0.5,
                     label=f"true {label}")
    ax_hist.axvline(m["threshold"], color=COLORS[7], lw=2, ls="--",
                    label=f"threshold {m['threshold']:.2f}")
    # Cut the y axis: the tall bars of the many "not 3" digits would flatten everything else.
    top = HIST_CUT
    heights, _ = np.histogram(proba[y_true == 0], bins=bins)
    for k in np.flatnonzero(heights > top):
        ax_hist.annotate(f"← {heights[k]} (cut)", xy=(bins[k + 1], top),
                         xytext=(3, -10), textcoords="offset points", ha="left",
                         fontsize=8, color=COLORS[0], fontweight="bold")
    ax_hist.set_ylim(0, top)
    ax_hist.set_xlim(0.0, 1.0)
    ax_hist.set_xlabel(f"predicted probability of a {POSITIVE_DIGIT}")
    ax_hist.set_ylabel(f"test digits (axis cut at {HIST_CUT})")
    ax_hist.set_title(f"right of the line: called a {POSITIVE_DIGIT}")
    ax_hist.legend(loc="upper center", fontsize=8, framealpha=0.95)

    _, precision, recall = precision_recall_curve(y_true, proba)
    ax_pr.plot(recall, precision, color=COLORS[0], lw=2, marker=".", ms=4,
               label="all thresholds")
    ax_pr.plot(m["recall"], m["precision"], marker="o", ms=11, color=COLORS[3],
               markeredgecolor="black", ls="none", label=f"t = {m['threshold']:.2f}")
    ax_pr.set_xlim(-0.02, 1.02)
    ax_pr.set_ylim(-0.02, 1.05)
    ax_pr.set_xlabel("recall")
    ax_pr.set_ylabel("precision")
    ax_pr.set_title("precision–recall curve")
    ax_pr.legend(loc="lower left", fontsize=8)
    return fig


# ----------------------------------------------------------------------------- the widget
class ThresholdExplorer:
    """The parts of the explorer: ``slider``, ``readout``, ``output`` and ``widget`` (the VBox).

    ``set_threshold(t)`` moves the slider from code (and so redraws); ``metrics`` is the
    ``metrics_at`` result that the readout shows.
    """

    def __init__(self, y_true: Array | None = None, proba: Array | None = None,
                 threshold: float = THRESHOLD_START) -> None:
        import ipywidgets as widgets

        if (y_true is None) != (proba is None):
            raise ValueError("threshold_explorer: give both y_true and proba, or neither "
                             "(then the lesson's 'is it a 3?' test scores are used).")
        if y_true is None:
            y_true, proba = is_three_test_scores()
        self.y_true, self.proba = _check_scores(y_true, proba, "threshold_explorer")
        if not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX:
            raise ValueError(f"threshold_explorer: threshold must be between {THRESHOLD_MIN} "
                             f"and {THRESHOLD_MAX}, got {threshold!r}.")
        self.slider = widgets.FloatSlider(
            value=threshold, min=THRESHOLD_MIN, max=THRESHOLD_MAX, step=THRESHOLD_STEP,
            description="threshold", readout_format=".2f", continuous_update=True,
            style={"description_width": "initial"}, layout=widgets.Layout(width="420px"),
        )
        self.readout = widgets.HTML()
        self.readout.add_class("nnedu-readout")
        self.output = widgets.Output()
        self.metrics: dict[str, float] = {}
        self.slider.observe(self._on_change, names="value")
        self.widget = widgets.VBox([self.slider, self.readout, self.output])
        self.widget.add_class("nnedu-threshold")
        self.redraw()

    @property
    def threshold(self) -> float:
        """The slider's value, rounded to its step (the slider sends e.g. 0.30000000000000004)."""
        return round(float(self.slider.value), 2)

    def set_threshold(self, threshold: float) -> None:
        """Move the slider (and so redraw)."""
        self.slider.value = float(threshold)

    def _on_change(self, _change) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Recompute the metrics for the slider's threshold, draw the panels, update the readout."""
        import matplotlib.pyplot as plt
        from IPython.display import clear_output

        t = self.threshold
        self.metrics = metrics_at(t, self.y_true, self.proba)
        with self.output:
            clear_output(wait=True)
            fig = plot_threshold(self.y_true, self.proba, t)
            plt.show()
            plt.close(fig)
        # The text last: once the readout shows the new threshold, the new picture is there too.
        self.readout.value = f"<b>{readout_text(self.metrics)}</b>"


def threshold_explorer(y_true: Array | None = None, proba: Array | None = None,
                       threshold: float = THRESHOLD_START):
    """A threshold slider over binary labels ``y_true`` (m,) and probabilities ``proba`` (m,)
    (default: the lesson's "is it a 3?" test digits). Returns a VBox."""
    return ThresholdExplorer(y_true, proba, threshold).widget
