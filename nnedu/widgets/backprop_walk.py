"""Lesson 06 · Backprop: the worked example's numbers as a walk of 27 steps (no drawing here).

The numbers come from ``nnedu.worked`` (one forward pass, the loss, every gradient by the chain
rule, one gradient-descent update). This module turns them into

    walk_steps        the 27 steps of the walk: forward (1–6), loss (7), backward (8–23),
                      update (24–27); each with its formula, the same formula with the numbers
                      put in, the value, and the part of the graph it touches
    step_text         the readout's line for one step
    formula_lines     the same as printable lines, "dL/dz3 = a3 − y = 0.4601 − 1 = −0.5399"
    loss_along_step, plot_loss_along_step
                      the loss along the step direction: one step downhill

The graph is drawn by ``nnedu.widgets.backprop_graph``; the stepper (Back / Next) is
``nnedu.widgets.backprop_stepper``. numpy and nnedu are imported here; matplotlib only inside
the function that plots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnedu.plots import COLORS
from nnedu.worked import (
    EXAMPLE_BOTH_ACTIVE,
    EXAMPLE_ONE_DEAD,
    PARAM_NAMES,
    WorkedExample,
    WorkedStep,
    loss_of,
)

#: The two ready examples of ``nnedu.worked``, by the name the stepper's dropdown shows.
VARIANTS: dict[str, WorkedExample] = {
    "both hidden units active": EXAMPLE_BOTH_ACTIVE,
    "hidden unit 2 inactive": EXAMPLE_ONE_DEAD,
}

#: The four stages of one training step, as the readout names them.
STAGE_TITLES = {
    "forward": "forward pass",
    "loss": "loss",
    "backward": "backward pass",
    "update": "update",
}

#: Slider ranges (min, max, step) of the stepper's inputs and target.
INPUT_RANGE = (-3.0, 3.0, 0.1)
TARGET_RANGE = (0.0, 1.0, 0.1)

MINUS = "\N{MINUS SIGN}"

# Colours: Okabe–Ito (colour-blind safe); boxes also differ in shape and in their text.
HIGHLIGHT = COLORS[3]  # vermillion: what the current step computes
GRADIENT_COLOR = COLORS[0]  # blue: gradients written in the boxes
NEW_COLOR = "#8B3F73"  # the palette's reddish purple, darker so that it reads on the fills
FILL = {"input": "#D9F0E9", "value": "#DDEFFA", "param": "#FBE9C2", "loss": "#FBF6C8"}
DEAD_FILL, DEAD_EDGE, DEAD_TEXT = "#EEEEEE", "#9A9A9A", "#8A8A8A"


# ----------------------------------------------------------------------------- number formats

#: Decimals of a computed number used as an operand in a written formula ("−1/0.460085"):
#: enough that redoing the sum as written gives the result shown with 4 decimals.
OPERAND_DIGITS = 6


def fmt(value: float, digits: int = 4) -> str:
    """A computed number with ``digits`` decimals and a real minus sign: ``"−0.5399"``.

    A value that rounds to zero is written without a sign (``"0.0000"``, never ``"−0.0000"``);
    an infinite one as ``"∞"`` or ``"−∞"``.
    """
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else MINUS + "∞"
    text = f"{value:.{digits}f}"
    if float(text) == 0.0:
        text = f"{0.0:.{digits}f}"
    return text.replace("-", MINUS)


def fmt_given(value: float) -> str:
    """A number the student chose or was given (an input, a weight): as short as it can be,
    at most 4 decimals. ``0.5 → "0.5"``, ``1.0 → "1"``, ``-0.2 → "−0.2"``."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", MINUS)


def _factor(text: str) -> str:
    """A negative number inside a product gets brackets: ``"(−0.2)"``."""
    return f"({text})" if text.startswith(MINUS) else text


# ----------------------------------------------------------------------------- the walk

#: Lines of the graph, each joining two boxes. A weight's square sits on the line from its
#: input to its unit, so the line x1 → z1 is drawn as x1 — w11 and w11 → z1.
SEGMENTS: tuple[tuple[str, str], ...] = (
    ("x1", "w11"), ("w11", "z1"), ("x2", "w12"), ("w12", "z1"), ("b1", "z1"),
    ("x1", "w21"), ("w21", "z2"), ("x2", "w22"), ("w22", "z2"), ("b2", "z2"),
    ("z1", "a1"), ("z2", "a2"),
    ("a1", "w31"), ("w31", "z3"), ("a2", "w32"), ("w32", "z3"), ("b3", "z3"),
    ("z3", "a3"), ("a3", "L"), ("y", "L"),
)  # fmt: skip


@dataclass(frozen=True)
class WalkStep:
    """One step of the walk through a training step.

    ``symbol`` is what is computed (``"dL/dz3"``), ``formula`` how (``"a3 − y"``), ``numbers``
    the formula with the numbers put in (``"0.4601 − 1"``) and ``value`` the result. Update
    steps change three parameters at once and keep one line per parameter in ``lines``.
    ``nodes`` and ``segments`` are the parts of the graph the step touches, ``reveals`` what
    the graph can show once the step is done (e.g. ``("z1", "value")``), ``hint`` one
    sentence on what the number means.
    """

    number: int
    stage: str
    symbol: str
    formula: str
    numbers: str | None
    value: float
    nodes: tuple[str, ...]
    segments: tuple[tuple[str, str], ...]
    reveals: tuple[tuple[str, str], ...]
    hint: str
    lines: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The step as one line, e.g. ``"dL/dz3 = a3 − y = 0.4601 − 1 = −0.5399"``."""
        if self.lines:
            return "; ".join(self.lines)
        parts = [self.symbol, self.formula]
        if self.numbers is not None:
            parts.append(self.numbers)
        parts.append(fmt(self.value))
        return " = ".join(parts)


def _into(unit: str) -> tuple[str, str, str]:
    """The parameter names that feed ``unit`` ("z1" → w11, w12, b1)."""
    i = unit[1]
    return f"w{i}1", f"w{i}2", f"b{i}"


def walk_steps(step: WorkedStep) -> list[WalkStep]:
    """The 27 steps of one training step of the two-neuron network, in the lesson's order.

    Forward 1–6 (z1, z2, a1, a2, z3, a3), loss 7, backward 8–23 (dL/da3, da3/dz3, dL/dz3,
    the output weights, dL/da1, dL/da2, the two ReLU gates, the hidden weights), update
    24–26 (output unit, hidden unit 1, hidden unit 2) and 27: the loss after the step.
    """
    s, p = step, step.params
    given = fmt_given

    def gf(value: float) -> str:  # a given number as a factor
        return _factor(fmt_given(value))

    def op(value: float) -> str:  # a computed number as an operand, OPERAND_DIGITS decimals
        return fmt(value, OPERAND_DIGITS)

    def cf(value: float) -> str:  # a computed number as a factor
        return _factor(op(value))

    rows: list[dict] = []

    def add(stage, symbol, formula, numbers, value, nodes, segments, reveals, hint, lines=()):
        rows.append(dict(stage=stage, symbol=symbol, formula=formula, numbers=numbers,
                         value=value, nodes=tuple(nodes), segments=tuple(segments),
                         reveals=tuple(reveals), hint=hint, lines=tuple(lines)))

    # ---- forward pass
    for unit, x_sum in (("z1", s.z1), ("z2", s.z2)):
        w_a, w_b, b = _into(unit)
        add("forward", unit, f"{w_a}·x1 + {w_b}·x2 + {b}",
            f"{gf(p[w_a])}·{gf(s.x1)} + {gf(p[w_b])}·{gf(s.x2)} + {gf(p[b])}", x_sum,
            nodes=(unit,),
            segments=(("x1", w_a), (w_a, unit), ("x2", w_b), (w_b, unit), (b, unit)),
            reveals=((unit, "value"),),
            hint=f"Hidden unit {unit[1]} multiplies each input by its weight, adds them up "
                 f"and adds its bias.")
    for unit, z, a in (("1", s.z1, s.a1), ("2", s.z2, s.a2)):
        on = z > 0
        add("forward", f"a{unit}", f"max(0, z{unit})", f"max(0, {fmt(z)})", a,
            nodes=(f"a{unit}",), segments=((f"z{unit}", f"a{unit}"),),
            reveals=((f"a{unit}", "value"),),
            hint=(f"z{unit} > 0, so the ReLU lets it through unchanged." if on else
                  f"z{unit} ≤ 0, so the ReLU outputs 0: hidden unit {unit} is off for this "
                  f"input."))
    add("forward", "z3", "w31·a1 + w32·a2 + b3",
        f"{gf(p['w31'])}·{op(s.a1)} + {gf(p['w32'])}·{op(s.a2)} + {gf(p['b3'])}", s.z3,
        nodes=("z3",),
        segments=(("a1", "w31"), ("w31", "z3"), ("a2", "w32"), ("w32", "z3"), ("b3", "z3")),
        reveals=(("z3", "value"),),
        hint="The output unit does the same with the two hidden outputs.")
    add("forward", "a3", "σ(z3)", f"σ({op(s.z3)})", s.a3,
        nodes=("a3",), segments=(("z3", "a3"),), reveals=(("a3", "value"),),
        hint=f"The sigmoid squashes z3 into (0, 1): the network says the probability of "
             f"class 1 is {fmt(s.a3)}.")

    # ---- loss
    y = s.target
    add("loss", "L", "−[y·ln a3 + (1 − y)·ln(1 − a3)]",
        f"−[{given(y)}·ln {op(s.a3)} + {given(1 - y)}·ln {op(1 - s.a3)}]", s.loss,
        nodes=("L",), segments=(("a3", "L"), ("y", "L")), reveals=(("L", "value"),),
        hint="Binary cross-entropy: small when a3 is close to the target y, large when far.")

    # ---- backward pass: output unit
    add("backward", "dL/da3", "−y/a3 + (1 − y)/(1 − a3)",
        f"−{given(y)}/{op(s.a3)} + {given(1 - y)}/{op(1 - s.a3)}", s.dL_da3,
        nodes=("a3",), segments=(("a3", "L"),), reveals=(("a3", "grad"), ("L", "grad")),
        hint="The backward pass starts at the loss: how fast L changes when a3 changes.")
    add("backward", "da3/dz3", "a3·(1 − a3)", f"{op(s.a3)}·{op(1 - s.a3)}", s.da3_dz3,
        nodes=(), segments=(("z3", "a3"),), reveals=(("z3", "local"),),
        hint="A local slope: the sigmoid's derivative at z3, written on the edge z3 → a3.")
    add("backward", "dL/dz3", "dL/da3 · da3/dz3 = a3 − y", f"{op(s.a3)} − {given(y)}",
        s.dL_dz3, nodes=("z3",), segments=(("z3", "a3"),), reveals=(("z3", "grad"),),
        hint="Chain rule: multiply the two; the sigmoid's slope cancels and leaves "
             "prediction minus target.")
    for name, a in (("w31", "a1"), ("w32", "a2")):
        a_value = getattr(s, a)
        add("backward", f"dL/d{name}", f"dL/dz3 · {a}", f"{cf(s.dL_dz3)}·{op(a_value)}",
            s.gradients[name], nodes=(name,), segments=((name, "z3"),),
            reveals=((name, "grad"),),
            hint=(f"dz3/d{name} = {a}: a weight's gradient is the error signal at its unit "
                  f"times the input on its edge." if a_value != 0 else
                  f"{a} = 0, so {name} had no effect on z3 and its gradient is 0 (the unit "
                  f"below it is off)."))
    add("backward", "dL/db3", "dL/dz3 · 1", f"{cf(s.dL_dz3)}·1", s.dL_db3,
        nodes=("b3",), segments=(("b3", "z3"),), reveals=(("b3", "grad"),),
        hint="dz3/db3 = 1: a bias gets exactly the error signal of its unit.")
    for a, name in (("a1", "w31"), ("a2", "w32")):
        add("backward", f"dL/d{a}", f"dL/dz3 · {name}", f"{cf(s.dL_dz3)}·{gf(p[name])}",
            getattr(s, f"dL_d{a}"), nodes=(a,), segments=((a, name), (name, "z3")),
            reveals=((a, "grad"),),
            hint=f"dz3/d{a} = {name}: the error signal travels back along the weight "
                 f"{name} to hidden unit {a[1]}.")

    # ---- backward pass: the ReLU gates and the hidden weights
    for unit in ("1", "2"):
        z = getattr(s, f"z{unit}")
        gate = 1 if z > 0 else 0
        add("backward", f"dL/dz{unit}", f"dL/da{unit} · [z{unit} > 0]",
            f"{cf(getattr(s, f'dL_da{unit}'))}·{gate}", getattr(s, f"dL_dz{unit}"),
            nodes=(f"z{unit}",), segments=((f"z{unit}", f"a{unit}"),),
            reveals=((f"z{unit}", "grad"), (f"z{unit}", "local")),
            hint=(f"The ReLU gate is open (z{unit} > 0): the gradient passes unchanged."
                  if gate else
                  f"The ReLU gate is shut (z{unit} ≤ 0): nothing passes, so every weight "
                  f"into hidden unit {unit} gets gradient 0."))
    for unit in ("1", "2"):
        w_a, w_b, b = _into(f"z{unit}")
        dz = getattr(s, f"dL_dz{unit}")
        for name, x_name in ((w_a, "x1"), (w_b, "x2")):
            add("backward", f"dL/d{name}", f"dL/dz{unit} · {x_name}",
                f"{cf(dz)}·{gf(getattr(s, x_name))}", s.gradients[name],
                nodes=(name,), segments=((name, f"z{unit}"),), reveals=((name, "grad"),),
                hint=f"dz{unit}/d{name} = {x_name}: the error signal of hidden unit {unit} "
                     f"times the input on the weight's edge.")
        add("backward", f"dL/d{b}", f"dL/dz{unit} · 1", f"{cf(dz)}·1", s.gradients[b],
            nodes=(b,), segments=((b, f"z{unit}"),), reveals=((b, "grad"),),
            hint=f"dz{unit}/d{b} = 1: the bias gets the error signal of its unit.")

    # ---- update: one gradient-descent step, one unit at a time
    for title, names in (("the output unit", ("w31", "w32", "b3")),
                         ("hidden unit 1", ("w11", "w12", "b1")),
                         ("hidden unit 2", ("w21", "w22", "b2"))):
        lines = tuple(
            f"{name} ← {name} − η·dL/d{name} = {given(p[name])} − {given(s.lr)}·"
            f"{cf(s.gradients[name])} = {fmt(s.updated[name])}"
            for name in names
        )
        moved = any(s.gradients[name] != 0 for name in names)
        add("update", f"update of {title}", "p ← p − η·dL/dp", None, math.nan,
            nodes=names, segments=(), reveals=tuple((name, "new") for name in names),
            hint=(f"Each parameter takes a small step (η = {given(s.lr)}) against its "
                  f"gradient." if moved else
                  f"All three gradients are 0: {title} does not move in this step."),
            lines=lines)
    change = s.loss_after - s.loss
    add("update", "L after", "the same forward pass with the new parameters", None,
        s.loss_after, nodes=("L",), segments=(), reveals=(("L", "after"),),
        hint=f"Before the step L = {fmt(s.loss)}; after it L = {fmt(s.loss_after)} "
             f"({'down' if change < 0 else 'up'} by {fmt(abs(change))}).")
    return [WalkStep(number=i, **row) for i, row in enumerate(rows, start=1)]


#: How many steps the walk has (the same for every input).
N_STEPS = 27


def step_text(walk: WalkStep, total: int = N_STEPS) -> str:
    """The readout's first line, e.g. ``"Step 10 of 27: dL/dz3 = a3 − y = 0.4601 − 1 = …"``.

    Update steps, which change three parameters, give one line per parameter.
    """
    if walk.lines:
        return f"Step {walk.number} of {total}: {walk.symbol}\n" + "\n".join(walk.lines)
    return f"Step {walk.number} of {total}: {walk.text}"


def formula_lines(step: WorkedStep, stage: str | None = None) -> list[str]:
    """The walk as printable lines, ``"dL/dz3 = a3 − y = 0.4601 − 1 = −0.5399"``.

    ``stage`` picks "forward", "loss", "backward" or "update" (None: all of them).
    """
    if stage is not None and stage not in STAGE_TITLES:
        raise ValueError(f"formula_lines: stage must be one of {tuple(STAGE_TITLES)} or None, "
                         f"got {stage!r}.")
    lines: list[str] = []
    for walk in walk_steps(step):
        if stage in (None, walk.stage):
            lines.extend(walk.lines if walk.lines else [walk.text])
    return lines


def revealed(steps: list[WalkStep], upto: int | None) -> set[tuple[str, str]]:
    """What the graph may show after the first ``upto`` steps (None: all of them)."""
    done = steps if upto is None else steps[:upto]
    return {item for walk in done for item in walk.reveals}


# ----------------------------------------------------------------------------- one step downhill

def loss_along_step(step: WorkedStep, etas: np.ndarray) -> np.ndarray:
    """L(θ − η·g) for every step size η in ``etas``: the loss along the negative gradient g.

    η = 0 gives the loss before the step, η = step.lr the loss after it. Shapes: (n,) → (n,).
    """
    etas = np.asarray(etas, dtype=float)
    grads = step.gradients
    return np.array([
        loss_of(step.x1, step.x2, step.target,
                {name: step.params[name] - eta * grads[name] for name in PARAM_NAMES})
        for eta in etas.ravel()
    ]).reshape(etas.shape)


def plot_loss_along_step(step: WorkedStep, eta_max: float = 1.5, ax=None,
                         title: str | None = None):
    """The loss along the negative gradient, L(θ − η·g) for η from 0 to ``eta_max``.

    Marks the loss before the step (η = 0) and after it (η = step.lr), and draws the straight
    line the gradient predicts at η = 0: L − η·‖g‖² (its slope is minus the squared length of
    the gradient). Returns the axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.2))
    etas = np.linspace(0.0, eta_max, 151)
    losses = loss_along_step(step, etas)
    g2 = float(np.sum(step.gradient_vector() ** 2))
    ax.plot(etas, losses, color=COLORS[0], lw=2.4, label="loss L(θ − η·g)")
    tangent = etas[etas <= min(eta_max, 0.6 * step.loss / max(g2, 1e-12))]
    ax.plot(tangent, step.loss - tangent * g2, color=COLORS[7], ls="--", lw=1.4,
            label="slope at η = 0: −‖g‖² (the gradient's prediction)")
    ax.plot([0.0], [step.loss], marker="o", ms=10, ls="none", color=COLORS[1],
            markeredgecolor="k", label=f"before the step: L = {fmt(step.loss)}")
    ax.plot([step.lr], [step.loss_after], marker="s", ms=10, ls="none", color=COLORS[2],
            markeredgecolor="k",
            label=f"after one step, η = {fmt_given(step.lr)}: L = {fmt(step.loss_after)}")
    ax.set_xlabel("step size η (learning rate)")
    ax.set_ylabel("loss L")
    ax.set_title(title or "one step downhill: the loss along the negative gradient")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=9, framealpha=0.95)
    return ax
