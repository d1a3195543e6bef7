"""nnedu.widgets.autograd_stepper (lesson 06a): the safe expression reader, the walk through
backward() step by step, the drawing and the stepper widget.

The walk's gradients are checked against Value.backward() and against numerical gradients of
the expression itself; the readout's "+=" lines are evaluated to check they give the number
printed after them.
"""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnedu.autograd import Value, topological_order
from nnedu.widgets import autograd_stepper as ws

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")
MINUS = "\N{MINUS SIGN}"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


# ----------------------------------------------------------------------------- the reader

@pytest.mark.parametrize("text, expected", [
    ("x*y + x", lambda x, y: x * y + x),
    ("tanh(x*y + 1)", lambda x, y: math.tanh(x * y + 1)),
    ("(x + y) * (x - y)", lambda x, y: (x + y) * (x - y)),
    ("sigmoid(2*x - y)", lambda x, y: 1 / (1 + math.exp(-(2 * x - y)))),
    ("x*x*x + exp(y)", lambda x, y: x ** 3 + math.exp(y)),
    ("log(x*x + 1) / y", lambda x, y: math.log(x * x + 1) / y),
    ("relu(x + y) * x", lambda x, y: max(0.0, x + y) * x),
    ("-x ** 2 + 3", lambda x, y: -(x ** 2) + 3),
    ("x ** -1", lambda x, y: 1 / x),
    ("2 / y", lambda x, y: 2 / y),
])
def test_build_expression_computes_what_it_says(text, expected):
    assert ws.build_expression(text, 2.0, -3.0).data == pytest.approx(expected(2.0, -3.0),
                                                                      rel=1e-14)


def test_every_ready_expression_is_in_the_test_above():
    assert len(ws.EXPRESSIONS) == 7
    for text in ws.EXPRESSIONS:
        assert isinstance(ws.build_expression(text, 0.5, 1.5), Value)


@pytest.mark.parametrize("text, match", [
    ("", "type an expression"),
    ("tanh(x*y + ", "cannot read"),
    ("2x", "cannot read"),
    ("z * x", "unknown name"),
    ("__import__('os')", "cannot use"),
    ("x.data", "cannot use"),
    ("x ** y", "plain number"),
    ("sin(x)", "cannot use"),
    ("3 * 4", "must compute something"),
    ("x", "must compute something"),
    ("log(y)", "> 0"),
    ("x * " * 30 + "x", "too long"),
    ("x/0", "negative power"),
])
def test_build_expression_refuses_with_a_message(text, match):
    with pytest.raises(ValueError, match=match):
        ws.build_expression(text, 2.0, -3.0)


def test_too_large_graphs_are_refused():
    with pytest.raises(ValueError, match="too"):
        ws.value_walk("x+y+x+y+x+y+x+y+x+y+x+y+x+y+x", 1.0, 2.0)


# ----------------------------------------------------------------------------- the walk

@pytest.mark.parametrize("text", ws.EXPRESSIONS)
def test_the_walk_ends_with_backwards_gradients(text):
    walk = ws.value_walk(text, 0.7, 1.3)
    root = ws.build_expression(text, 0.7, 1.3)
    nodes = topological_order(root)
    root.backward()
    assert walk.names == tuple(ws._names(nodes))
    assert walk.grads[-1] == tuple(node.grad for node in nodes)
    assert walk.grads[0] == tuple(0.0 for _ in nodes)
    assert all(walk.done[-1])
    # one step per operation, plus the forward pass and the seed
    assert walk.n_steps == 1 + sum(1 for node in nodes if node._prev)


@settings(max_examples=40, deadline=None)
@given(x=st.floats(-3, 3), y=st.floats(0.2, 3), which=st.integers(0, len(ws.EXPRESSIONS) - 1))
def test_the_walk_agrees_with_numerical_gradients(x, y, which):
    text = ws.EXPRESSIONS[which]
    walk = ws.value_walk(text, x, y)
    kinks = [n for n in walk.nodes if n._op == "relu" and abs(n._prev[0].data) < 1e-4]
    if kinks:
        return
    eps = 1e-6
    for name, (dx, dy) in (("x", (eps, 0)), ("y", (0, eps))):
        if name not in walk.names:
            continue
        up = ws.build_expression(text, x + dx, y + dy).data
        down = ws.build_expression(text, x - dx, y - dy).data
        numeric = (up - down) / (2 * eps)
        got = walk.grads[-1][walk.names.index(name)]
        assert got == pytest.approx(numeric, rel=1e-5, abs=1e-5)


def test_a_gradient_used_twice_is_partial_until_its_second_share():
    walk = ws.value_walk("x*y + x", 2.0, -3.0)
    x = walk.names.index("x")
    assert walk.names[-1] == "f"
    # step 2: f = t1 + x passed 1 to x; x waits for the share of t1 = x·y
    assert walk.grads[2][x] == 1.0 and not walk.done[2][x]
    assert walk.grads[3][x] == -2.0 and walk.done[3][x]


def test_step_html_states_the_numbers_it_adds():
    walk = ws.value_walk("x*y + x", 2.0, -3.0)
    assert "Step 0 of 3" in ws.step_html(walk, 0)
    assert "f.grad = ∂f/∂f = 1" in ws.step_html(walk, 1)
    last = ws.step_html(walk, 3)
    assert "t1 = x·y passes its gradient 1.0000 on" in last
    assert f"x.grad += {MINUS}3.0000 × 1.0000 = {MINUS}3.0000 → {MINUS}2.0000" in last
    assert "a second share, added to the first" in last
    assert f"∂f/∂x = {MINUS}2.0000, ∂f/∂y = 2.0000" in last


@pytest.mark.parametrize("text", ws.EXPRESSIONS)
def test_every_plus_equals_line_is_true(text):
    walk = ws.value_walk(text, 1.1, 0.6)
    pattern = re.compile(r"\.grad \+= (\S+) × (\S+) = (\S+) → (\S+)")
    for step in range(2, walk.n_steps + 1):
        for local, grad, share, _ in pattern.findall(ws.step_html(walk, step)):
            assert number(local) * number(grad) == pytest.approx(number(share), abs=6e-4)


def test_layout_keeps_boxes_apart_and_inside():
    for text in ws.EXPRESSIONS:
        walk = ws.value_walk(text, 1.0, 2.0)
        for k, (cx, cy) in enumerate(walk.positions):
            assert ws.XLIM[0] < cx - ws.BOX_W / 2 and cx + ws.BOX_W / 2 < ws.XLIM[1]
            assert ws.YLIM[0] < cy - ws.BOX_H / 2 and cy + ws.BOX_H / 2 < ws.YLIM[1]
            for other in walk.positions[k + 1:]:
                assert abs(cx - other[0]) > ws.BOX_W or abs(cy - other[1]) > ws.BOX_H


# ----------------------------------------------------------------------------- drawing, widget

def test_draw_value_graph_shows_the_boxes():
    ax = ws.draw_value_graph("x*y + x", 2.0, -3.0)
    texts = [t.get_text() for t in ax.texts if t.get_visible()]
    assert "x" in texts and "t1  ×" in texts and "f  +" in texts
    assert f"∇ {MINUS}2.0000" in texts


def test_stepper_steps_and_its_picture_changes():
    stepper = ws.autograd_stepper()
    assert stepper.position == 0 and "Step 0 of 3" in stepper.readout.value
    first = stepper.picture
    stepper.next()
    assert stepper.position == 1 and "Step 1 of 3" in stepper.readout.value
    assert stepper.picture != first
    stepper.go_to(99)
    assert stepper.position == 3 and stepper.next_button.disabled
    stepper.back()
    assert stepper.position == 2 and not stepper.next_button.disabled
    assert stepper.render_png({"step": 2}) == stepper.picture


def test_stepper_new_expression_starts_at_step_0_and_sets_the_range():
    stepper = ws.autograd_stepper(step=2)
    stepper.set(expression="log(x*x + 1) / y")
    assert stepper.position == 0 and stepper.controls["step"].max == stepper.walk.n_steps == 6
    stepper.go_to(6)
    assert "Done" in stepper.readout.value


def test_stepper_keeps_the_last_graph_for_a_bad_expression():
    stepper = ws.autograd_stepper()
    picture = stepper.picture
    stepper.set(expression="tanh(x*")
    assert "cannot read" in stepper.readout.value and stepper.walk.expression == "x*y + x"
    assert stepper.picture == picture


def test_stepper_sliders_recompute_at_the_same_step():
    stepper = ws.autograd_stepper(step=3)
    stepper.set(y=1.0)
    assert stepper.position == 3
    assert "∂f/∂x = 2.0000" in stepper.readout.value  # y + 1


def test_a_step_change_is_blitted_and_equals_a_full_draw():
    stepper = ws.autograd_stepper("tanh(x*y + 1)")
    for step in range(stepper.walk.n_steps + 1):
        stepper.go_to(step)
        blitted = stepper.picture
        stepper.redraw_background()
        assert stepper.render() == blitted, step
