"""The numbers and claims that the markdown of lessons/10a_playground.ipynb states.

The lesson's runs are ``nnedu.widgets.playground.run(...)`` calls (cached headless trainers); the
tests below make the same calls. Each test names the quoted text it backs;
``test_quoted_phrases_are_still_in_the_lesson`` fails when the wording changes, so that this file
is revisited with it. Phrases are compared with runs of white space collapsed to one space.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.metrics import accuracy
from nnedu.network import mlp
from nnedu.optim import SGD
from nnedu.train import fit
from nnedu.widgets import playground as pgm
from nnedu.widgets import playground_figures

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "10a_playground.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers or checkable claims in the lesson's markdown; each is backed below.
QUOTED = [
    "The playground trains on 200 points and checks on 100 other points of the same kind",
    "cut into $\\lceil 200 / B \\rceil$ batches, so one chunk takes that many steps",
    "20 chunks give the same weights as `fit(..., epochs=20)` with the same settings and seed, "
    "number for number",
    "a `Play` widget in the page **ticks** every 200 ms while it plays",
    "Validation accuracy after 50 epochs",
    "On moons a line is already a fair guess (87 %), but on xor and circles it is no better than "
    "a coin (51 % and 45 %)",
    "One hidden layer fixes xor and circles.",
    "The same 6 units per layer, the same 30 epochs, one to three hidden layers",
    "After 30 epochs one hidden layer is at 74 %, two at 84 % and three at 99 %.",
    "Spirals, 2 hidden layers of 6, 50 epochs, six learning rates",
    "With $\\eta = 0.001$ the network has hardly moved after 50 epochs (62 %); $\\eta = 0.1$ to "
    "$3$ all learn the spirals (97 %, 96 %, 95 %).",
    "the loss jumps as high as 20.4, keeps jumping from epoch to epoch, and the network ends at "
    "50 %, a coin toss",
    "at the end almost every hidden output on the training points is beyond ±0.99",
    "On noisy moons (noise 0.3) a network of 3 hidden layers of 8 ReLU units",
    "Two runs of 300 epochs, without L2 and with $\\lambda = 0.003$",
    "Without L2 the training loss falls to 0.143 while the validation loss stays at 0.379",
    "the sum of squared weights shrinks from 96.1 to 32.2",
    "the gap shrinks from 0.236 to 0.068, with the validation accuracy about the same (89 % and "
    "90 %)",
    "Push λ to 0.03 in the playground and the boundary becomes too simple: the penalty wins "
    "against the data, and both losses go up",
    "One chunk is one epoch of $\\lceil 200 / B \\rceil$ steps",
    "With $B = 1$ a chunk is 200 small, noisy steps",
    "with $B = 200$ (the whole training part) it is one smooth step per chunk",
    "3 hidden layers of 6 units on spirals, 30 epochs, scored on 200 new spiral points",
    "The read-out network gets 98.5 % of the new points right. It has 109 parameters",
    "$200 / 25 = 8$: one chunk is one epoch, 8 mini-batches of 25 points",
    "With 0 hidden layers the playground reaches 45 % on circles",
    "(up to 20.4 in the seeded run) and the network ends at 50 %",
    "Lower $\\eta$ (0.1 works)",
    "λ = 0 gives a gap between validation and training loss of 0.236, λ = 0.003 a gap of 0.068",
    "(sum of squares 32.2 instead of 96.1)",
    "(spirals learn faster with more layers of the same width)",
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _markdown() -> str:
    nb = nbformat.read(LESSON, as_version=4)
    return _flat("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))


def test_quoted_phrases_are_still_in_the_lesson():
    text = _markdown()
    missing = [phrase for phrase in QUOTED if _flat(phrase) not in text]
    assert not missing


def pct(x: float) -> int:
    return round(100 * x)


def test_data_sizes_and_steps_per_chunk():
    X, y, X_val, y_val = pgm.make_data("spirals", 0.1)
    assert len(X) == 200 and len(X_val) == 100
    for B in pgm.BATCH_SIZES:
        trainer = pgm.Trainer(batch_size=B, layers=0).step(1)
        assert trainer.optimizer.t == math.ceil(200 / B)
    assert math.ceil(200 / 1) == 200 and math.ceil(200 / 200) == 1 and 200 // 25 == 8
    assert playground_figures.INTERVAL_MS == 200


def test_twenty_chunks_are_fit():
    trainer = pgm.Trainer(data="moons", layers=1, units=4, lr=0.3, batch_size=10, seed=0)
    trainer.step(20)
    model = mlp((2, 4, 1), activation="tanh", output="sigmoid", seed=0)
    fit(model, trainer.X, trainer.y, loss="binary_cross_entropy", optimizer=SGD(lr=0.3),
        epochs=20, batch_size=10, seed=0, progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(trainer.model.parameters(),
                                                    model.parameters()))


def test_a_single_neuron_and_one_hidden_layer():
    single = {name: pct(pgm.run(50, data=name, layers=0).final("val_accuracy"))
              for name in pgm.DATASETS}
    assert single["moons"] == 87 and single["xor"] == 51 and single["circles"] == 45
    for name in ("xor", "circles"):  # "One hidden layer fixes xor and circles."
        assert pgm.run(50, data=name, layers=1).final("val_accuracy") >= 0.95


def test_depth_on_spirals():
    scores = [pct(pgm.run(30, data="spirals", layers=n, units=6).final("val_accuracy"))
              for n in (1, 2, 3)]
    assert scores == [74, 84, 99]
    assert scores == sorted(scores)  # faster with more layers of the same width


def test_learning_rates():
    runs = {lr: pgm.run(50, data="spirals", layers=2, units=6, lr=lr)
            for lr in (0.001, 0.01, 0.1, 1.0, 3.0, 10.0)}
    assert [pct(runs[lr].final("val_accuracy")) for lr in (0.001, 0.1, 1.0, 3.0, 10.0)] == [
        62, 97, 96, 95, 50]
    assert round(max(runs[10.0].history["loss"]), 1) == 20.4
    late = runs[10.0].history["loss"][-10:]
    assert max(late) / min(late) > 5  # keeps jumping from epoch to epoch
    # "hardly moved": the loss after 50 epochs is still near the start's ln 2
    assert runs[0.001].final("loss") > 0.55
    # saturation: almost every hidden tanh output beyond ±0.99
    network = runs[10.0].network
    a = pgm.make_data("spirals", 0.1)[0]
    for layer in network.layers[:-2]:
        a = layer.forward(a)
        if getattr(layer, "activation", None) == "tanh":
            assert np.mean(np.abs(a) > 0.99) > 0.95


def _l2(lam):
    return pgm.run(300, data="moons", noise=0.3, layers=3, units=8, activation="relu",
                   weight_decay=lam)


def test_l2_smooths_and_shrinks_the_gap():
    plain, decayed = _l2(0.0), _l2(0.003)
    assert f"{plain.final('loss'):.3f}" == "0.143" and f"{plain.final('val_loss'):.3f}" == "0.379"
    gaps = [f"{r.final('val_loss') - r.final('loss'):.3f}" for r in (plain, decayed)]
    assert gaps == ["0.236", "0.068"]
    squares = [f"{sum(float((W ** 2).sum()) for W in r.network.parameters() if W.ndim == 2):.1f}"
               for r in (plain, decayed)]
    assert squares == ["96.1", "32.2"]
    assert [pct(r.final("val_accuracy")) for r in (plain, decayed)] == [89, 90]
    strong = _l2(0.03)  # too much: both losses go up, the accuracy drops
    assert strong.final("loss") > decayed.final("loss")
    assert strong.final("val_loss") > decayed.final("val_loss")
    assert strong.final("val_accuracy") < decayed.final("val_accuracy")


def test_read_out_network():
    network = pgm.run(30, data="spirals", layers=3, units=6).network
    X_new, y_new = pgm.points("spirals", noise=0.1, seed=2, n=200)
    assert f"{accuracy(y_new, network.predict(X_new)):.1%}" == "98.5%"
    assert network.count_parameters() == 109
