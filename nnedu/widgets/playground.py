"""Lesson 10a: the training playground. A small network learns a 2-D data set while you watch.

The playground trains an ordinary ``nnedu`` network, ``mlp((2, units, …, units, 1))`` with a
sigmoid output and binary cross-entropy, by plain mini-batch gradient descent (``SGD`` with
weight decay λ): exactly what ``fit`` does, one epoch at a time. It keeps the history of the
losses after every epoch, so it can stop at any moment, be drawn, and go on.

What is here:

* :func:`make_data`: the four data sets of ``nnedu.data`` (xor, moons, circles, spirals),
  moved into the square [−2, 2]², a training part and a validation part drawn with other seeds;
* :class:`Trainer`: the network, its optimizer and its data; ``train_epoch()`` is one pass over
  the training part in shuffled mini-batches (the "chunk" that the widget trains between two
  pictures), ``step(n)`` is n of them; ``history`` holds the losses and accuracies per epoch;
  ``to_sequential()`` gives a copy of the trained network as a normal ``Sequential``;
* the chunk itself is ``nnedu.train.train_epoch``, the inner loop of ``fit``;
* :func:`run`: a cached headless run (the lesson's numbers come from these);
* :func:`playground`: the widget (``nnedu.widgets.playground_figures.Playground``), on the shared
  explorer pattern.

Only numpy is imported here; the widget's module imports matplotlib and ipywidgets.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nnedu import data as datasets
from nnedu.network import Sequential, mlp
from nnedu.optim import SGD
from nnedu.train import evaluate, train_epoch

Array = np.ndarray

#: The data sets, in the order the widget offers them.
DATASETS = ("xor", "moons", "circles", "spirals")
#: Activations of the hidden layers.
ACTIVATIONS = ("tanh", "relu", "sigmoid")
#: The choices of the widget's sliders for η, λ and the batch size B.
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
WEIGHT_DECAYS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)
BATCH_SIZES = (1, 5, 10, 25, 50, 100, 200)
MAX_LAYERS, MAX_UNITS = 3, 8
#: The widget's settings when it opens (and ``Trainer``'s defaults).
DEFAULTS: Mapping[str, object] = {
    "data": "spirals", "noise": 0.1, "layers": 2, "units": 6, "activation": "tanh",
    "lr": 0.1, "weight_decay": 0.0, "batch_size": 10, "seed": 0,
}  # fmt: skip
#: The pictures cover x1, x2 in [−PLANE, PLANE].
PLANE = 2.0
#: Seeds of the training and the validation points (the weights have their own seed).
TRAIN_SEED, VAL_SEED = 0, 1
#: The widget stops playing after this many epochs.
MAX_EPOCHS = 2000
LOSS = "binary_cross_entropy"


# ----------------------------------------------------------------------------- data
def points(name: str, noise: float, seed: int, n: int = 200) -> tuple[Array, Array]:
    """``n`` points (a multiple of 4) of one data set of nnedu.data, moved to lie roughly
    inside [−2, 2]²: ``X (n, 2)``, labels ``y (n,)``."""
    if n % 4:
        raise ValueError(f"points: n must be a multiple of 4 (xor has four corners), got {n}.")
    if name == "xor":  # four clouds at the corners (0, 0) … (1, 1) → (±1, ±1)
        X, y = datasets.xor(n_per_corner=n // 4, noise=noise, seed=seed)
        return 2.0 * X - 1.0, y
    if name == "moons":  # x1 in [−1, 2], x2 in [−0.5, 1] → centred
        X, y = datasets.moons(n=n, noise=noise, seed=seed)
        return X - np.array([0.5, 0.25]), y
    if name == "circles":  # radii 1 and 0.5 → 1.5 and 0.75
        X, y = datasets.circles(n=n, noise=noise, seed=seed)
        return 1.5 * X, y
    if name == "spirals":  # inside the unit disc → radius 1.5
        X, y = datasets.spirals(n_per_class=n // 2, noise=noise, seed=seed)
        return 1.5 * X, y
    raise ValueError(f"make_data: unknown data set {name!r}; choose one of {list(DATASETS)}.")


def make_data(name: str = "spirals", noise: float = 0.1) -> tuple[Array, Array, Array, Array]:
    """The playground's data: ``X_train (200, 2), y_train (200,), X_val (100, 2), y_val (100,)``.

    Both parts come from the same generator of ``nnedu.data`` with the same ``noise`` (that
    generator's jitter), with the seeds ``TRAIN_SEED`` and ``VAL_SEED``; the points are moved
    (shifted and scaled, the same for both parts) to lie roughly inside [−2, 2]².
    """
    X_train, y_train = points(name, noise, TRAIN_SEED, 200)
    X_val, y_val = points(name, noise, VAL_SEED, 100)
    return X_train, y_train, X_val, y_val


def plane_grid(steps: int) -> Array:
    """``steps × steps`` points covering [−PLANE, PLANE]², row by row from the top (x2 = PLANE)
    down, as ``imshow`` draws them: shape (steps², 2)."""
    ticks = np.linspace(-PLANE, PLANE, steps)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


# ----------------------------------------------------------------------------- one chunk
# ----------------------------------------------------------------------------- the trainer
class Trainer:
    """A network, its optimizer and its data: trained one epoch (one chunk) at a time.

    ``Trainer(data="moons", layers=1, units=4, lr=0.3)``; every setting of ``DEFAULTS`` can be
    given. The network is ``mlp((2, units, …, units, 1), activation, output="sigmoid",
    seed=seed)`` (``layers`` hidden layers; 0 gives a single neuron), trained on binary
    cross-entropy by ``SGD(lr, weight_decay)`` in mini-batches of ``batch_size`` whose order comes
    from ``np.random.default_rng(seed)``: after n epochs the weights are those of
    ``fit(..., epochs=n, seed=seed)`` with the same settings, bit for bit.

    ``history`` maps "loss", "val_loss", "accuracy", "val_accuracy" to one value per epoch
    (measured after the epoch, on the whole part).
    """

    def __init__(self, **settings) -> None:
        unknown = sorted(set(settings) - set(DEFAULTS))
        if unknown:
            raise ValueError(f"Trainer: unknown setting(s) {unknown}; the settings are "
                             f"{list(DEFAULTS)}.")
        s = dict(DEFAULTS, **settings)
        if s["data"] not in DATASETS:
            raise ValueError(f"Trainer: data must be one of {list(DATASETS)}, got {s['data']!r}.")
        if s["activation"] not in ACTIVATIONS:
            raise ValueError(f"Trainer: activation must be one of {list(ACTIVATIONS)}, "
                             f"got {s['activation']!r}.")
        if not (0 <= s["layers"] <= MAX_LAYERS and 1 <= s["units"] <= MAX_UNITS):
            raise ValueError(f"Trainer: layers must be 0…{MAX_LAYERS} and units 1…{MAX_UNITS}, "
                             f"got layers={s['layers']}, units={s['units']}.")
        self.settings = s
        self.X, y, self.X_val, y_val = make_data(s["data"], s["noise"])
        self.y, self.y_val = y, y_val
        self.Y, self.Y_val = y.reshape(-1, 1).astype(float), y_val.reshape(-1, 1).astype(float)
        sizes = (2, *[int(s["units"])] * int(s["layers"]), 1)
        self.model = mlp(sizes, activation=s["activation"], output="sigmoid", seed=s["seed"])
        self.optimizer = SGD(lr=s["lr"], weight_decay=s["weight_decay"])
        self.rng = np.random.default_rng(s["seed"])
        self.history: dict[str, list[float]] = {
            "loss": [], "val_loss": [], "accuracy": [], "val_accuracy": []}
        self.diverged = False

    # -------------------------------------------------------------- settings that do not reset
    def set_training(self, lr: float, weight_decay: float, batch_size: int) -> None:
        """Change η, λ and B between two epochs; the network keeps its weights."""
        self.optimizer.lr = float(lr)
        self.optimizer.weight_decay = float(weight_decay)
        self.settings.update(lr=float(lr), weight_decay=float(weight_decay),
                             batch_size=int(batch_size))

    def architecture(self) -> tuple:
        """The settings whose change needs a new network (the widget resets then)."""
        return tuple(self.settings[k] for k in ("data", "noise", "layers", "units",
                                                "activation", "seed"))

    # -------------------------------------------------------------- training
    @property
    def epochs(self) -> int:
        return len(self.history["loss"])

    def train_epoch(self) -> dict[str, float]:
        """One chunk: one epoch of mini-batches, then the losses on both parts. Returns them."""
        with np.errstate(all="ignore"):  # a diverging run says so in the history, not in warnings
            train_epoch(self.model, self.optimizer, self.X, self.Y, LOSS,
                        int(self.settings["batch_size"]), self.rng)
            logs = evaluate(self.model, self.X, self.Y, LOSS)
            val = evaluate(self.model, self.X_val, self.Y_val, LOSS)
        logs.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
        for key, value in logs.items():
            self.history[key].append(float(value))
        if not all(np.isfinite(p).all() for p in self.model.parameters()) \
                or not math.isfinite(logs["loss"]):
            self.diverged = True
        return logs

    def step(self, n: int = 1) -> Trainer:
        """Train ``n`` epochs (fewer if the run diverges). Returns the trainer."""
        for _ in range(int(n)):
            if self.diverged:
                break
            self.train_epoch()
        return self

    # -------------------------------------------------------------- reading it out
    def to_sequential(self) -> Sequential:
        """A copy of the trained network as a normal ``Sequential`` (training here goes on
        without changing it)."""
        return copy.deepcopy(self.model)

    def predict_proba_grid(self, steps: int) -> tuple[Array, list[Array]]:
        """The network over the plane: P(class 1) as a (steps, steps) image, and each hidden
        layer's activations as (steps, steps, units) images (``plane_grid`` order)."""
        a = plane_grid(steps)
        hidden = []
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                a = layer.forward(a)
                if getattr(layer, "activation", None) == self.settings["activation"] \
                        and layer is not self.model.layers[-1]:
                    hidden.append(a.reshape(steps, steps, -1))
        return a.reshape(steps, steps), hidden

    def summary(self) -> str:
        """One line: the epoch, the losses and the accuracies of both parts."""
        if not self.epochs:
            return "epoch 0: press Play or Step to train"
        h = {k: v[-1] for k, v in self.history.items()}
        text = (f"epoch {self.epochs}: loss training {h['loss']:.3f}, validation "
                f"{h['val_loss']:.3f}; accuracy training {100 * h['accuracy']:.1f} %, "
                f"validation {100 * h['val_accuracy']:.1f} %")
        if self.diverged:
            text += " · diverged (the weights overflowed): try a smaller η, then Reset"
        return text


# ----------------------------------------------------------------------------- headless runs
@dataclass(frozen=True)
class Run:
    """The result of a headless run: the settings, the history, the trained network."""

    settings: Mapping[str, object]
    history: Mapping[str, list[float]]
    network: Sequential

    def final(self, key: str) -> float:
        return self.history[key][-1]


@functools.lru_cache(maxsize=64)
def _cached_run(epochs: int, items: tuple) -> Run:
    trainer = Trainer(**dict(items)).step(epochs)
    return Run(dict(items), {k: list(v) for k, v in trainer.history.items()},
               trainer.to_sequential())


def run(epochs: int, **settings) -> Run:
    """Train a playground network headless for ``epochs`` epochs (cached: the same settings
    give the same run, computed once). Settings as in ``DEFAULTS``."""
    return _cached_run(int(epochs), tuple(sorted(dict(DEFAULTS, **settings).items())))


def playground(**settings):
    """The playground widget (displays itself in a notebook); see
    ``nnedu.widgets.playground_figures.Playground``."""
    from nnedu.widgets.playground_figures import Playground

    return Playground(**settings)
