"""Lesson 06 · Backprop: the worked example, walked through one number at a time.

The numbers come from ``nnedu.worked`` (one forward pass, the loss, every gradient by the chain
rule, one gradient-descent update). This module turns them into

    walk_steps        the 27 steps of the walk: forward (1–6), loss (7), backward (8–23),
                      update (24–27); each with its formula, the same formula with the numbers
                      put in, the value, and the part of the graph it touches
    formula_lines     the same as printable lines, "dL/dz3 = a3 − y = 0.4601 − 1 = −0.5399"
    draw_graph        the computational graph: every node with its value and its gradient,
                      the step being computed highlighted, an inactive ReLU unit greyed
    plot_loss_along_step
                      the loss along the step direction: one step downhill
    backprop_stepper  the widget: Back / Next through the 27 steps, sliders for x1, x2 and the
                      target y, and a choice of the two ready examples

The graph (w_ij is the weight *into* unit i *from* input j; squares are parameters)::

    x1, x2 ──(w11, w12, b1)──▶ z1 ──ReLU──▶ a1 ─┐
           ──(w21, w22, b2)──▶ z2 ──ReLU──▶ a2 ─┴─(w31, w32, b3)──▶ z3 ──σ──▶ a3 ──BCE(y)──▶ L

numpy and nnedu are imported here; matplotlib and ipywidgets only inside the functions that
draw, so that the step texts can be computed without them.
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
    worked_step,
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


# ----------------------------------------------------------------------------- the graph

#: Box centres in the graph's own coordinates (inputs left, loss right).
POSITIONS: dict[str, tuple[float, float]] = {
    "x1": (0.0, 5.8), "x2": (0.0, 0.0),
    "z1": (5.0, 5.8), "z2": (5.0, 0.0), "b1": (5.0, 7.85), "b2": (5.0, -2.05),
    "a1": (8.0, 5.8), "a2": (8.0, 0.0),
    "z3": (13.2, 2.9), "b3": (13.2, 5.0), "a3": (16.6, 2.9),
    "L": (19.7, 2.9), "y": (19.7, 0.4),
}  # fmt: skip


def _along(start: str, end: str, t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


# A weight's square sits on its edge; the two crossing edges keep theirs nearer the unit, so
# that no two squares overlap.
POSITIONS.update({
    "w11": _along("x1", "z1", 0.38), "w12": _along("x2", "z1", 0.72),
    "w21": _along("x1", "z2", 0.72), "w22": _along("x2", "z2", 0.38),
    "w31": _along("a1", "z3", 0.5), "w32": _along("a2", "z3", 0.5),
})  # fmt: skip

#: Box sizes (width, height) by kind of box.
BOX_SIZE = {"input": (1.5, 1.1), "value": (1.75, 1.15), "param": (1.75, 1.5),
            "loss": (1.75, 1.5)}
KINDS = {**{name: "param" for name in PARAM_NAMES}, "x1": "input", "x2": "input",
         "y": "input", "L": "loss",
         **{name: "value" for name in ("z1", "z2", "a1", "a2", "z3", "a3")}}

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _label(name: str) -> str:
    """A box's name with subscript digits: ``"w11"`` → ``"w₁₁"``, ``"z1"`` → ``"z₁"``.

    (Plain Unicode rather than LaTeX: the stepper redraws on every click, and mathtext
    would parse all eighteen names again each time.)
    """
    return name[0] + name[1:].translate(_SUBSCRIPTS)


def _edge_ends(start: str, end: str, gap: float = 0.06) -> tuple[tuple[float, float],
                                                                 tuple[float, float]]:
    """Where the line from box ``start`` to box ``end`` leaves the one and meets the other.

    Each box is a rectangle: walking from its centre towards the other centre, the line
    crosses the border after t = min(half width / |dx|, half height / |dy|) of the way.
    """
    (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
    dx, dy = x1 - x0, y1 - y0

    def exit_fraction(name: str) -> float:
        half_w, half_h = (size / 2 + gap for size in BOX_SIZE[KINDS[name]])
        return min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)

    t0, t1 = exit_fraction(start), 1.0 - exit_fraction(end)
    return (x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy)


def dead_units(step: WorkedStep | None) -> set[str]:
    """The graph boxes of every hidden unit whose ReLU is off (z ≤ 0): z, a and its three
    parameters. Empty without a step."""
    if step is None:
        return set()
    dead: set[str] = set()
    for unit in ("1", "2"):
        if getattr(step, f"z{unit}") <= 0:
            dead.update({f"z{unit}", f"a{unit}", *_into(f"z{unit}")})
    return dead


#: Marks in front of the numbers in a box: its gradient and its value after the update.
GRAD_MARK, NEW_MARK = "∇", "→"


def _box_lines(name: str, step: WorkedStep | None, known: set[tuple[str, str]] | None
               ) -> list[tuple[str, str]]:
    """The text lines under a box's name, as (text, kind) with kind "value", "grad" or "new":
    the value (``"0.2000"``), the gradient (``"∇ −0.3779"``) and, for parameters and the
    loss, the value after the update (``"→ 0.5378"``). What is not computed yet is ``"?"``."""
    if step is None:
        return []

    def shown(key: str, value: float, kind: str) -> tuple[str, str]:
        visible = known is None or (name, key) in known
        text = fmt(value) if visible else "?"
        mark = {"value": "", "grad": GRAD_MARK + " ", "new": NEW_MARK + " "}[kind]
        return (mark + text, kind)

    kind = KINDS[name]
    if kind == "input":
        value = step.target if name == "y" else getattr(step, name)
        return [(fmt(value), "value")]
    if kind == "param":
        return [(fmt(step.params[name]), "value"),
                shown("grad", step.gradients[name], "grad"),
                shown("new", step.updated[name], "new")]
    if kind == "loss":
        return [shown("value", step.loss, "value"),
                shown("grad", 1.0, "grad"),
                shown("after", step.loss_after, "new")]
    return [shown("value", getattr(step, name), "value"),
            shown("grad", getattr(step, f"dL_d{name}"), "grad")]


def draw_graph(step: WorkedStep | None = None, upto: int | None = None, ax=None,
               title: str | None = None, figsize: tuple[float, float] = (10.0, 6.6),
               legend: bool = True):
    """Draw the network as a computational graph.

    - ``step=None``: the bare map, names only.
    - ``step`` given, ``upto=None``: every value, gradient (∇, = dL/d·) and updated
      parameter (→) filled in, and the local slopes on the activation edges.
    - ``upto=k`` (0 … 27): only what the first k steps of :func:`walk_steps` computed is
      shown (the rest is "?"), and step k is highlighted in vermillion: its boxes get a
      thick outline, its edges a thick line (backward steps: an arrow pointing back).

    A hidden unit whose ReLU is off (z ≤ 0) is greyed and dashed, with its parameters.
    Returns the matplotlib axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    steps = walk_steps(step) if step is not None else []
    if upto is not None:
        if step is None:
            raise ValueError("draw_graph: upto needs a step (the numbers to show).")
        if isinstance(upto, bool) or not isinstance(upto, (int, np.integer)) \
                or not 0 <= upto <= len(steps):
            raise ValueError(f"draw_graph: upto must be a whole number from 0 to {len(steps)}, "
                             f"got {upto!r}.")
    known = revealed(steps, upto) if (step is not None and upto is not None) else None
    current = steps[upto - 1] if (upto is not None and upto > 0) else None
    hot_nodes = set(current.nodes) if current else set()
    hot_segments = set(current.segments) if current else set()
    backward = current is not None and current.stage == "backward"
    dead = dead_units(step)

    if ax is None:  # an axes filling the figure: the graph is as large as the figure allows
        ax = plt.figure(figsize=figsize).add_axes((0.0, 0.07, 1.0, 0.83))

    # ---- boxes
    for name, (cx, cy) in POSITIONS.items():
        kind = KINDS[name]
        width, height = BOX_SIZE[kind]
        is_dead = name in dead
        style = "round,pad=0.02,rounding_size=0.3" if kind in ("value", "input") \
            else "square,pad=0.02"
        hot = name in hot_nodes
        patch = FancyBboxPatch(
            (cx - width / 2, cy - height / 2), width, height, boxstyle=style,
            facecolor=DEAD_FILL if is_dead else FILL[kind],
            edgecolor=HIGHLIGHT if hot else (DEAD_EDGE if is_dead else "0.2"),
            linewidth=3.6 if hot else 1.3, linestyle="--" if is_dead and not hot else "-",
            zorder=3,
        )
        patch.set_gid(name)
        ax.add_patch(patch)
        text_color = DEAD_TEXT if is_dead else "black"
        lines = _box_lines(name, step, known)
        top = cy + height / 2
        if not lines:
            ax.text(cx, cy, _label(name), ha="center", va="center", fontsize=16,
                    style="italic", color=text_color, zorder=4)
            continue
        unit = height / (len(lines) + 1.5)  # the name gets 1.5 lines, each number 1
        ax.text(cx, top - 0.75 * unit, _label(name), ha="center", va="center", fontsize=12,
                style="italic", color=text_color, zorder=4)
        for k, (text, line_kind) in enumerate(lines, start=1):
            color = GRADIENT_COLOR if line_kind == "grad" else (
                NEW_COLOR if line_kind == "new" else text_color)
            if is_dead:
                color = DEAD_TEXT
            ax.text(cx, top - (k + 1.0) * unit, text, ha="center", va="center", fontsize=8.5,
                    color=color, zorder=4, family="DejaVu Sans Mono")

    # ---- edges
    for start, end in SEGMENTS:
        is_dead = start in dead or end in dead
        hot = (start, end) in hot_segments
        to_value = KINDS[end] in ("value", "loss")
        color = HIGHLIGHT if hot and not backward else (DEAD_EDGE if is_dead else "0.25")
        tail, head = _edge_ends(start, end)
        arrow = FancyArrowPatch(
            tail, head,
            arrowstyle="-|>" if to_value else "-", mutation_scale=13, shrinkA=0, shrinkB=0,
            color=color, linewidth=3.2 if hot and not backward else 1.3,
            linestyle="--" if is_dead else "-", zorder=2,
        )
        arrow.set_gid(f"{start}->{end}")
        ax.add_patch(arrow)
        if hot and backward:  # the gradient flows back: a thick arrow pointing to the start
            back = FancyArrowPatch(
                head, tail,
                arrowstyle="-|>", mutation_scale=20, shrinkA=0, shrinkB=0, color=HIGHLIGHT,
                linewidth=3.2, zorder=2.5,
            )
            back.set_gid(f"{end}<-{start}")
            ax.add_patch(back)

    # ---- edge labels: the operation above, the local slope below (once it is known)
    def edge_label(start: str, end: str, above: str, below: str | None, key: str | None):
        (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        is_dead = start in dead
        color = DEAD_TEXT if is_dead else "0.15"
        ax.text(mx, my + 0.2, above, ha="center", va="bottom", fontsize=9.5, color=color)
        if below is not None and step is not None:
            visible = known is None or (key, "local") in known
            ax.text(mx, my - 0.2, below if visible else "?", ha="center", va="top",
                    fontsize=8.5, color=GRADIENT_COLOR if not is_dead else DEAD_TEXT)

    for unit in ("1", "2"):
        gate = None
        if step is not None:
            gate = f"gate {1 if getattr(step, f'z{unit}') > 0 else 0}"
        edge_label(f"z{unit}", f"a{unit}", "ReLU", gate, f"z{unit}")
    edge_label("z3", "a3", "σ", None if step is None else f"σ′ {fmt(step.da3_dz3)}", "z3")
    edge_label("a3", "L", "BCE", None, None)
    for unit in ("1", "2"):
        if f"z{unit}" in dead:
            cx, cy = POSITIONS[f"a{unit}"]
            ax.text(cx + 0.7, cy - 0.72, "ReLU off: no gradient passes", ha="center",
                    va="top", fontsize=8.5, color=DEAD_TEXT, style="italic")

    ax.set_xlim(-0.9, 20.7)
    ax.set_ylim(-2.9, 8.7)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = "computational graph" if step is None else (
            f"computational graph\nin each box: its value, {GRAD_MARK} its gradient dL/d(box), "
            f"{NEW_MARK} its value after the update")
    ax.set_title(title, fontsize=11)
    if legend and step is not None:
        handles = [
            Patch(facecolor=FILL["input"], edgecolor="0.2", label="input / target"),
            Patch(facecolor=FILL["value"], edgecolor="0.2", label="computed value (round)"),
            Patch(facecolor=FILL["param"], edgecolor="0.2", label="parameter (square)"),
        ]
        if dead:
            handles.append(Patch(facecolor=DEAD_FILL, edgecolor=DEAD_EDGE, linestyle="--",
                                 label="inactive ReLU unit (z ≤ 0)"))
        if current is not None:
            handles.append(Line2D([], [], color=HIGHLIGHT, lw=3.2,
                                  label=f"step {current.number}: being computed"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  ncol=len(handles), fontsize=8.5, frameon=False, columnspacing=1.2,
                  handletextpad=0.5)
    return ax


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


# ----------------------------------------------------------------------------- the widget

class BackpropStepper:
    """Back / Next through the 27 steps of one training step, on the computational graph.

    Controls: ``variant`` (Dropdown of the two ready examples), ``sliders`` ("x1", "x2",
    "target" → FloatSlider), ``back_button`` and ``next_button``. Shown: ``readout`` (HTML,
    CSS class ``nnedu-readout``: "Step 10 of 27: dL/dz3 = a3 − y = …") and ``output`` (the
    graph). ``widget`` is the VBox to display.

    Moving a slider or changing the example recomputes every number with
    :func:`nnedu.worked.worked_step` and stays at the same step, so the same formula shows
    the new numbers. From code: ``next()``, ``back()``, ``go_to(n)``, ``set_inputs(x1=…)``,
    ``choose(variant)``; ``step`` is the current :class:`~nnedu.worked.WorkedStep`,
    ``steps`` its walk and ``position`` the step shown (1 … 27).
    """

    def __init__(self, variant: str = "both hidden units active", position: int = 1) -> None:
        import ipywidgets as widgets

        if variant not in VARIANTS:
            raise ValueError(f"backprop_stepper: variant must be one of {list(VARIANTS)}, "
                             f"got {variant!r}.")
        example = VARIANTS[variant]
        self._quiet = False
        self.variant = widgets.Dropdown(options=list(VARIANTS), value=variant,
                                        description="example",
                                        layout=widgets.Layout(width="330px"))
        slider_style = {"description_width": "60px"}
        self.sliders = {
            name: widgets.FloatSlider(
                value=value, min=lo, max=hi, step=step_size, description=label,
                readout_format=".1f", continuous_update=False, style=slider_style,
                layout=widgets.Layout(width="290px"))
            for name, label, value, (lo, hi, step_size) in (
                ("x1", "x1", example.x1, INPUT_RANGE),
                ("x2", "x2", example.x2, INPUT_RANGE),
                ("target", "target y", example.target, TARGET_RANGE),
            )
        }
        self.back_button = widgets.Button(description="Back", icon="arrow-left",
                                          layout=widgets.Layout(width="90px"))
        self.next_button = widgets.Button(description="Next", icon="arrow-right",
                                          button_style="primary",
                                          layout=widgets.Layout(width="90px"))
        self.readout = widgets.HTML(layout=widgets.Layout(margin="0 0 0 12px"))
        self.readout.add_class("nnedu-readout")
        self.output = widgets.Output()
        self.widget = widgets.VBox([
            widgets.HBox([self.variant, *self.sliders.values()],
                         layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.back_button, self.next_button, self.readout],
                         layout=widgets.Layout(align_items="center")),
            self.output,
        ])
        self.widget.add_class("nnedu-backprop-stepper")
        self.step = example.run()
        self.steps = walk_steps(self.step)
        self.position = self._checked_position(position)

        self.variant.observe(self._on_variant, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_input, names="value")
        self.back_button.on_click(lambda _button: self.back())
        self.next_button.on_click(lambda _button: self.next())
        self.recompute()

    # ---- the numbers
    def _checked_position(self, position: int) -> int:
        if isinstance(position, bool) or not isinstance(position, (int, np.integer)) \
                or not 1 <= position <= len(self.steps):
            raise ValueError(f"BackpropStepper: a step number must be a whole number from 1 "
                             f"to {len(self.steps)}, got {position!r}.")
        return int(position)

    @property
    def inputs(self) -> tuple[float, float, float]:
        """(x1, x2, target) as the sliders show them (browser arithmetic rounded away)."""
        return tuple(round(float(self.sliders[name].value), 6)
                     for name in ("x1", "x2", "target"))

    def recompute(self) -> None:
        """Run ``worked_step`` again on the current example and inputs, then redraw."""
        example = VARIANTS[self.variant.value]
        x1, x2, target = self.inputs
        self.step = worked_step(x1, x2, target, dict(example.weights), lr=example.lr)
        self.steps = walk_steps(self.step)
        self.redraw()

    # ---- moving through the steps
    def go_to(self, position: int) -> None:
        """Show step ``position`` (1 … 27)."""
        self.position = self._checked_position(position)
        self.redraw()

    def next(self) -> None:
        """One step forward (stays on the last step)."""
        self.go_to(min(self.position + 1, len(self.steps)))

    def back(self) -> None:
        """One step back (stays on the first step)."""
        self.go_to(max(self.position - 1, 1))

    def set_inputs(self, **values: float) -> None:
        """Move sliders from code, e.g. ``set_inputs(x1=0.5, target=0)``; recompute once."""
        unknown = [name for name in values if name not in self.sliders]
        if unknown:
            raise ValueError(f"BackpropStepper.set_inputs: unknown names {unknown}; use "
                             f"x1, x2 or target.")
        self._quiet = True
        try:
            for name, value in values.items():
                self.sliders[name].value = float(value)
        finally:
            self._quiet = False
        self.recompute()

    def choose(self, variant: str) -> None:
        """Switch to one of the two examples (resets x1, x2 and the target to its values)."""
        if variant not in VARIANTS:
            raise ValueError(f"BackpropStepper.choose: variant must be one of "
                             f"{list(VARIANTS)}, got {variant!r}.")
        self.variant.value = variant  # the observer does the rest

    def _on_variant(self, _change) -> None:
        example = VARIANTS[self.variant.value]
        self.set_inputs(x1=example.x1, x2=example.x2, target=example.target)

    def _on_input(self, _change) -> None:
        if not self._quiet:
            self.recompute()

    # ---- drawing
    @property
    def current(self) -> WalkStep:
        """The step shown now."""
        return self.steps[self.position - 1]

    def readout_html(self) -> str:
        """The readout: the step with its numbers, then one line on what it means."""
        import html

        walk = self.current
        first, *rest = step_text(walk, len(self.steps)).split("\n")
        body = html.escape(first)
        if rest:
            body += "<br>" + "<br>".join(html.escape(line) for line in rest)
        stage = STAGE_TITLES[walk.stage]
        return (f"<div style='font-size: 15px; line-height: 1.5'>"
                f"<span style='font-family: monospace'>{body}</span><br>"
                f"<span style='color: #555'>[{stage}] {html.escape(walk.hint)}</span></div>")

    def redraw(self) -> None:
        """Update the readout and the buttons, and draw the graph at the current step."""
        from IPython.display import Image, clear_output, display

        self.readout.value = self.readout_html()
        self.back_button.disabled = self.position <= 1
        self.next_button.disabled = self.position >= len(self.steps)
        picture = graph_png(self.step, self.position)
        with self.output:
            clear_output(wait=True)
            display(Image(data=picture, format="png"))


def graph_png(step: WorkedStep, upto: int | None = None, dpi: int = 90) -> bytes:
    """:func:`draw_graph` rendered once to PNG bytes (what the stepper shows).

    Drawing straight to PNG, with the axes filling the figure, costs one rendering pass per
    click instead of the two of a "tight" inline figure.
    """
    import io

    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(9.4, 6.1))
    ax = fig.add_axes((0.0, 0.06, 1.0, 0.84))
    draw_graph(step, upto=upto, ax=ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def backprop_stepper(variant: str = "both hidden units active", position: int = 1):
    """The stepper widget (a VBox): Back / Next through forward pass, loss, every gradient and
    the update, on the computational graph; sliders for x1, x2 and the target y."""
    return BackpropStepper(variant, position).widget


__all__ = [
    "VARIANTS", "N_STEPS", "WalkStep", "walk_steps", "step_text", "formula_lines",
    "revealed", "dead_units", "draw_graph", "graph_png", "loss_along_step",
    "plot_loss_along_step",
    "BackpropStepper", "backprop_stepper", "fmt", "fmt_given",
]  # fmt: skip

