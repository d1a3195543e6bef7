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

``threshold_explorer()`` returns the explorer (on the shared base, ``nnedu.widgets.explorer``):
a threshold slider, a readout ("threshold 0.50: precision 0.91, recall 0.88, F1 0.90,
accuracy 0.98", CSS class ``nnedu-readout``) and three panels drawn once: the 2×2 confusion
matrix, the probabilities of both classes with the threshold line, and the precision–recall
curve with the current point. A change moves the line, the point and the counts, nothing else.

Matplotlib and ipywidgets are imported only when an explorer or figure is made.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnedu import metrics
from nnedu.widgets.explorer import Explorer, slider

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
def threshold_parts(fig, y_true: Array, proba: Array) -> dict:
    """Draw everything of the three panels that no threshold changes, once; return the artists
    a threshold moves (for `move_threshold`).

    Left: the 2×2 confusion matrix. Middle: histograms of the probabilities of both classes
    (the y axis cut at HIST_CUT, so that the few positives stay visible), a threshold line and
    the shaded part "called a 3". Right: the precision–recall curve and the current point.
    Legends sit under the panels, where no line can cross them.
    """
    from matplotlib.patches import Rectangle

    from nnedu.plots import COLORS

    ax_cm = fig.add_axes((0.09, 0.31, 0.2, 0.58))
    ax_hist = fig.add_axes((0.39, 0.31, 0.29, 0.58))
    ax_pr = fig.add_axes((0.785, 0.31, 0.18, 0.58))
    image = ax_cm.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1)
    ax_cm.set_xticks((0, 1), CLASS_NAMES)
    ax_cm.set_yticks((0, 1), CLASS_NAMES)
    ax_cm.set_xlabel("predicted")
    ax_cm.set_ylabel("true")
    counts = [[ax_cm.text(j, i - 0.1, "", ha="center", va="center", fontsize=13,
                          fontweight="bold") for j in (0, 1)] for i in (0, 1)]
    names = [[ax_cm.text(j, i + 0.25, name, ha="center", va="center", fontsize=10)
              for j, name in enumerate(row)] for i, row in enumerate((("TN", "FP"), ("FN", "TP")))]

    bins = np.linspace(0.0, 1.0, 21)
    bars = []  # drawn over the moving shade, so they move too
    for cls, (colour, hatch) in enumerate(((COLORS[0], None), (COLORS[1], "//"))):
        bars += ax_hist.hist(proba[y_true == cls], bins=bins, color=colour, alpha=0.8,
                             hatch=hatch, edgecolor="white" if hatch is None else "black",
                             linewidth=0.5, label=f"true {CLASS_NAMES[cls]}")[2]
    heights, _ = np.histogram(proba[y_true == 0], bins=bins)
    for k in np.flatnonzero(heights > HIST_CUT):  # tall bars are cut: say how tall
        bars.append(ax_hist.annotate(
            f"← {heights[k]} (cut)", xy=(bins[k + 1], HIST_CUT), xytext=(3, -12),
            textcoords="offset points", ha="left", fontsize=10, color=COLORS[0],
            fontweight="bold", zorder=5, bbox={"facecolor": "white", "edgecolor": "none",
                                               "pad": 1}))
    called = ax_hist.add_patch(Rectangle((0.5, 0), 0.5, HIST_CUT, color=COLORS[3], alpha=0.12,
                                         zorder=0, label=f"called a {POSITIVE_DIGIT} (p ≥ t)"))
    line = ax_hist.axvline(0.5, color=COLORS[7], lw=2, ls="--", label="threshold t")
    ax_hist.set_ylim(0, HIST_CUT)
    ax_hist.set_xlim(0.0, 1.0)
    ax_hist.set_xlabel(f"predicted probability p of a {POSITIVE_DIGIT}")
    ax_hist.set_ylabel(f"test digits (axis cut at {HIST_CUT})")
    ax_hist.set_title(f"right of the line: called a {POSITIVE_DIGIT}")
    ax_hist.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=10,
                   frameon=False)

    _, precision, recall = precision_recall_curve(y_true, proba)
    ax_pr.plot(recall, precision, color=COLORS[0], lw=2, marker=".", ms=4,
               label="all thresholds")
    (point,) = ax_pr.plot([], [], marker="o", ms=11, color=COLORS[3], markeredgecolor="black",
                          ls="none", label="threshold t", clip_on=False)
    ax_pr.set_xlim(-0.02, 1.02)
    ax_pr.set_xticks((0, 0.5, 1))
    ax_pr.set_ylim(-0.02, 1.05)
    ax_pr.set_xlabel("recall")
    ax_pr.set_ylabel("precision")
    ax_pr.set_title("precision–recall curve", fontsize=11)
    ax_pr.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1, fontsize=10,
                 frameon=False)
    return {"image": image, "counts": counts, "names": names, "called": called, "line": line,
            "point": point, "title": ax_cm.set_title(""), "bars": bars,
            "axes": (ax_cm, ax_hist, ax_pr)}


def move_threshold(parts: dict, m: dict[str, float]) -> None:
    """Move the artists of `threshold_parts` to one `metrics_at` result ``m``."""
    cm = confusion_2x2(m)
    parts["image"].set_data(cm)
    parts["image"].set_clim(0, max(int(cm.max()), 1))
    for i in (0, 1):
        for j in (0, 1):
            dark = cm[i, j] > cm.max() / 2
            parts["counts"][i][j].set_text(str(cm[i, j]))
            parts["counts"][i][j].set_color("white" if dark else "black")
            parts["names"][i][j].set_color("white" if dark else "0.3")
    t = m["threshold"]
    parts["line"].set_xdata([t, t])
    parts["called"].set_x(t)
    parts["called"].set_width(1.0 - t)
    parts["point"].set_data([m["recall"]], [m["precision"]])
    parts["title"].set_text(f"confusion matrix, t = {t:.2f}")


def plot_threshold(y_true: Array, proba: Array, threshold: float, fig=None):
    """The explorer's three panels for one threshold, as a figure of their own; returns it."""
    from matplotlib.figure import Figure

    y_true, proba = _check_scores(y_true, proba, "plot_threshold")
    fig = Figure(figsize=ThresholdExplorer.figsize) if fig is None else fig
    parts = threshold_parts(fig, y_true, proba)
    move_threshold(parts, metrics_at(threshold, y_true, proba))
    return fig


# ----------------------------------------------------------------------------- the widget
class ThresholdExplorer(Explorer):
    """A threshold slider over binary labels and probabilities: the three panels of
    `threshold_parts` and the readout of `readout_text`. ``metrics`` is the `metrics_at` result
    on show; ``threshold`` the slider's value rounded to its step."""

    title = "Lesson 11 explorer: a threshold slider, the confusion matrix and precision–recall"
    figsize = (8.4, 4.2)  # 840 px: shown unscaled in a notebook

    def __init__(self, y_true: Array | None = None, proba: Array | None = None,
                 threshold: float = THRESHOLD_START) -> None:
        if (y_true is None) != (proba is None):
            raise ValueError("threshold_explorer: give both y_true and proba, or neither "
                             "(then the lesson's 'is it a 3?' test scores are used).")
        if y_true is None:
            y_true, proba = is_three_test_scores()
        self.y_true, self.proba = _check_scores(y_true, proba, "threshold_explorer")
        if not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX:
            raise ValueError(f"threshold_explorer: threshold must be between {THRESHOLD_MIN} "
                             f"and {THRESHOLD_MAX}, got {threshold!r}.")
        self.start = threshold
        self.metrics: dict[str, float] = {}
        super().__init__()

    def build(self, fig) -> None:
        self.add_control("threshold", slider("threshold t", self.start, THRESHOLD_MIN,
                                             THRESHOLD_MAX, THRESHOLD_STEP, width="420px"))
        self.parts = threshold_parts(fig, self.y_true, self.proba)
        p = self.parts
        for artist in (p["image"], *p["counts"][0], *p["counts"][1], *p["names"][0],
                       *p["names"][1], p["called"], *p["bars"], p["line"], p["point"],
                       p["title"]):
            self.moving(artist)

    @property
    def threshold(self) -> float:
        """The slider's value, rounded to its step (the slider sends e.g. 0.30000000000000004)."""
        return round(float(self.controls["threshold"].value), 2)

    def show(self, values) -> str:
        self.metrics = metrics_at(round(values["threshold"], 2), self.y_true, self.proba)
        move_threshold(self.parts, self.metrics)
        return f"<b>{readout_text(self.metrics)}</b>"


def threshold_explorer(y_true: Array | None = None, proba: Array | None = None,
                       threshold: float = THRESHOLD_START) -> ThresholdExplorer:
    """A threshold slider over binary labels ``y_true`` (m,) and probabilities ``proba`` (m,)
    (default: the lesson's "is it a 3?" test digits). Displays itself in a notebook."""
    return ThresholdExplorer(y_true, proba, threshold)
