"""Checks for lesson 06's exercises: the two-neuron network's forward pass, backward pass and
one update, every number written out.

The network and its names are those of :mod:`nnedu.worked` and the lesson::

    z1 = w11·x1 + w12·x2 + b1     a1 = max(0, z1)       (w_ij: into unit i, from input j)
    z2 = w21·x1 + w22·x2 + b2     a2 = max(0, z2)
    z3 = w31·a1 + w32·a2 + b3     a3 = σ(z3)            L = −[y·ln a3 + (1 − y)·ln(1 − a3)]

The student's functions return dicts; a check compares their values in a fixed order (given
in each case's name) with :func:`nnedu.worked.worked_step`, the right answer. The known
mistakes are written out in :func:`_step_with`, one switch per mistake, so each wrong
version differs from the right one by exactly that mistake (a test checks that
``_step_with()`` without a switch equals ``nnedu.worked``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks
from nnedu.worked import EXAMPLE_BOTH_ACTIVE, EXAMPLE_ONE_DEAD, PARAM_NAMES, worked_step

__all__ = [
    "check_output_unit_backward",
    "check_worked_backward",
    "check_worked_forward",
    "check_worked_update",
]

#: What ``forward`` returns, in the order the check compares it.
FORWARD_KEYS = ("z1", "z2", "a1", "a2", "z3", "a3", "loss")
#: What ``output_unit_backward`` returns, in the order the check compares it.
OUTPUT_KEYS = ("dL_dz3", "dL_dw31", "dL_dw32", "dL_db3", "dL_da1", "dL_da2")
#: The nine gradients of ``backward``, in the order the lesson computes them.
BACKWARD_ORDER = ("w31", "w32", "b3", "w11", "w12", "b1", "w21", "w22", "b2")


# ---------------------------------------------------------------------------------------------
# The data: the lesson's two examples and random points with chosen ReLU gates
# ---------------------------------------------------------------------------------------------


def _point(example) -> tuple[float, float, float, dict[str, float]]:
    return example.x1, example.x2, example.target, dict(example.weights)


def _random_point(seed: int, unit1_on: bool, unit2_on: bool) -> tuple:
    """(x1, x2, y, w) drawn at random until the two hidden units are on or off as asked.

    Every sum stays at least 0.1 away from 0 (the ReLU's kink) and |z3| < 4.
    """
    rng = np.random.default_rng(seed)
    while True:
        x1, x2 = (round(float(v), 2) for v in rng.uniform(-2.0, 2.0, 2))
        w = {name: round(float(v), 2) for name, v in zip(PARAM_NAMES, rng.normal(0.0, 1.0, 9))}
        y = float(rng.integers(0, 2))
        z1 = w["w11"] * x1 + w["w12"] * x2 + w["b1"]
        z2 = w["w21"] * x1 + w["w22"] * x2 + w["b2"]
        z3 = w["w31"] * max(z1, 0.0) + w["w32"] * max(z2, 0.0) + w["b3"]
        if (z1 > 0.1) == unit1_on and (z2 > 0.1) == unit2_on and min(abs(z1), abs(z2)) > 0.1:
            if abs(z3) < 4.0 and abs(x1 - x2) > 0.3:
                return x1, x2, y, w


#: (name, (x1, x2, y, w)) of every point the checks use.
POINTS = [
    ("EXAMPLE_BOTH_ACTIVE", _point(EXAMPLE_BOTH_ACTIVE)),
    ("EXAMPLE_ONE_DEAD (hidden unit 2 off)", _point(EXAMPLE_ONE_DEAD)),
    ("a random point, hidden unit 1 off", _random_point(61, False, True)),
    ("a random point, both units on", _random_point(62, True, True)),
]
#: A point where both hidden units are off: only b3 can learn.
BOTH_OFF = ("a random point, both hidden units off", _random_point(63, False, False))


# ---------------------------------------------------------------------------------------------
# The right answers (nnedu.worked) and the known mistakes
# ---------------------------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def _output_with(y: float, w: Mapping[str, float], values: Mapping[str, float],
                 on: set[str] | frozenset[str] = frozenset()) -> dict[str, float]:
    """The output unit's backward step from the forward values, with the mistakes ``on``."""
    z1, z2, a1, a2, a3 = (values[key] for key in ("z1", "z2", "a1", "a2", "a3"))
    with np.errstate(all="ignore"):
        dL_da3 = -y / a3 + (1 - y) / (1 - a3) if 0 < a3 < 1 else math.nan
    if "dz3_is_da3" in on:
        dL_dz3 = dL_da3
    elif "sigmoid_slope_at_a3" in on:
        dL_dz3 = dL_da3 * _sigmoid(a3) * (1 - _sigmoid(a3))
    elif "sigmoid_slope_twice" in on:
        dL_dz3 = (a3 - y) * a3 * (1 - a3)
    elif "dz3_sign" in on:
        dL_dz3 = y - a3
    else:
        dL_dz3 = a3 - y
    in1, in2 = (z1, z2) if "z_for_a" in on else (a1, a2)
    if "weight_input_swap" in on:
        dL_dw31, dL_dw32 = dL_dz3 * w["w31"], dL_dz3 * w["w32"]
        dL_da1, dL_da2 = dL_dz3 * in1, dL_dz3 * in2
    else:
        dL_dw31, dL_dw32 = dL_dz3 * in1, dL_dz3 * in2
        dL_da1, dL_da2 = dL_dz3 * w["w31"], dL_dz3 * w["w32"]
    if "output_weights_swapped" in on:
        dL_da1, dL_da2 = dL_dz3 * w["w32"], dL_dz3 * w["w31"]
    if "no_output_weight" in on:
        dL_da1 = dL_da2 = dL_dz3
    return {"dL_dz3": dL_dz3, "dL_dw31": dL_dw31, "dL_dw32": dL_dw32, "dL_db3": dL_dz3,
            "dL_da1": dL_da1, "dL_da2": dL_da2}


def _step_with(x1: float, x2: float, y: float, w: Mapping[str, float],
               *mistakes: str) -> dict[str, float]:
    """The forward and backward pass written out, with the named mistakes switched on.

    Returns every forward value and ``dL_d…`` for every gradient. Without mistakes it equals
    :func:`nnedu.worked.worked_step`.
    """
    on = set(mistakes)
    # forward
    if "from_into" in on:  # w_ij read as "from unit i into unit j"
        z1 = w["w11"] * x1 + w["w21"] * x2 + w["b1"]
        z2 = w["w12"] * x1 + w["w22"] * x2 + w["b2"]
    elif "inputs_swapped" in on:
        z1 = w["w11"] * x2 + w["w12"] * x1 + w["b1"]
        z2 = w["w21"] * x2 + w["w22"] * x1 + w["b2"]
    else:
        z1 = w["w11"] * x1 + w["w12"] * x2 + w["b1"]
        z2 = w["w21"] * x1 + w["w22"] * x2 + w["b2"]
    a1, a2 = (z1, z2) if "no_relu" in on else (max(0.0, z1), max(0.0, z2))
    z3 = w["w31"] * a1 + w["w32"] * a2 + w["b3"]
    a3 = z3 if "no_sigmoid" in on else _sigmoid(z3)
    with np.errstate(all="ignore"):
        if "squared_error" in on:
            loss = (a3 - y) ** 2
        else:
            log_a3 = math.log(a3) if a3 > 0 else -math.inf
            log_1_a3 = math.log(1 - a3) if a3 < 1 else -math.inf
            loss = y * log_a3 + (1 - y) * log_1_a3
            loss = loss if "loss_sign" in on else -loss
    values = {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "z3": z3, "a3": a3, "loss": loss}

    # backward: the output unit
    out = _output_with(y, w, values, on)
    dL_dz3, dL_da1, dL_da2 = out["dL_dz3"], out["dL_da1"], out["dL_da2"]

    # backward: the hidden units
    if "no_gate" in on:
        gate1, gate2 = 1.0, 1.0
    elif "activation_as_gate" in on:  # multiplied by a = ReLU(z) instead of [z > 0]
        gate1, gate2 = a1, a2
    else:
        gate1, gate2 = float(z1 > 0), float(z2 > 0)
    dL_dz1, dL_dz2 = dL_da1 * gate1, dL_da2 * gate2
    first, second = (x2, x1) if "gradient_inputs_swapped" in on else (x1, x2)
    grads = {
        "w11": dL_dz1 * first, "w12": dL_dz1 * second, "b1": dL_dz1,
        "w21": dL_dz2 * first, "w22": dL_dz2 * second, "b2": dL_dz2,
        "w31": out["dL_dw31"], "w32": out["dL_dw32"], "b3": out["dL_db3"],
    }
    if "gradient_from_into" in on:  # the gradients of w12 and w21 under each other's names
        grads["w12"], grads["w21"] = grads["w21"], grads["w12"]
    for name in PARAM_NAMES:
        values[f"dL_d{name}"] = grads[name]
    values.update(dL_dz3=dL_dz3, dL_da1=dL_da1, dL_da2=dL_da2, dL_dz1=dL_dz1, dL_dz2=dL_dz2)

    return values


def _values(result: object, keys: tuple[str, ...], what: str) -> tuple | None:
    """The values of the dict ``result`` in the order ``keys``, with a clear error otherwise."""
    if result is None:
        raise TypeError(f"{what} returned None — did you forget the return statement? It must "
                        f"return a dict with the keys {', '.join(keys)}")
    if not isinstance(result, Mapping):
        raise TypeError(
            f"{what} must return a dict such as {{'{keys[0]}': ..., '{keys[1]}': ...}}, "
            f"got a {type(result).__name__}"
        )
    missing = [key for key in keys if key not in result]
    if missing:
        raise ValueError(
            f"{what} returned a dict without the key{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(k) for k in missing)}; it needs {', '.join(keys)}"
        )
    return tuple(result[key] for key in keys)


def _as_tuple(fn: Callable, keys: tuple[str, ...], what: str) -> Callable:
    """Call the student's ``fn`` and return its dict's values in the order ``keys``."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        return _values(fn(*args, **kwargs), keys, what)

    return call


def _names(keys: tuple[str, ...], prefix: str = "") -> str:
    return "(" + ", ".join(prefix + key for key in keys) + ")"


# ---------------------------------------------------------------------------------------------
# Task 1: the forward pass
# ---------------------------------------------------------------------------------------------


def _forward(x1, x2, y, w):
    step = worked_step(x1, x2, y, dict(w))
    return tuple(getattr(step, key) for key in FORWARD_KEYS)


def _forward_mistake(*mistakes: str) -> Callable:
    def forward(x1, x2, y, w):
        values = _step_with(x1, x2, y, w, *mistakes)
        return tuple(values[key] for key in FORWARD_KEYS)

    return forward


_FORWARD_MISTAKES = [
    Mistake(_forward_mistake("from_into"),
            "w_ij is the weight INTO unit i FROM input j: z1 = w11·x1 + w12·x2 + b1 and "
            "z2 = w21·x1 + w22·x2 + b2 (you used w21 in z1)"),
    Mistake(_forward_mistake("inputs_swapped"),
            "the second index of w_ij is the input: w11 multiplies x1 and w12 multiplies x2"),
    Mistake(_forward_mistake("no_relu"),
            "the hidden units need their ReLU: a1 = max(0, z1), a2 = max(0, z2); a unit with "
            "z ≤ 0 outputs 0"),
    Mistake(_forward_mistake("no_sigmoid"),
            "the output unit squashes its sum: a3 = σ(z3) = 1 / (1 + e^(−z3))"),
    Mistake(_forward_mistake("loss_sign"),
            "the loss has a minus sign in front: L = −[y·ln a3 + (1 − y)·ln(1 − a3)], which "
            "is positive"),
    Mistake(_forward_mistake("squared_error"),
            "this network is trained with binary cross-entropy, "
            "L = −[y·ln a3 + (1 − y)·ln(1 − a3)], not the squared error"),
]


def check_worked_forward(fn: Callable, *, verbose: bool = False,
                         timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x1, x2, y, w)`` returns the dict of z1, z2, a1, a2, z3, a3 and loss."""
    __tracebackhide__ = True
    student = _as_tuple(fn, FORWARD_KEYS, "forward")
    order = _names(FORWARD_KEYS)
    cases = [
        Case(f"{name} → {order}" if i == 0 else name, args=point, reference=_forward,
             mistakes=_FORWARD_MISTAKES,
             hint="check the ReLU: a unit whose z is negative outputs a = 0" if i == 1 else "")
        for i, (name, point) in enumerate(POINTS)
    ]
    run_checks("forward", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: the output unit's backward step
# ---------------------------------------------------------------------------------------------


def _forward_values(x1, x2, y, w) -> dict[str, float]:
    """The forward dict the student's backward functions receive: the right values."""
    return dict(zip(FORWARD_KEYS, _forward(x1, x2, y, w)))


def _output_unit(y, w, values):
    out = _output_with(y, w, values)
    return tuple(out[key] for key in OUTPUT_KEYS)


def _output_mistake(*mistakes: str) -> Callable:
    def output_unit_backward(y, w, values):
        out = _output_with(y, w, values, set(mistakes))
        return tuple(out[key] for key in OUTPUT_KEYS)

    return output_unit_backward


_DZ3_HINTS = {
    "dz3_is_da3": "that is dL/da3; the chain rule needs one more link to reach z3: "
                  "dL/dz3 = dL/da3 · da3/dz3, which simplifies to a3 − y",
    "sigmoid_slope_at_a3": "the sigmoid's slope belongs at z3: da3/dz3 = σ'(z3) = a3·(1 − a3). "
                           "You computed σ(a3)·(1 − σ(a3)), the slope at a3",
    "sigmoid_slope_twice": "a3 − y already includes the sigmoid's slope (dL/da3 · a3(1 − a3) "
                           "simplifies to a3 − y); multiplying by a3·(1 − a3) again counts it "
                           "twice",
    "dz3_sign": "the error signal is prediction minus target: dL/dz3 = a3 − y, not y − a3",
}

_OUTPUT_MISTAKES = [Mistake(_output_mistake(key), hint) for key, hint in _DZ3_HINTS.items()] + [
    Mistake(_output_mistake("weight_input_swap"),
            "a weight's local slope is the input on its edge: dL/dw31 = dL/dz3 · a1; an "
            "input's local slope is the weight: dL/da1 = dL/dz3 · w31"),
    Mistake(_output_mistake("z_for_a"),
            "the inputs of the output unit are a1 and a2 (after the ReLU), not z1 and z2: "
            "dL/dw31 = dL/dz3 · a1"),
    Mistake(_output_mistake("output_weights_swapped"),
            "a1 reaches z3 through w31 and a2 through w32: dL/da1 = dL/dz3 · w31, "
            "dL/da2 = dL/dz3 · w32"),
]


def check_output_unit_backward(fn: Callable, *, verbose: bool = False,
                               timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(y, w, values)``: the output unit's dL/dz3, dL/dw31, dL/dw32, dL/db3 and the
    gradients it passes down, dL/da1 and dL/da2. ``values`` is the forward pass's dict."""
    __tracebackhide__ = True
    student = _as_tuple(fn, OUTPUT_KEYS, "output_unit_backward")
    order = _names(OUTPUT_KEYS)
    cases = [
        Case(f"{name} → {order}" if i == 0 else name,
             args=(y, w, _forward_values(x1, x2, y, w)), reference=_output_unit,
             mistakes=_OUTPUT_MISTAKES)
        for i, (name, (x1, x2, y, w)) in enumerate(POINTS)
    ]
    run_checks("output_unit_backward", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the whole backward pass
# ---------------------------------------------------------------------------------------------


def _backward(x1, x2, y, w, values):
    gradients = worked_step(x1, x2, y, dict(w)).gradients
    return tuple(gradients[name] for name in BACKWARD_ORDER)


def _backward_mistake(*mistakes: str) -> Callable:
    def backward(x1, x2, y, w, values):
        step = _step_with(x1, x2, y, w, *mistakes)
        return tuple(step[f"dL_d{name}"] for name in BACKWARD_ORDER)

    return backward


_BACKWARD_MISTAKES = [Mistake(_backward_mistake(key), hint) for key, hint in _DZ3_HINTS.items()]
_BACKWARD_MISTAKES += [
    Mistake(_backward_mistake("no_gate"),
            "the ReLU gate is missing: dL/dz2 = dL/da2 · [z2 > 0]. A unit that was off (z ≤ 0) "
            "passes no gradient, so its weights and bias get exactly 0"),
    Mistake(_backward_mistake("activation_as_gate"),
            "ReLU's slope is the gate [z > 0], 1 or 0: dL/dz1 = dL/da1 · [z1 > 0]. You "
            "multiplied by the activation a1 = ReLU(z1) itself"),
    Mistake(_backward_mistake("gradient_inputs_swapped"),
            "dL/dw_ij = dL/dz_i · x_j: w11 multiplies x1, so dL/dw11 = dL/dz1 · x1 and "
            "dL/dw12 = dL/dz1 · x2"),
    Mistake(_backward_mistake("gradient_from_into"),
            "w_ij goes INTO unit i FROM input j: dL/dw12 = dL/dz1 · x2 (unit 1) and "
            "dL/dw21 = dL/dz2 · x1 (unit 2); you swapped w12 and w21"),
    Mistake(_backward_mistake("weight_input_swap"),
            "a weight's local slope is the input on its edge: dL/dw31 = dL/dz3 · a1; an "
            "input's local slope is the weight: dL/da1 = dL/dz3 · w31"),
    Mistake(_backward_mistake("z_for_a"),
            "the inputs of the output unit are a1 and a2 (after the ReLU), not z1 and z2: "
            "dL/dw31 = dL/dz3 · a1"),
    Mistake(_backward_mistake("no_output_weight"),
            "the error reaches a1 through the weight w31: dL/da1 = dL/dz3 · w31 "
            "(and dL/da2 = dL/dz3 · w32)"),
    Mistake(_backward_mistake("output_weights_swapped"),
            "a1 reaches z3 through w31 and a2 through w32: dL/da1 = dL/dz3 · w31, "
            "dL/da2 = dL/dz3 · w32"),
]


def check_worked_backward(fn: Callable, *, verbose: bool = False,
                          timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x1, x2, y, w, values)`` returns the nine gradients as a dict keyed by the
    parameter names (``{"w11": dL/dw11, ...}``). ``values`` is the forward pass's dict."""
    __tracebackhide__ = True
    student = _as_tuple(fn, BACKWARD_ORDER, "backward")
    order = _names(BACKWARD_ORDER, "dL/d")
    gate_hint = ("a hidden unit that is off (z ≤ 0) passes no gradient: its ReLU gate [z > 0] "
                 "is 0, so its two weights and its bias get exactly 0")
    cases = [
        Case(f"{name} → {order}" if i == 0 else name,
             args=(x1, x2, y, w, _forward_values(x1, x2, y, w)), reference=_backward,
             mistakes=_BACKWARD_MISTAKES, hint=gate_hint if i in (1, 2) else "")
        for i, (name, (x1, x2, y, w)) in enumerate(POINTS + [BOTH_OFF])
    ]
    cases[-1].name += ": only b3 gets a gradient"
    cases[-1].hint = gate_hint
    run_checks("backward", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: one update
# ---------------------------------------------------------------------------------------------


def _update(w, grads, lr):
    return tuple(w[name] - lr * grads[name] for name in PARAM_NAMES)


_UPDATE_MISTAKES = [
    Mistake(lambda w, grads, lr: tuple(w[n] + lr * grads[n] for n in PARAM_NAMES),
            "step AGAINST the gradient: p ← p − η·dL/dp. With + the loss goes up"),
    Mistake(lambda w, grads, lr: tuple(w[n] - grads[n] for n in PARAM_NAMES),
            "the learning rate is missing: p ← p − η·dL/dp (η is the argument lr)"),
    Mistake(lambda w, grads, lr: tuple(w[n] - lr * w[n] for n in PARAM_NAMES),
            "subtract η times the parameter's GRADIENT, grads[name], not η times the "
            "parameter itself"),
]


def check_worked_update(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(w, grads, lr)`` returns a NEW dict with p − lr · dL/dp for all nine p."""
    __tracebackhide__ = True
    student = _as_tuple(fn, PARAM_NAMES, "update")
    order = _names(PARAM_NAMES, "new ")
    rng = np.random.default_rng(64)
    cases = []
    for i, (name, (x1, x2, y, w)) in enumerate(POINTS[:3]):
        grads = worked_step(x1, x2, y, dict(w)).gradients
        lr = (0.1, 0.5, 1.0)[i]
        cases.append(Case(f"{name}, lr = {lr:g}" + (f" → {order}" if i == 0 else ""),
                          args=(w, grads, lr), reference=_update, mistakes=_UPDATE_MISTAKES))
    random_grads = {name: round(float(v), 3) for name, v in zip(PARAM_NAMES, rng.normal(size=9))}
    cases.append(Case("any gradients, lr = 0.05", args=(POINTS[3][1][3], random_grads, 0.05),
                      reference=_update, mistakes=_UPDATE_MISTAKES))
    run_checks("update", student, cases, verbose=verbose, timeout=timeout)
