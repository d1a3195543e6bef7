"""Small toy data sets for the course's 2-D pictures: xor, moons, circles, spirals, and a
1-D regression curve.

Each returns ``(X, y)``: X float64 of shape (n_samples, 2) (``regression_1d``: (n, 1)), y int64
labels of shape (n_samples,) (``regression_1d``: float64 targets of shape (n, 1)). Every one
takes ``seed``: the same seed gives the same points, bit for bit. ``nnedu.data`` offers them
too (``from nnedu.data import spirals``).
"""

from __future__ import annotations

import math

import numpy as np

Array = np.ndarray


def _check_count(value: object, where: str, name: str, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < minimum:
        raise ValueError(f"{where}: {name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def _check_noise(noise: object, where: str) -> float:
    if not isinstance(noise, (int, float, np.integer, np.floating)) or not noise >= 0 \
            or not math.isfinite(noise):
        raise ValueError(
            f"{where}: noise must be a number >= 0 (the standard deviation of the Gaussian "
            f"jitter), got {noise!r}."
        )
    return float(noise)


def _shuffle(X: Array, y: Array, rng: np.random.Generator) -> tuple[Array, Array]:
    order = rng.permutation(len(X))
    return X[order], y[order]


def xor(n_per_corner: int = 1, noise: float = 0.0, seed: int | None = 0) -> tuple[Array, Array]:
    """The XOR problem: label 1 when exactly one of the two inputs is 1.

    ====== ====== =====
    x1     x2     y
    ====== ====== =====
    0      0      0
    0      1      1
    1      0      1
    1      1      0
    ====== ====== =====

    No straight line separates the 1s from the 0s, which is why a hidden layer is needed.
    By default the four points above, in this order. With ``n_per_corner > 1`` or
    ``noise > 0`` each corner becomes a cloud of ``n_per_corner`` points with Gaussian
    jitter of standard deviation ``noise`` (shuffled, seeded).

    Returns X (4·n_per_corner, 2) float64 and y (4·n_per_corner,) int64.
    """
    n_per_corner = _check_count(n_per_corner, "xor", "n_per_corner")
    noise = _check_noise(noise, "xor")
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    if n_per_corner == 1 and noise == 0.0:
        return corners, labels
    rng = np.random.default_rng(seed)
    X = np.repeat(corners, n_per_corner, axis=0)
    y = np.repeat(labels, n_per_corner)
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffle(X, y, rng)


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[Array, Array]:
    """Two interleaving half circles ("moons"), a classic non-linear two-class problem.

    Class 0: (cos t, sin t); class 1: (1 − cos t, 0.5 − sin t), for t evenly spaced in
    [0, π]; then Gaussian jitter of standard deviation ``noise`` and a shuffle.
    Class 0 gets n // 2 points, class 1 the rest.

    Returns X (n, 2) float64 and y (n,) int64.
    """
    n = _check_count(n, "moons", "n", minimum=2)
    noise = _check_noise(noise, "moons")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower])
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffle(X, y, rng)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = 0) -> tuple[Array, Array]:
    """A small circle inside a large one: class 0 on radius 1, class 1 on radius ``factor``.

    Points at evenly spaced angles, then Gaussian jitter of standard deviation ``noise`` and
    a shuffle. Class 0 gets n // 2 points, class 1 the rest. A single neuron (a straight
    line) cannot separate them; a small hidden layer can.

    Returns X (n, 2) float64 and y (n,) int64.
    """
    n = _check_count(n, "circles", "n", minimum=2)
    noise = _check_noise(noise, "circles")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles: factor (inner radius) must be in (0, 1), got {factor!r}.")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0.0, 2.0 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2.0 * np.pi, n - n0, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    X = np.vstack([outer, inner])
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffle(X, y, rng)


def spirals(n_per_class: int = 100, n_classes: int = 2, noise: float = 0.2,
            seed: int | None = 0) -> tuple[Array, Array]:
    """Interleaved spiral arms, one arm per class: hard for a line, fine for a hidden layer.

    For class k, point i of n: radius r = i / (n − 1), growing from 0 to 1, and angle
    θ = 4k + 4r + noise·N(0, 1), so each arm turns by 4 radians and the arms start
    4 radians apart; the point is r·(sin θ, cos θ). The samples are then shuffled.

    Returns X (n_per_class·n_classes, 2) float64, inside the unit disc apart from the
    noise, and y (n_per_class·n_classes,) int64 with values 0..n_classes − 1.
    """
    n_per_class = _check_count(n_per_class, "spirals", "n_per_class", minimum=2)
    n_classes = _check_count(n_classes, "spirals", "n_classes", minimum=2)
    noise = _check_noise(noise, "spirals")
    rng = np.random.default_rng(seed)
    X = np.zeros((n_per_class * n_classes, 2))
    y = np.zeros(n_per_class * n_classes, dtype=np.int64)
    for k in range(n_classes):
        rows = slice(k * n_per_class, (k + 1) * n_per_class)
        r = np.linspace(0.0, 1.0, n_per_class)
        theta = 4.0 * k + 4.0 * r + noise * rng.standard_normal(n_per_class)
        X[rows] = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
        y[rows] = k
    return _shuffle(X, y, rng)


def regression_1d(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[Array, Array]:
    """A one-input regression problem: y = sin(x) + noise·N(0, 1), x uniform in [−π, π].

    The x values are sorted (so ``plt.plot(X, y)`` draws a line from left to right).
    The true curve without noise is ``np.sin(X)``.

    Returns X (n, 1) and y (n, 1), both float64 columns (the shape a network with one
    input and one output expects).
    """
    n = _check_count(n, "regression_1d", "n")
    noise = _check_noise(noise, "regression_1d")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-np.pi, np.pi, size=n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    return x.reshape(-1, 1), y.reshape(-1, 1)
