"""The two-neuron worked example of lesson 06: one training step, every number written out.

The network (one data point, one gradient-descent step)::

    inputs x1, x2 ──▶ hidden: z1, z2 → ReLU → a1, a2 ──▶ output: z3 → sigmoid → a3 ──▶ loss L

Weight names: ``w_ij`` is the weight *into* neuron i *from* input j. Hidden neurons are
1 and 2, the output neuron is 3:

* w11: x1 → hidden 1,   w12: x2 → hidden 1,   b1: bias of hidden 1
* w21: x1 → hidden 2,   w22: x2 → hidden 2,   b2: bias of hidden 2
* w31: a1 → output,     w32: a2 → output,     b3: bias of the output

Forward pass                          Backward pass (chain rule, from the loss down)
  z1 = w11·x1 + w12·x2 + b1             dL/da3 = −y/a3 + (1 − y)/(1 − a3)
  z2 = w21·x1 + w22·x2 + b2             da3/dz3 = a3·(1 − a3)
  a1 = max(0, z1)                       dL/dz3 = dL/da3 · da3/dz3 = a3 − y
  a2 = max(0, z2)                       dL/dw31 = dL/dz3·a1,  dL/dw32 = dL/dz3·a2,  dL/db3 = dL/dz3
  z3 = w31·a1 + w32·a2 + b3             dL/da1 = dL/dz3·w31,  dL/da2 = dL/dz3·w32
  a3 = σ(z3) = 1 / (1 + e^(−z3))        dL/dz1 = dL/da1·[z1 > 0],  dL/dz2 = dL/da2·[z2 > 0]
  L  = −[y·ln a3 + (1 − y)·ln(1 − a3)]  dL/dw11 = dL/dz1·x1, dL/dw12 = dL/dz1·x2, dL/db1 = dL/dz1
                                        dL/dw21 = dL/dz2·x1, dL/dw22 = dL/dz2·x2, dL/db2 = dL/dz2
Update: every parameter p ← p − lr · dL/dp. Then the forward pass again gives ``loss_after``.

[z > 0] is the ReLU gate: 1 when the unit was active, 0 when it was off (we use 0 at z = 0).
An inactive ("dead") hidden unit passes no gradient, so its incoming weights do not move.

Everything here is plain Python scalar arithmetic (``math``, no arrays), so each line matches
one line of the lesson. ``to_vector`` / ``loss_from_vector`` give the same numbers as a
numpy vector for ``nnedu.gradcheck``; ``to_matrices`` gives the ``Dense`` layer layout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

#: The nine parameters, in a fixed order (used by the vector helpers).
PARAM_NAMES = ("w11", "w12", "w21", "w22", "b1", "b2", "w31", "w32", "b3")

#: The parts of a step, in the order the lesson walks through them.
STAGES = ("forward", "loss", "backward", "update")


# ----------------------------------------------------------------------------- scalar math

def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^(−z)), written so that ``exp`` never overflows.

    For z ≥ 0 use 1 / (1 + e^(−z)); for z < 0 the equal form e^z / (1 + e^z).
    Either way the exponent is −|z| ≤ 0.
    """
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def binary_cross_entropy_from_z(z3: float, y: float) -> float:
    """L = −[y·ln σ(z3) + (1 − y)·ln(1 − σ(z3))], computed from z3 without taking ln(0).

    Using ln σ(z) = −ln(1 + e^(−z)) and ln(1 − σ(z)) = −z − ln(1 + e^(−z)), the loss
    becomes max(z, 0) − z·y + ln(1 + e^(−|z|)): the same number, but finite even when
    σ(z3) rounds to exactly 0 or 1.
    """
    return max(z3, 0.0) - z3 * y + math.log1p(math.exp(-abs(z3)))


def relu(z: float) -> float:
    """ReLU(z) = max(0, z)."""
    return max(0.0, z)


def relu_gate(z: float) -> float:
    """ReLU'(z) = 1 if z > 0 else 0: whether the unit lets the gradient through."""
    return 1.0 if z > 0 else 0.0


# ----------------------------------------------------------------------------- input checks

def _number(value: object, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"worked_step: {name} must be a number, got {type(value).__name__} "
                        f"{value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"worked_step: {name} must be a finite number, got {value!r}.")
    return value


def _check_params(params: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(params, Mapping):
        raise TypeError(
            f"worked_step: weights must be a dict with the keys {', '.join(PARAM_NAMES)}, "
            f"got {type(params).__name__}."
        )
    missing = [name for name in PARAM_NAMES if name not in params]
    unknown = [name for name in params if name not in PARAM_NAMES]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing {missing}")
        if unknown:
            problems.append(f"unknown {unknown}")
        raise ValueError(
            f"worked_step: weights has {' and '.join(problems)}. It needs exactly the keys "
            f"{', '.join(PARAM_NAMES)} (w_ij = weight into neuron i from input j)."
        )
    return {name: _number(params[name], name) for name in PARAM_NAMES}


# ----------------------------------------------------------------------------- forward pass

def forward(x1: float, x2: float, params: Mapping[str, float]) -> dict[str, float]:
    """The forward pass: returns z1, z2, a1, a2, z3, a3 as a dict."""
    p = params
    z1 = p["w11"] * x1 + p["w12"] * x2 + p["b1"]
    z2 = p["w21"] * x1 + p["w22"] * x2 + p["b2"]
    a1 = relu(z1)
    a2 = relu(z2)
    z3 = p["w31"] * a1 + p["w32"] * a2 + p["b3"]
    a3 = sigmoid(z3)
    return {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "z3": z3, "a3": a3}


def loss_of(x1: float, x2: float, target: float, params: Mapping[str, float]) -> float:
    """The binary cross-entropy loss of the network on the point (x1, x2) with label target."""
    return binary_cross_entropy_from_z(forward(x1, x2, params)["z3"], target)


# ----------------------------------------------------------------------------- one step

@dataclass
class WorkedStep:
    """Every number of one training step of the two-neuron network.

    Inputs: ``x1, x2, target, lr`` and ``params`` (the nine parameters before the step).
    Forward: ``z1, z2, a1, a2, z3, a3, loss``. Backward: every ``dL_d…`` field.
    Update: ``updated`` (the parameters after the step) and ``loss_after``.
    """

    x1: float
    x2: float
    target: float
    lr: float
    params: dict[str, float]
    # forward pass
    z1: float
    z2: float
    a1: float
    a2: float
    z3: float
    a3: float
    loss: float
    # backward pass: output neuron
    dL_da3: float
    da3_dz3: float
    dL_dz3: float
    dL_dw31: float
    dL_dw32: float
    dL_db3: float
    # backward pass: hidden neurons
    dL_da1: float
    dL_da2: float
    dL_dz1: float
    dL_dz2: float
    dL_dw11: float
    dL_dw12: float
    dL_dw21: float
    dL_dw22: float
    dL_db1: float
    dL_db2: float
    # update
    updated: dict[str, float] = field(default_factory=dict)
    loss_after: float = math.nan

    @property
    def gradients(self) -> dict[str, float]:
        """dL/dp for each parameter name, e.g. ``step.gradients["w11"]``."""
        return {name: getattr(self, f"dL_d{name}") for name in PARAM_NAMES}

    def gradient_vector(self) -> np.ndarray:
        """The nine gradients as a vector, in the order of ``PARAM_NAMES``. Shape (9,)."""
        return np.array([self.gradients[name] for name in PARAM_NAMES])

    def rows(self, stage: str | None = None) -> list[tuple[str, str, float]]:
        """(symbol, formula, value) rows in the order the lesson computes them.

        ``stage`` picks one part: "forward", "loss", "backward" or "update"; None = all.
        """
        if stage is not None and stage not in STAGES:
            raise ValueError(f"WorkedStep.rows: stage must be one of {STAGES} or None, "
                             f"got {stage!r}.")
        table = [row for row_stage, row in self._staged_rows() if stage in (None, row_stage)]
        return table

    def _staged_rows(self) -> list[tuple[str, tuple[str, str, float]]]:
        s = self
        rows = [
            ("forward", ("z1", "w11·x1 + w12·x2 + b1", s.z1)),
            ("forward", ("z2", "w21·x1 + w22·x2 + b2", s.z2)),
            ("forward", ("a1", "max(0, z1)", s.a1)),
            ("forward", ("a2", "max(0, z2)", s.a2)),
            ("forward", ("z3", "w31·a1 + w32·a2 + b3", s.z3)),
            ("forward", ("a3", "σ(z3) = 1 / (1 + e^(−z3))", s.a3)),
            ("loss", ("L", "−[y·ln a3 + (1 − y)·ln(1 − a3)]", s.loss)),
            ("backward", ("dL/da3", "−y/a3 + (1 − y)/(1 − a3)", s.dL_da3)),
            ("backward", ("da3/dz3", "a3·(1 − a3)", s.da3_dz3)),
            ("backward", ("dL/dz3", "dL/da3 · da3/dz3 = a3 − y", s.dL_dz3)),
            ("backward", ("dL/dw31", "dL/dz3 · a1", s.dL_dw31)),
            ("backward", ("dL/dw32", "dL/dz3 · a2", s.dL_dw32)),
            ("backward", ("dL/db3", "dL/dz3", s.dL_db3)),
            ("backward", ("dL/da1", "dL/dz3 · w31", s.dL_da1)),
            ("backward", ("dL/da2", "dL/dz3 · w32", s.dL_da2)),
            ("backward", ("dL/dz1", "dL/da1 · [z1 > 0]", s.dL_dz1)),
            ("backward", ("dL/dz2", "dL/da2 · [z2 > 0]", s.dL_dz2)),
            ("backward", ("dL/dw11", "dL/dz1 · x1", s.dL_dw11)),
            ("backward", ("dL/dw12", "dL/dz1 · x2", s.dL_dw12)),
            ("backward", ("dL/db1", "dL/dz1", s.dL_db1)),
            ("backward", ("dL/dw21", "dL/dz2 · x1", s.dL_dw21)),
            ("backward", ("dL/dw22", "dL/dz2 · x2", s.dL_dw22)),
            ("backward", ("dL/db2", "dL/dz2", s.dL_db2)),
        ]
        for name in PARAM_NAMES:
            rows.append(("update", (f"{name} (new)", f"{name} − lr · dL/d{name}",
                                    s.updated[name])))
        rows.append(("update", ("L (after)", "forward again with the new parameters",
                                s.loss_after)))
        return rows

    def as_table(self, stage: str | None = None, digits: int = 6) -> str:
        """The rows as an aligned text table (for ``print``)."""
        rows = self.rows(stage)
        w_symbol = max(len(symbol) for symbol, _, _ in rows)
        w_formula = max(len(formula) for _, formula, _ in rows)
        return "\n".join(f"{symbol:<{w_symbol}}  {formula:<{w_formula}}  {value:+.{digits}f}"
                         for symbol, formula, value in rows)

    def __str__(self) -> str:
        return self.as_table()


def worked_step(x1: float, x2: float, target: float, weights: Mapping[str, float],
                lr: float = 0.1) -> WorkedStep:
    """Run one forward pass, one backward pass and one gradient-descent update.

    ``weights`` is a dict with the nine keys of ``PARAM_NAMES`` (w_ij = weight into neuron
    i from input j, see the module docstring). ``target`` is the label y in [0, 1].
    ``lr`` is the learning rate η of the update p ← p − η·dL/dp.
    Returns a :class:`WorkedStep` with every intermediate value.
    """
    x1, x2 = _number(x1, "x1"), _number(x2, "x2")
    y = _number(target, "target")
    if not 0.0 <= y <= 1.0:
        raise ValueError(
            f"worked_step: target must be a label between 0 and 1 (binary cross-entropy "
            f"compares it with a probability), got {y!r}."
        )
    lr = _number(lr, "lr")
    if lr < 0:
        raise ValueError(f"worked_step: lr must be >= 0 (a step size), got {lr!r}.")
    p = _check_params(weights)

    # ---- forward pass
    f = forward(x1, x2, p)
    z1, z2, a1, a2, z3, a3 = f["z1"], f["z2"], f["a1"], f["a2"], f["z3"], f["a3"]
    loss = binary_cross_entropy_from_z(z3, y)

    # ---- backward pass: output neuron
    da3_dz3 = a3 * (1.0 - a3)
    if da3_dz3 > 0:
        dL_da3 = -y / a3 + (1.0 - y) / (1.0 - a3)
    else:  # a3 rounded to exactly 0 or 1: the slope is infinite, but dL/dz3 stays finite
        dL_da3 = math.copysign(math.inf, a3 - y) if a3 != y else 0.0
    dL_dz3 = a3 - y  # = dL_da3 * da3_dz3, simplified (the a3·(1 − a3) factors cancel)
    dL_dw31 = dL_dz3 * a1
    dL_dw32 = dL_dz3 * a2
    dL_db3 = dL_dz3

    # ---- backward pass: hidden neurons
    dL_da1 = dL_dz3 * p["w31"]
    dL_da2 = dL_dz3 * p["w32"]
    dL_dz1 = dL_da1 * relu_gate(z1)
    dL_dz2 = dL_da2 * relu_gate(z2)
    dL_dw11 = dL_dz1 * x1
    dL_dw12 = dL_dz1 * x2
    dL_db1 = dL_dz1
    dL_dw21 = dL_dz2 * x1
    dL_dw22 = dL_dz2 * x2
    dL_db2 = dL_dz2

    step = WorkedStep(
        x1=x1, x2=x2, target=y, lr=lr, params=dict(p),
        z1=z1, z2=z2, a1=a1, a2=a2, z3=z3, a3=a3, loss=loss,
        dL_da3=dL_da3, da3_dz3=da3_dz3, dL_dz3=dL_dz3,
        dL_dw31=dL_dw31, dL_dw32=dL_dw32, dL_db3=dL_db3,
        dL_da1=dL_da1, dL_da2=dL_da2, dL_dz1=dL_dz1, dL_dz2=dL_dz2,
        dL_dw11=dL_dw11, dL_dw12=dL_dw12, dL_dw21=dL_dw21, dL_dw22=dL_dw22,
        dL_db1=dL_db1, dL_db2=dL_db2,
    )

    # ---- update: one gradient-descent step, then the loss again
    step.updated = {name: p[name] - lr * step.gradients[name] for name in PARAM_NAMES}
    step.loss_after = loss_of(x1, x2, y, step.updated)
    return step


# ----------------------------------------------------------------------------- ready examples

@dataclass(frozen=True)
class WorkedExample:
    """A ready-made input for :func:`worked_step`. ``example.run()`` does the step.

    The weights are read-only; copy them to experiment: ``w = dict(example.weights)``.
    """

    description: str
    x1: float
    x2: float
    target: float
    weights: Mapping[str, float]
    lr: float = 0.1

    def run(self, lr: float | None = None) -> WorkedStep:
        """``worked_step`` on this example (optionally with another learning rate)."""
        return worked_step(self.x1, self.x2, self.target, dict(self.weights),
                           self.lr if lr is None else lr)


#: Both hidden units active: z1 = 0.2 > 0, z2 = 1.0 > 0, so every weight gets a gradient.
EXAMPLE_BOTH_ACTIVE = WorkedExample(
    description="both hidden units active (z1 = 0.2, z2 = 1.0), label 1",
    x1=1.0, x2=2.0, target=1.0,
    weights=MappingProxyType({"w11": 0.5, "w12": -0.2, "w21": 0.3, "w22": 0.4, "b1": 0.1,
                              "b2": -0.1, "w31": 0.7, "w32": -0.5, "b3": 0.2}),
)

#: Hidden unit 2 is off: z2 = −0.5 < 0, so a2 = 0 and w21, w22, b2 (and w32) get gradient 0.
EXAMPLE_ONE_DEAD = WorkedExample(
    description="hidden unit 2 inactive (z1 = 1.3, z2 = -0.5), label 0",
    x1=1.0, x2=2.0, target=0.0,
    weights=MappingProxyType({"w11": 0.6, "w12": 0.3, "w21": -0.4, "w22": 0.1, "b1": 0.1,
                              "b2": -0.3, "w31": 0.8, "w32": 0.5, "b3": -0.2}),
)


# ----------------------------------------------------------------------------- vector forms

def to_vector(params: Mapping[str, float]) -> np.ndarray:
    """The nine parameters as a float vector in the order of ``PARAM_NAMES``. Shape (9,)."""
    p = _check_params(params)
    return np.array([p[name] for name in PARAM_NAMES])


def from_vector(vector: np.ndarray) -> dict[str, float]:
    """The inverse of :func:`to_vector`: a vector of shape (9,) → parameter dict."""
    vector = np.asarray(vector, dtype=float)
    if vector.shape != (len(PARAM_NAMES),):
        raise ValueError(f"from_vector: expected a vector of shape ({len(PARAM_NAMES)},), "
                         f"got shape {vector.shape}.")
    return {name: float(value) for name, value in zip(PARAM_NAMES, vector, strict=True)}


def loss_from_vector(vector: np.ndarray, x1: float, x2: float, target: float) -> float:
    """The loss as a function of the parameter vector, ready for
    ``gradcheck.numerical_gradient(lambda v: loss_from_vector(v, x1, x2, y), v)``."""
    return loss_of(x1, x2, target, from_vector(vector))


def to_matrices(params: Mapping[str, float]) -> dict[str, np.ndarray]:
    """The same parameters in the layout of two ``Dense`` layers (z = x @ W + b):

    W1 (2, 2) = [[w11, w21], [w12, w22]]  (row = input j, column = hidden unit i),
    b1 (2,) = [b1, b2],  W2 (2, 1) = [[w31], [w32]],  b2 (1,) = [b3].
    """
    p = _check_params(params)
    return {
        "W1": np.array([[p["w11"], p["w21"]], [p["w12"], p["w22"]]]),
        "b1": np.array([p["b1"], p["b2"]]),
        "W2": np.array([[p["w31"]], [p["w32"]]]),
        "b2": np.array([p["b3"]]),
    }
