"""nnedu.widgets.backprop_stepper (lesson 06): the walk through one training step, the
computational graph and the stepper widget.

The expected numbers come from ``nnedu.worked``; the texts are rebuilt here with the test's
own formatting, and every "formula with the numbers put in" is evaluated to check that it
really gives the value printed after it.
"""

from __future__ import annotations

import io
import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from nnedu.widgets import backprop_stepper as bs
from nnedu.worked import EXAMPLE_BOTH_ACTIVE, EXAMPLE_ONE_DEAD, PARAM_NAMES, worked_step

# plt.show() under the Agg backend of the tests only warns that it cannot open a window.
pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")

EXAMPLES = {"both_active": EXAMPLE_BOTH_ACTIVE, "one_dead": EXAMPLE_ONE_DEAD}
MINUS = "\N{MINUS SIGN}"

# Which WorkedStep number each (non-update) step of the walk shows, in walk order.
WALK_ATTRIBUTES = [
    "z1", "z2", "a1", "a2", "z3", "a3", "loss",
    "dL_da3", "da3_dz3", "dL_dz3", "dL_dw31", "dL_dw32", "dL_db3", "dL_da1", "dL_da2",
    "dL_dz1", "dL_dz2", "dL_dw11", "dL_dw12", "dL_db1", "dL_dw21", "dL_dw22", "dL_db2",
]  # fmt: skip


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def four(value: float) -> str:
    """The test's own rendering of a computed number: 4 decimals, real minus, no "−0"."""
    text = f"{value:.4f}"
    if text == "-0.0000":
        text = "0.0000"
    return text.replace("-", MINUS)


def six(value: float) -> str:
    """A computed number used as an operand in a formula: 6 decimals (``OPERAND_DIGITS``)."""
    return f"{value:.6f}".replace("-", MINUS)


def evaluate(expression: str) -> float:
    """Evaluate a formula with its numbers put in, as the walk prints it."""
    python = expression.replace(MINUS, "-").replace("·", "*").replace("[", "(")
    python = python.replace("]", ")").replace("σ(", "sig(")
    python = re.sub(r"ln ([0-9.]+)", r"log(\1)", python)
    namespace = {"sig": lambda z: 1.0 / (1.0 + math.exp(-z)), "log": math.log, "max": max,
                 "__builtins__": {}}
    return float(eval(python, namespace))  # our own formula text, no builtins


# ----------------------------------------------------------------------------- number formats

@pytest.mark.parametrize(("value", "text"), [
    (-0.53991488, "−0.5399"), (0.2, "0.2000"), (-0.0, "0.0000"), (-0.00001, "0.0000"),
    (math.inf, "∞"), (-math.inf, "−∞"), (1.0, "1.0000"),
])
def test_fmt(value, text):
    assert bs.fmt(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (0.5, "0.5"), (1.0, "1"), (-0.2, "−0.2"), (0.30000000000000004, "0.3"), (-0.0, "0"),
    (0.12345, "0.1235"), (2.0, "2"),
])
def test_fmt_given(value, text):
    assert bs.fmt_given(value) == text


# ----------------------------------------------------------------------------- the walk

@pytest.mark.parametrize("key", EXAMPLES)
def test_walk_has_27_numbered_steps_in_stage_order(key):
    steps = bs.walk_steps(EXAMPLES[key].run())
    assert len(steps) == bs.N_STEPS == 27
    assert [s.number for s in steps] == list(range(1, 28))
    stages = [s.stage for s in steps]
    assert stages == ["forward"] * 6 + ["loss"] + ["backward"] * 16 + ["update"] * 4


@pytest.mark.parametrize("key", EXAMPLES)
def test_walk_values_are_the_worked_numbers(key):
    step = EXAMPLES[key].run()
    walk = bs.walk_steps(step)
    for item, attribute in zip(walk, WALK_ATTRIBUTES, strict=False):
        assert item.value == getattr(step, attribute), item.symbol
        assert item.text.endswith(f"= {four(getattr(step, attribute))}")
    assert walk[-1].value == step.loss_after
    update_lines = [line for item in walk[23:26] for line in item.lines]
    assert len(update_lines) == 9
    for line in update_lines:
        name = line.split(" ")[0]
        assert line.endswith(f"= {four(step.updated[name])}")


def test_walk_texts_of_the_first_example():
    s = EXAMPLE_BOTH_ACTIVE.run()
    walk = bs.walk_steps(s)
    assert walk[0].text == (f"z1 = w11·x1 + w12·x2 + b1 = 0.5·1 + ({MINUS}0.2)·2 + 0.1 = "
                            f"{four(s.z1)}")
    assert walk[5].text == f"a3 = σ(z3) = σ({six(s.z3)}) = {four(s.a3)}"
    assert walk[9].text == (f"dL/dz3 = dL/da3 · da3/dz3 = a3 − y = {six(s.a3)} − 1 = "
                            f"{four(s.dL_dz3)}")
    assert walk[14].text == f"dL/da2 = dL/dz3 · w32 = ({six(s.dL_dz3)})·({MINUS}0.5) = " \
                            f"{four(s.dL_da2)}"
    assert bs.step_text(walk[9]) == f"Step 10 of 27: {walk[9].text}"
    update = bs.step_text(walk[23]).split("\n")
    assert update[0] == "Step 24 of 27: update of the output unit"
    assert update[1] == (f"w31 ← w31 − η·dL/dw31 = 0.7 − 0.1·({six(s.dL_dw31)}) = "
                         f"{four(s.updated['w31'])}")


def test_dead_unit_texts_show_the_closed_gate():
    s = EXAMPLE_ONE_DEAD.run()
    walk = {item.symbol: item for item in bs.walk_steps(s)}
    assert walk["dL/dz2"].text == f"dL/dz2 = dL/da2 · [z2 > 0] = {six(s.dL_da2)}·0 = 0.0000"
    assert "shut" in walk["dL/dz2"].hint
    assert "off" in walk["a2"].hint
    assert "no effect" in walk["dL/dw32"].hint
    assert "does not move" in walk["update of hidden unit 2"].hint


@pytest.mark.parametrize("key", EXAMPLES)
def test_numbers_in_each_formula_give_the_printed_value(key):
    step = EXAMPLES[key].run()
    for item in bs.walk_steps(step):
        if item.lines:
            for line in item.lines:
                parts = line.split(" = ")
                assert evaluate(parts[-2]) == pytest.approx(step.updated[line.split()[0]],
                                                            abs=1e-4)
        elif item.numbers is not None:
            assert evaluate(item.numbers) == pytest.approx(item.value, abs=2e-3), item.symbol


grid = st.integers(-30, 30).map(lambda k: k / 10)  # the x sliders: -3.0 ... 3.0, step 0.1


@given(x1=grid, x2=grid, target=st.integers(0, 10).map(lambda k: k / 10),
       key=st.sampled_from(sorted(EXAMPLES)))
def test_walk_follows_worked_step_for_any_slider_values(x1, x2, target, key):
    example = EXAMPLES[key]
    step = worked_step(x1, x2, target, dict(example.weights), lr=example.lr)
    walk = bs.walk_steps(step)
    assert len(walk) == bs.N_STEPS
    for item, attribute in zip(walk, WALK_ATTRIBUTES, strict=False):
        assert item.value == getattr(step, attribute)
        if item.numbers is not None:
            assert evaluate(item.numbers) == pytest.approx(item.value, rel=2e-3, abs=2e-3), \
                item.text
    gates = {item.symbol: item.numbers for item in walk if item.symbol in ("dL/dz1", "dL/dz2")}
    assert gates["dL/dz1"].endswith("·1" if step.z1 > 0 else "·0")
    assert gates["dL/dz2"].endswith("·1" if step.z2 > 0 else "·0")


def test_formula_lines_by_stage():
    step = EXAMPLE_BOTH_ACTIVE.run()
    assert len(bs.formula_lines(step, "forward")) == 6
    assert len(bs.formula_lines(step, "loss")) == 1
    assert len(bs.formula_lines(step, "backward")) == 16
    assert len(bs.formula_lines(step, "update")) == 10  # nine parameters + the loss after
    assert bs.formula_lines(step) == sum((bs.formula_lines(step, stage) for stage in
                                          ("forward", "loss", "backward", "update")), [])
    with pytest.raises(ValueError, match="stage must be one of"):
        bs.formula_lines(step, "sideways")


def test_revealed_grows_with_the_steps():
    steps = bs.walk_steps(EXAMPLE_BOTH_ACTIVE.run())
    assert bs.revealed(steps, 0) == set()
    after_forward = bs.revealed(steps, 6)
    assert {(n, "value") for n in ("z1", "z2", "a1", "a2", "z3", "a3")} <= after_forward
    assert not any(kind == "grad" for _, kind in after_forward)
    everything = bs.revealed(steps, None)
    assert {(n, "grad") for n in PARAM_NAMES} <= everything
    assert {(n, "new") for n in PARAM_NAMES} <= everything
    assert ("L", "after") in everything


def test_dead_units():
    assert bs.dead_units(None) == set()
    assert bs.dead_units(EXAMPLE_BOTH_ACTIVE.run()) == set()
    assert bs.dead_units(EXAMPLE_ONE_DEAD.run()) == {"z2", "a2", "w21", "w22", "b2"}


# ----------------------------------------------------------------------------- the pictures

def _patch(ax, gid):
    return next(p for p in ax.patches if p.get_gid() == gid)


def _texts(ax):
    return [t.get_text() for t in ax.texts if t.get_visible()]


def _highlighted(ax):
    """The boxes and edges drawn in the step's colour (the outlines of the current step)."""
    return [p.get_gid().removesuffix(" (step)") for p in ax.patches
            if p.get_visible() and (p.get_gid() or "").endswith(" (step)")]


def test_draw_graph_map_has_names_only():
    ax = bs.draw_graph()
    texts = _texts(ax)
    assert "w₁₁" in texts and "z₃" in texts and "L" in texts
    assert not any(t.startswith(("∇", "→")) or re.search(r"\d\.\d{4}", t) for t in texts)
    assert len([p for p in ax.patches if p.get_gid() in bs.POSITIONS]) == len(bs.POSITIONS)


def test_draw_graph_full_shows_every_value_and_gradient():
    step = EXAMPLE_BOTH_ACTIVE.run()
    texts = _texts(bs.draw_graph(step))
    assert four(step.z1) in texts
    assert f"∇ {four(step.dL_dw12)}" in texts
    assert f"→ {four(step.updated['w12'])}" in texts
    assert f"→ {four(step.loss_after)}" in texts
    assert f"σ′ {four(step.da3_dz3)}" in texts
    assert not any(t.endswith("?") for t in texts)


def test_draw_graph_part_way_highlights_the_current_step():
    step = EXAMPLE_BOTH_ACTIVE.run()
    ax = bs.draw_graph(step, upto=18)  # step 18: dL/dw11
    assert _highlighted(ax) == ["w11"]
    assert np.allclose(_patch(ax, "w11 (step)").get_edgecolor()[:3],
                       plt.matplotlib.colors.to_rgb(bs.HIGHLIGHT))
    assert _patch(ax, "z1<-w11").get_visible()  # the backward arrow, from z1 back to w11
    texts = _texts(ax)
    assert f"∇ {four(step.dL_dw11)}" in texts      # computed by step 18
    assert "∇ ?" in texts and "→ ?" in texts       # w12, b1, ... and the updates: not yet
    forward = bs.draw_graph(step, upto=1)
    assert "?" in _texts(forward)  # the value of z2 and the rest: not computed yet
    assert "x1->w11" in _highlighted(forward) and "z1" in _highlighted(forward)


def test_draw_graph_greys_the_dead_unit():
    ax = bs.draw_graph(EXAMPLE_ONE_DEAD.run())
    for name in ("z2", "a2", "w21", "w22", "b2"):
        patch = _patch(ax, name)
        assert patch.get_linestyle() == "--"
        assert np.allclose(patch.get_facecolor()[:3], plt.matplotlib.colors.to_rgb(bs.DEAD_FILL))
    assert _patch(ax, "z1").get_linestyle() == "-"
    assert "ReLU off:\nno gradient passes" in _texts(ax)
    assert "gate 0" in _texts(ax) and "gate 1" in _texts(ax)


def test_draw_graph_rejects_bad_upto():
    step = EXAMPLE_BOTH_ACTIVE.run()
    with pytest.raises(ValueError, match="from 0 to 27"):
        bs.draw_graph(step, upto=28)
    with pytest.raises(ValueError, match="upto needs a step"):
        bs.draw_graph(upto=3)


def test_loss_along_step_ends():
    step = EXAMPLE_BOTH_ACTIVE.run()
    losses = bs.loss_along_step(step, np.array([0.0, step.lr]))
    assert losses[0] == pytest.approx(step.loss, rel=1e-12)
    assert losses[1] == pytest.approx(step.loss_after, rel=1e-12)
    ax = bs.plot_loss_along_step(step)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"after one step, η = 0.1: L = {four(step.loss_after)}" in labels


# ----------------------------------------------------------------------------- the widget

def readout_text(stepper: bs.BackpropStepper) -> str:
    """The readout as a browser shows it: tags removed, <br> as new lines."""
    html = stepper.readout.value.replace("<br>", "\n")
    return re.sub(r"<[^>]+>", "", html).replace("&gt;", ">").replace("&lt;", "<")


def test_stepper_walks_forward_and_back():
    stepper = bs.BackpropStepper()
    s = EXAMPLE_BOTH_ACTIVE.run()
    assert "nnedu-readout" in stepper.readout._dom_classes
    assert readout_text(stepper).startswith(
        f"Step 1 of 27: z1 = w11·x1 + w12·x2 + b1 = 0.5·1 + ({MINUS}0.2)·2 + 0.1 = {four(s.z1)}")
    assert stepper.back_button.disabled and not stepper.next_button.disabled
    stepper.next()
    stepper.next()
    assert stepper.position == 3
    assert f"Step 3 of 27: a1 = max(0, z1) = max(0, {four(s.z1)}) = {four(s.a1)}" \
        in readout_text(stepper)
    stepper.go_to(9)
    stepper.next()
    assert stepper.position == 10
    assert (f"Step 10 of 27: dL/dz3 = dL/da3 · da3/dz3 = a3 − y = {six(s.a3)} − 1 = "
            f"{four(s.dL_dz3)}") in readout_text(stepper)
    stepper.back()
    assert f"Step 9 of 27: da3/dz3 = a3·(1 − a3) = {six(s.a3)}" in readout_text(stepper)
    stepper.go_to(27)
    assert stepper.next_button.disabled
    stepper.next()  # stays on the last step
    assert stepper.position == 27
    assert f"= {four(s.loss_after)}" in readout_text(stepper)
    stepper.go_to(1)
    stepper.back()
    assert stepper.position == 1


def test_stepper_buttons_move_it():
    stepper = bs.BackpropStepper()
    stepper.next_button.click()
    stepper.next_button.click()
    assert stepper.position == 3
    stepper.back_button.click()
    assert stepper.position == 2


def test_stepper_recomputes_when_a_slider_moves_and_keeps_the_step():
    stepper = bs.BackpropStepper(position=10)
    stepper.controls["x1"].value = 0.8
    s = worked_step(0.8, 2.0, 1.0, dict(EXAMPLE_BOTH_ACTIVE.weights))
    assert stepper.position == 10
    assert stepper.step.z1 == pytest.approx(s.z1)
    assert f"= {six(s.a3)} − 1 = {four(s.dL_dz3)}" in readout_text(stepper)
    stepper.set_inputs(x1=0.4, target=0.0)  # hidden unit 1 switches off
    s = worked_step(0.4, 2.0, 0.0, dict(EXAMPLE_BOTH_ACTIVE.weights))
    assert s.z1 <= 0
    assert stepper.step.dL_dw11 == 0.0
    assert f"= {six(s.a3)} − 0 = {four(s.dL_dz3)}" in readout_text(stepper)
    with pytest.raises(ValueError, match="unknown names"):
        stepper.set_inputs(w11=1.0)


def test_stepper_rounds_browser_arithmetic():
    stepper = bs.BackpropStepper()
    stepper.controls["x2"].value = 0.1 + 0.2  # 0.30000000000000004, as arrow keys can add up
    assert stepper.inputs[1] == 0.3
    assert stepper.step.x2 == 0.3


def test_stepper_switches_examples():
    stepper = bs.BackpropStepper(position=17)
    stepper.controls["x1"].value = 2.0
    stepper.choose("hidden unit 2 inactive")
    dead = EXAMPLE_ONE_DEAD.run()
    assert stepper.inputs == (dead.x1, dead.x2, dead.target)
    assert stepper.position == 17
    assert f"Step 17 of 27: dL/dz2 = dL/da2 · [z2 > 0] = {six(dead.dL_da2)}·0 = 0.0000" \
        in readout_text(stepper)
    with pytest.raises(ValueError, match="variant must be one of"):
        stepper.choose("three hidden units")


def test_stepper_rejects_bad_arguments():
    with pytest.raises(ValueError, match="variant must be one of"):
        bs.BackpropStepper(variant="nope")
    with pytest.raises(ValueError, match="from 1 to 27"):
        bs.BackpropStepper(position=0)
    stepper = bs.BackpropStepper()
    with pytest.raises(ValueError, match="from 1 to 27"):
        stepper.go_to(28)


def test_backprop_stepper_controls_and_picture():
    stepper = bs.backprop_stepper()
    assert isinstance(stepper, bs.BackpropStepper)
    assert "nnedu-backprop-stepper" in stepper.widget._dom_classes
    first, second = stepper.widget.children[:2]  # two even rows: example and steps, inputs
    assert [w.description for w in first.children] == ["example", "Back", "Next", "step"]
    assert [w.description for w in second.children] == ["x1", "x2", "target y"]
    before = stepper.picture
    stepper.controls["step"].value = 18           # the step slider jumps
    assert stepper.position == 18 and _highlighted(stepper.figure.axes[0]) == ["w11"]
    assert stepper.picture != before
    shown, drawn = (np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
                    for png in (stepper.picture, bs.graph_png(stepper.step, 18)))
    assert shown.shape == drawn.shape  # blitted ≈ drawn from scratch (arrows may overlap
    assert (np.abs(shown - drawn).max(axis=2) > 24).mean() < 0.002  # a box edge differently)


def test_graph_boxes_keep_apart_and_hold_their_text():
    """No two boxes closer than 8 px in the stepper's picture; every number inside its box."""
    stepper = bs.BackpropStepper(position=27)
    renderer = stepper.figure.canvas.get_renderer()
    parts = stepper.parts
    boxes = {name: box.get_window_extent(renderer) for name, box in parts["boxes"].items()}
    names = sorted(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            A, B = boxes[a], boxes[b]
            gap = max(B.x0 - A.x1, A.x0 - B.x1, B.y0 - A.y1, A.y0 - B.y1)
            assert gap >= 8, f"boxes {a} and {b} are {gap:.1f} px apart"
    for name, texts in parts["numbers"].items():
        for text in texts:
            if text.get_text():
                extent = text.get_window_extent(renderer)
                assert boxes[name].x0 <= extent.x0 and extent.x1 <= boxes[name].x1, (name, text)
                assert text.get_fontsize() >= 10


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_stepper_blitted_picture_equals_a_full_draw():
    """Every change draws only the numbers and the highlight on a cached background; after
    each move of a sequence the picture equals the same state drawn from scratch in a new
    figure, pixel for pixel (no old number left under a new one, no stale inactive unit)."""
    stepper = bs.BackpropStepper()
    moves = [*[stepper.next] * 5,
             lambda: stepper.set_inputs(x1=0.3),     # same step, every number changes
             stepper.next, stepper.back,             # back to a state seen: kept picture
             lambda: stepper.set_inputs(x1=-1.0),    # a hidden unit goes inactive
             stepper.next,
             lambda: stepper.set_inputs(x1=1.0, target=0.0),  # and comes back
             lambda: stepper.go_to(14), stepper.back,
             lambda: stepper.choose("hidden unit 2 inactive"), stepper.next,
             lambda: stepper.go_to(6)]
    for move in moves:
        move()
        drawn = bs.graph_png(stepper.step, stepper.position)
        assert np.array_equal(_pixels(stepper.picture), _pixels(drawn)), stepper.state
