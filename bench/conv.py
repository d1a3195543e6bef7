"""Benchmark: convolutions on the digits — loops vs vectorised, and shifted digits.

    python bench/conv.py                 # everything: epoch times, backward variants, shift table
    python bench/conv.py --part epoch    # one CNN epoch, vectorised vs loops
    python bench/conv.py --part shift --seeds 3

* ``epoch``: one training epoch (1,293 digits, batch 32, forward + backward + Adam step) of
  ``nnedu.conv.digits_cnn`` with the vectorised ``Conv2D`` and with a ``Conv2D`` whose
  forward/backward are ``conv2d_loops``/``conv2d_backward_loops`` (pooling, ReLU and Dense are
  the same in both). The loop version is timed on the first ``--loop-batches`` batches and
  extrapolated to the whole epoch (it is far too slow to run in full).
* ``backward``: two vectorised ways to get dx — col2im (what ``conv2d_backward`` does) and a
  convolution of the padded dz with the flipped filters — on the CNN's two conv layers.
* ``shift``: test accuracy of the CLI's default MLP (``python -m nnedu train-digits``) and of
  the CNN, on the test digits as they are and moved by 1 and 2 pixels (mean over the 4
  directions right, left, down, up; empty pixels are 0), per seed and on average, with the
  training times.

One BLAS thread (faster at this size on 2 cores). Epoch and backward times are CPU times
(``time.process_time``), which a busy machine disturbs less than wall-clock times; the
training times in the shift table are wall-clock, as a student would wait for them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from nnedu.conv import (
    DIGITS_CNN_TRAINING,
    Conv2D,
    conv2d,
    conv2d_backward,
    conv2d_backward_loops,
    conv2d_loops,
    digits_cnn,
    shift_digits,
)
from nnedu.data import load_digits
from nnedu.network import Sequential
from nnedu.optim import Adam, cosine
from nnedu.train import fit

SHIFTS = [(1, 0), (-1, 0), (0, 1), (0, -1)]


class LoopConv2D(Conv2D):
    """Conv2D computed with the lesson's loops (same padding, same parameters)."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        super().forward(x, training)  # checks and pads x into self.x_padded
        return conv2d_loops(self.x_padded, self.params["W"], self.params["b"])

    def backward(self, grad_output: np.ndarray, input_grad: bool = True) -> np.ndarray:
        dx, self.grads["W"], self.grads["b"] = conv2d_backward_loops(
            self.x_padded, self.params["W"], grad_output)
        h, w = dx.shape[2] - self.kernel_size + 1, dx.shape[3] - self.kernel_size + 1
        before = (self.kernel_size - 1) // 2 if self.padding == "same" else 0
        return dx[:, :, before:before + h, before:before + w]


def with_loops(model: Sequential) -> Sequential:
    """The same network with every Conv2D replaced by a LoopConv2D holding the same weights."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            loop = LoopConv2D(layer.in_channels, layer.out_channels, layer.kernel_size,
                              layer.padding, name=layer.name)
            loop.params = {key: value.copy() for key, value in layer.params.items()}
            layer = loop
        layers.append(layer)
    model = Sequential.__new__(Sequential)
    model.layers = layers
    return model


def time_steps(model: Sequential, X: np.ndarray, Y: np.ndarray, batches: int) -> float:
    """CPU seconds for ``batches`` training steps of 32 digits (forward, backward, Adam)."""
    optimizer, params = Adam(lr=0.01), model.parameters()
    start = time.process_time()
    for i in range(batches):
        model.loss_and_backward(X[32 * i:32 * (i + 1)], Y[32 * i:32 * (i + 1)])
        optimizer.step(params, model.gradients())
    return time.process_time() - start


def bench_epoch(loop_batches: int) -> None:
    digits = load_digits()
    X, Y = digits.X_train.reshape(-1, 1, 8, 8), digits.Y_train
    batches = int(np.ceil(len(X) / 32))
    fast = min(time_steps(digits_cnn(seed=0), X, Y, batches) for _ in range(3))
    fast32 = min(time_steps(digits_cnn(seed=0, dtype=np.float32), X.astype(np.float32),
                            Y.astype(np.float32), batches) for _ in range(3))
    loops = time_steps(with_loops(digits_cnn(seed=0)), X, Y, loop_batches) * batches / loop_batches
    print(f"one training epoch of digits_cnn() ({len(X)} digits, {batches} batches of 32), "
          f"CPU time:")
    print(f"  vectorised, float64   {fast * 1e3:9.0f} ms")
    print(f"  vectorised, float32   {fast32 * 1e3:9.0f} ms")
    print(f"  loops, float64        {loops * 1e3:9.0f} ms  (timed on {loop_batches} batches, "
          f"extrapolated)   {loops / fast:.0f}× slower")


def flipped_conv_dx(x: np.ndarray, W: np.ndarray, dz: np.ndarray) -> np.ndarray:
    """dx as the convolution of dz (padded by k − 1) with the flipped filters."""
    kh, kw = W.shape[2:]
    dz_padded = np.pad(dz, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    return conv2d(dz_padded, W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3), np.zeros(W.shape[1]))


def backward_flipped(x: np.ndarray, W: np.ndarray, dz: np.ndarray) -> tuple:
    """conv2d_backward with its dx computed by ``flipped_conv_dx`` instead of col2im."""
    _, dW, db = conv2d_backward(x, W, dz, input_grad=False)
    return flipped_conv_dx(x, W, dz), dW, db


def bench_backward() -> None:
    rng = np.random.default_rng(0)
    print("conv backward (dx, dW, db), batch 32, 10×10 padded images, 3×3 filters, "
          "CPU µs per call:")
    for c, f in ((1, 12), (12, 24)):
        x, W = rng.normal(size=(32, c, 10, 10)), rng.normal(size=(f, c, 3, 3))
        dz = rng.normal(size=(32, f, 8, 8))
        assert np.allclose(conv2d_backward(x, W, dz)[0], flipped_conv_dx(x, W, dz))
        for label, run in (("col2im (conv2d_backward)", conv2d_backward),
                           ("flipped-filter conv", backward_flipped)):
            best = min(_seconds(run, (x, W, dz), 50) for _ in range(5))
            print(f"  {c:2d}→{f:2d} channels  {label:26s} {best * 1e6:7.0f}")


def _seconds(run, args: tuple, number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        run(*args)
    return (time.process_time() - start) / number


def accuracy(model: Sequential, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(model.forward(X), axis=1) == y))


def shift_row(model: Sequential, X: np.ndarray, y: np.ndarray, images: bool) -> list[float]:
    """Test accuracy unshifted, then shifted by 1 and 2 pixels (mean over the 4 directions)."""
    shape = (-1, 1, 8, 8) if images else (-1, 64)
    row = [accuracy(model, X.reshape(shape), y)]
    for pixels in (1, 2):
        row.append(float(np.mean([accuracy(model, shift_digits(X, pixels * dx, pixels * dy)
                                           .reshape(shape), y) for dx, dy in SHIFTS])))
    return row


def train_cnn(digits, seed: int) -> tuple[Sequential, float, float]:
    """digits_cnn trained as DIGITS_CNN_TRAINING says; returns (model, wall s, CPU s)."""
    t = DIGITS_CNN_TRAINING
    images = digits.X_train.reshape(-1, 1, 8, 8).astype(t["dtype"])
    val = (digits.X_val.reshape(-1, 1, 8, 8).astype(t["dtype"]), digits.y_val)
    cnn = digits_cnn(seed=seed, dtype=t["dtype"])
    wall, cpu = time.perf_counter(), time.process_time()
    fit(cnn, images, digits.y_train, epochs=t["epochs"], batch_size=t["batch_size"],
        optimizer=Adam(lr=t["lr"], weight_decay=t["weight_decay"], schedule=cosine(t["epochs"])),
        seed=seed, progress=False, validation_data=val)
    return cnn, time.perf_counter() - wall, time.process_time() - cpu


def bench_shift(seeds: int) -> None:
    from nnedu.__main__ import DIGITS_DEFAULTS, train_digits

    digits = load_digits()
    results: dict[str, list[list[float]]] = {"MLP 64-64-10": [], "CNN digits_cnn()": []}
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(seeds):
            path = str(Path(folder) / f"mlp{seed}.npz")
            cpu = time.process_time()
            seconds = train_digits(seed=seed, progress=False, save=path)["seconds"]
            cpu = time.process_time() - cpu
            row = shift_row(Sequential.load(path), digits.X_test, digits.y_test, False)
            results["MLP 64-64-10"].append([*row, seconds, cpu])

            cnn, seconds, cpu = train_cnn(digits, seed)
            results["CNN digits_cnn()"].append([*shift_row(cnn, digits.X_test, digits.y_test,
                                                           True), seconds, cpu])
    print(f"MLP: train-digits defaults {DIGITS_DEFAULTS}")
    print(f"CNN: digits_cnn(), Adam {DIGITS_CNN_TRAINING}, cosine schedule")
    print(f"test accuracy ({len(digits.y_test)} digits), seeds 0..{seeds - 1}; shifted = mean "
          f"over right/left/down/up\n")
    print("| model | seed | unshifted | shift 1 px | shift 2 px | training: wall | CPU |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        for seed, (a0, a1, a2, sec, cpu) in enumerate(rows):
            print(f"| {name} | {seed} | {a0:.1%} | {a1:.1%} | {a2:.1%} | {sec:.1f} s | "
                  f"{cpu:.1f} s |")
        a0, a1, a2, sec, cpu = np.mean(rows, axis=0)
        print(f"| **{name}** | mean | **{a0:.1%}** | **{a1:.1%}** | **{a2:.1%}** | {sec:.1f} s "
              f"| {cpu:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["epoch", "backward", "shift", "all"], default="all")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--loop-batches", type=int, default=4)
    args = parser.parse_args()
    with threadpool_limits(1):
        if args.part in ("epoch", "all"):
            bench_epoch(args.loop_batches)
        if args.part in ("backward", "all"):
            bench_backward()
        if args.part in ("shift", "all"):
            bench_shift(args.seeds)


if __name__ == "__main__":
    main()
