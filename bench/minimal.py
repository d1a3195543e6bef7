"""A clean, minimal numpy training loop for the digits: the yardstick for nnedu's speed.

One function, no classes, no checks: a 64-H-10 network, ReLU, He initialisation, softmax
with cross-entropy (fused gradient), mini-batches, coupled L2 weight decay on the weights,
and Adam (paper's step-size form) or SGD with momentum, with an optional cosine schedule
per epoch. It is what a competent person would write in a notebook with nothing but numpy,
so ``nnedu epoch / minimal epoch`` measures what nnedu's readability and checks cost.

It follows nnedu's conventions (momentum ``v ← μv + g; w ← w − ηv``; L2 adds λ·W to the
gradient; cosine factor ½(1 + cos(π·epoch/epochs))), so the same recipe means the same maths.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def train_minimal(X: np.ndarray, y: np.ndarray, *, seed: int = 0, hidden: int = 64,
                  optimizer: str = "adam", lr: float = 0.01, weight_decay: float = 0.0,
                  momentum: float = 0.9, epochs: int = 100, batch_size: int = 32,
                  schedule: str | None = None,
                  after_epoch: Callable[[int, list[np.ndarray]], object] | None = None,
                  ) -> list[np.ndarray]:
    """Train and return [W1, b1, W2, b2]; ``after_epoch(epoch, params)`` after each epoch."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    k = int(y.max()) + 1
    dtype = X.dtype
    Y = np.eye(k, dtype=dtype)[y]
    W1 = rng.normal(0.0, math.sqrt(2.0 / d), (d, hidden)).astype(dtype)
    W2 = rng.normal(0.0, math.sqrt(2.0 / hidden), (hidden, k)).astype(dtype)
    b1, b2 = np.zeros(hidden, dtype), np.zeros(k, dtype)
    params = [W1, b1, W2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps, t = 0.9, 0.999, 1e-8, 0
    for epoch in range(epochs):
        factor = 0.5 * (1 + math.cos(math.pi * epoch / epochs)) if schedule == "cosine" else 1.0
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], Y[idx]
            h = xb @ W1 + b1
            a = np.maximum(h, 0)
            z = a @ W2 + b2
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            dz = (p - yb) / len(idx)
            dh = (dz @ W2.T) * (h > 0)
            grads = [xb.T @ dh + weight_decay * W1, dh.sum(axis=0),
                     a.T @ dz + weight_decay * W2, dz.sum(axis=0)]
            t += 1
            if optimizer == "adam":
                step = lr * factor * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                for w, g, mi, vi in zip(params, grads, m, v):
                    mi += (1 - beta1) * (g - mi)
                    vi += (1 - beta2) * (g * g - vi)
                    w -= step * mi / (np.sqrt(vi) + eps)
            else:  # SGD with momentum μ (0 = plain SGD)
                for w, g, vel in zip(params, grads, m):
                    vel *= momentum
                    vel += g
                    w -= lr * factor * vel
        if after_epoch is not None:
            after_epoch(epoch, params)
    return params


def predict_minimal(params: list[np.ndarray], X: np.ndarray) -> np.ndarray:
    """Class labels 0..k−1 from the trained parameters."""
    W1, b1, W2, b2 = params
    return np.argmax(np.maximum(X @ W1 + b1, 0) @ W2 + b2, axis=1)
