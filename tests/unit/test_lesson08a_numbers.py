"""The numbers and claims that the markdown of lessons/08a_training_deep_networks.ipynb states.

The lesson measures its networks with ``nnedu.widgets.deep_init`` and trains the runs of
section 8 with an explicit ``fit`` call; ``test_lesson_code_uses_the_module_settings`` checks
that this call uses the settings of ``deep_init.TRAINING`` and ``deep_init.RUNS``, so the runs
here (made with ``train_run``, the same calls) are the lesson's runs. Each test names the
quoted text it backs; ``test_quoted_phrases_are_still_in_the_lesson`` fails when the wording
changes, so that this file is revisited with it.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.batchnorm import BatchNorm
from nnedu.layers import PReLU
from nnedu.optim import global_norm
from nnedu.widgets import deep_init as di

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "08a_training_deep_networks.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers or checkable claims in the lesson's markdown; each is backed below.
QUOTED = [
    "($0.5^{10} \\approx 0.000977$)",
    "almost 58 times as much ($1.5^{10} \\approx 57.67$)",
    "He's standard deviation is $\\sqrt{2/64} \\approx 0.1768$",
    "Xavier's is $\\sqrt{2/128} = 0.125$",
    "(1.002 in, 0.994 out)",
    "and ReLU kept half of it (0.498 of 0.994)",
    "the activations are around $10^{-11}$ (tanh) and $10^{-13}$ (ReLU)",
    "1 is $1/0.1768 \\approx 5.66$ times He's scale, and ReLU's signal grows\n  about fivefold per "
    "layer, to $1.52 \\times 10^{7}$ at layer 10",
    "(std 0.949: almost every\n  unit sits at −1 or +1",
    "(std 0.243 at layer 10, shrinking only slowly)",
    "0.0141 at layer 10, heading for zero",
    "**He** keeps ReLU's signal steady (0.452 at layer 10)",
    "With ReLU and **std 0.01** the gradients are around $10^{-11}$",
    "$\\lVert dW \\rVert$ is $1.37 \\times 10^{7}$ at layer 1",
    "SGD with $\\eta = 0.01$ would change the weights by about $10^{5}$",
    "every layer shrinks\n  the gradient passing through it about fourfold",
    "layer 1's gradient ($1.96 \\times 10^{-6}$) is about 250,000 times\n  smaller than layer "
    "10's (0.481)",
    "He with ReLU keeps the gradients of all layers within a factor of two of each other",
    "each entry is multiplied by $1/5$: $3 \\to 0.6$ and\n$4 \\to 0.8$",
    "std 0.3, 1.7 times He's 0.1768",
    "The first gradient is about 895 long, against 1.87 with He",
    "Without clipping the loss becomes\nnan within the first epoch",
    "With `clip_norm=2` the same network trains: 92.6 % training\naccuracy after 10 epochs",
    "its running mean is $0.9 \\cdot 0 + 0.1 \\cdot 3 = 0.3$",
    "42,250 weights and biases",
    "lesson 09's 1,293 training digits with SGD (learning rate 0.01, momentum 0.9), mini-batches "
    "of\n32, for 10 epochs",
    "Training accuracy stays at 0.108 and the loss at 2.3019, about\n  $\\ln 10 \\approx 2.3026$",
    "**He trains**: 95 % training accuracy at epoch 8, 0.963 after 10 epochs (validation 0.931)",
    "95 % at epoch 3, 0.995 after 10 epochs (validation 0.972)",
    "starts every $\\alpha$ at 0.25",
    "The PReLU network reaches 0.991 training accuracy after 10 epochs (ReLU: 0.963)",
    "to between 0.06 and 0.40",
    "640 more parameters, one per hidden unit",
    "He: $\\sqrt{2/256} \\approx 0.0884$. Xavier: $\\sqrt{2/(256 + 128)} \\approx 0.0722$",
    "with $\\rho = 0.9$ (`momentum`)",
]


def lesson() -> nbformat.NotebookNode:
    return nbformat.read(LESSON, as_version=4)


def markdown() -> str:
    return "\n".join(c.source for c in lesson().cells if c.cell_type == "markdown")


def code() -> str:
    return "\n".join(c.source for c in lesson().cells if c.cell_type == "code")


def test_quoted_phrases_are_still_in_the_lesson():
    text = markdown()
    missing = [phrase for phrase in QUOTED if phrase not in text]
    assert not missing, missing


def test_lesson_code_uses_the_module_settings():
    source = code()
    t = di.TRAINING
    assert (f"optimizer=SGD(lr={t['lr']}, momentum={t['momentum']}), epochs={t['epochs']}, "
            f"batch_size={t['batch_size']}") in source
    assert "validation_data=(digits.X_val, digits.y_val), progress=False, seed=0" in source
    assert "di.deep_mlp(hidden=10, **settings)" in source
    assert ('runs = {"std 0.01": deep_run(init="small"), "He": deep_run(init="he"),\n'
            '        "He + batch norm": deep_run(init="he", batch_norm=True)}') in source
    assert di.RUNS["std 0.01"] == {"init": "small"}
    assert di.RUNS["He"] == {"init": "he"}
    assert di.RUNS["He + batch norm"] == {"init": "he", "batch_norm": True}
    assert di.deep_mlp.__defaults__[0] == 10  # hidden layers in train_run


# ----------------------------------------------------------------------------- sections 1 and 2
def test_factors_over_ten_layers():
    assert f"{0.5 ** 10:.6f}" == "0.000977"
    assert f"{1.5 ** 10:.2f}" == "57.67" and round(1.5 ** 10) == 58


def test_he_and_xavier_scales():
    assert f"{di.init_std('he', 64, 64):.4f}" == "0.1768"
    assert di.init_std("xavier", 64, 64) == 0.125
    assert f"{1 / di.init_std('he', 64, 64):.2f}" == "5.66"
    assert f"{0.3 / di.init_std('he', 64, 64):.1f}" == "1.7"
    assert f"{math.sqrt(2 / 256):.4f}" == "0.0884"
    assert f"{math.sqrt(2 / 384):.4f}" == "0.0722"


def test_the_variance_simulation():
    rng = np.random.default_rng(0)
    n = 64
    a = rng.standard_normal((10_000, n))
    W = rng.normal(0.0, np.sqrt(1 / n), (n, n))
    z = a @ W
    assert (f"{a.var():.3f}", f"{z.var():.3f}") == ("1.002", "0.994")
    assert f"{np.mean(np.maximum(z, 0) ** 2):.3f}" == "0.498"


# ----------------------------------------------------------------------------- sections 3 and 4
def std10(activation: str, init: str) -> float:
    return float(di.layer_statistics(10, activation, init).std[-1])


def test_activation_std_at_layer_10():
    assert 1e-12 < std10("tanh", "small") < 1e-10
    assert 1e-14 < std10("relu", "small") < 1e-12
    assert f"{std10('relu', 'large'):.3g}" == "1.52e+07"
    assert f"{std10('tanh', 'large'):.3f}" == "0.949"
    assert f"{std10('tanh', 'xavier'):.3f}" == "0.243"
    assert f"{std10('relu', 'xavier'):.4f}" == "0.0141"
    assert f"{std10('relu', 'he'):.3f}" == "0.452"


def test_relu_with_std_1_grows_about_fivefold_per_layer():
    std = di.layer_statistics(10, "relu", "large").std
    growth = (std[-1] / std[0]) ** (1 / 9)
    assert 4.5 < growth < 6


def test_tanh_with_std_1_saturates():
    # "almost every unit sits at −1 or +1": most values in the outer tenth of the range
    hist = di.layer_statistics(10, "tanh", "large").hist[-1]
    assert hist[:2].sum() + hist[-2:].sum() > 0.7


def test_gradient_norms():
    small = di.layer_statistics(10, "relu", "small").grad_norm
    assert np.all((1e-12 < small) & (small < 1e-10))
    large = di.layer_statistics(10, "relu", "large").grad_norm
    assert f"{large[0]:.3g}" == "1.37e+07"
    assert 5e4 < 0.01 * large[0] < 5e5
    sigmoid = di.layer_statistics(10, "sigmoid", "xavier").grad_norm
    assert (f"{sigmoid[0]:.3g}", f"{sigmoid[-1]:.3g}") == ("1.96e-06", "0.481")
    assert 2e5 < sigmoid[-1] / sigmoid[0] < 3e5
    assert 3.5 < np.median(sigmoid[1:] / sigmoid[:-1]) < 5
    he = di.layer_statistics(10, "relu", "he").grad_norm
    assert he.max() / he.min() < 2


# ----------------------------------------------------------------------------- section 6
def test_clipping_example():
    from nnedu.optim import clip_by_global_norm

    clipped, norm = clip_by_global_norm([np.array([[3.0, 0.0]]), np.array([4.0])], 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped[0], [[0.6, 0.0]])
    np.testing.assert_allclose(clipped[1], [0.8])


def test_clipping_runs():
    bad, clipped = di.train_run("std 0.3"), di.train_run("std 0.3, clipped at 2")
    assert f"{bad.first_grad_norm:.3g}" == "895"
    assert bad.history is None and "at epoch 1:" in bad.diverged
    assert f"{clipped.history['accuracy'][-1]:.3f}" == "0.926"
    he = di.deep_mlp(hidden=10, init="he")
    from nnedu.data import load_digits

    digits = load_digits()
    he.loss_and_backward(digits.X_train[:32], np.eye(10)[digits.y_train[:32]])
    assert f"{global_norm(he.gradients()):.3g}" == "1.87"
    assert f"{di.train_run('He').first_grad_norm:.3g}" == "1.87"
    assert di.epochs_to(clipped.history, 0.9) > di.epochs_to(di.train_run("He").history, 0.9)


# ----------------------------------------------------------------------------- section 7
def test_batchnorm_example():
    x = np.array([[1.0, 2.0, 30.0], [2.0, 4.0, 10.0], [3.0, 9.0, 20.0], [6.0, 1.0, 40.0]])
    bn = BatchNorm(3)
    bn.forward(x, training=True)
    assert x[:, 0].mean() == 3.0
    assert bn.buffers["running_mean"][0] == pytest.approx(0.3)
    assert bn.momentum == 0.9


# ----------------------------------------------------------------------------- sections 8 and 9
def test_the_experiment():
    from nnedu.data import load_digits

    assert di.deep_mlp(hidden=10).count_parameters() == 42_250
    assert len(load_digits().X_train) == 1293
    naive = di.train_run("std 0.01").history
    assert set(f"{a:.3f}" for a in naive["accuracy"]) == {"0.108"}
    assert f"{naive['loss'][-1]:.4f}" == "2.3019"
    assert f"{math.log(10):.4f}" == "2.3026"
    he = di.train_run("He").history
    assert di.epochs_to(he, 0.95) == 8
    assert (f"{he['accuracy'][-1]:.3f}", f"{he['val_accuracy'][-1]:.3f}") == ("0.963", "0.931")
    bn = di.train_run("He + batch norm").history
    assert di.epochs_to(bn, 0.95) == 3
    assert (f"{bn['accuracy'][-1]:.3f}", f"{bn['val_accuracy'][-1]:.3f}") == ("0.995", "0.972")


def test_the_prelu_run():
    run = di.train_run("He + PReLU")
    assert f"{run.history['accuracy'][-1]:.3f}" == "0.991"
    alphas = [layer.params["alpha"] for layer in run.model.layers if isinstance(layer, PReLU)]
    assert f"{min(a.min() for a in alphas):.2f}" == "0.06"
    assert f"{max(a.max() for a in alphas):.2f}" == "0.40"
    assert sum(a.size for a in alphas) == 640
    assert np.all(PReLU(64).params["alpha"] == 0.25)
    assert (di.deep_mlp(hidden=10, activation="prelu").count_parameters()
            - di.deep_mlp(hidden=10).count_parameters()) == 640
