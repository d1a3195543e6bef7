"""nnedu.autograd (the scalar Value) and nnedu.autograd_mlp (an MLP made of Values).

Every local derivative is checked against central differences of the Value's own forward
pass; random expression trees check the chain rule as a whole; lesson 06's worked example and
nnedu's Sequential are recomputed with Values and must give the same numbers.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnedu import worked
from nnedu.autograd import Value, topological_order
from nnedu.autograd_mlp import MLP, Layer, Neuron, binary_cross_entropy
from nnedu.data import moons
from nnedu.gradcheck import numerical_gradient, relative_error

EPS = 1e-6


def numerical_partials(f, inputs: list[float], eps: float = EPS) -> list[float]:
    """d f / d inputs[i] by central differences; f takes a list of Values, returns a Value."""
    partials = []
    for i in range(len(inputs)):
        up, down = list(inputs), list(inputs)
        up[i] += eps
        down[i] -= eps
        f_up = f([Value(v) for v in up]).data
        f_down = f([Value(v) for v in down]).data
        partials.append((f_up - f_down) / (2 * eps))
    return partials


def autograd_partials(f, inputs: list[float]) -> tuple[Value, list[float]]:
    xs = [Value(v) for v in inputs]
    out = f(xs)
    out.backward()
    return out, [x.grad for x in xs]


# ----------------------------------------------------------------------------- every operation

# name → (function of Values, the same with math on floats, input points away from kinks)
OPERATIONS = {
    "add": (lambda v: v[0] + v[1], lambda a, b: a + b, [(0.3, -1.2), (2.0, 5.0)]),
    "sub": (lambda v: v[0] - v[1], lambda a, b: a - b, [(0.3, -1.2), (-2.0, 5.0)]),
    "mul": (lambda v: v[0] * v[1], lambda a, b: a * b, [(0.3, -1.2), (-2.0, 5.0)]),
    "div": (lambda v: v[0] / v[1], lambda a, b: a / b, [(0.3, -1.2), (-2.0, 0.5)]),
    "neg": (lambda v: -v[0], lambda a: -a, [(0.7,), (-3.0,)]),
    "pow2": (lambda v: v[0] ** 2, lambda a: a ** 2, [(0.7,), (-3.0,)]),
    "pow3": (lambda v: v[0] ** 3, lambda a: a ** 3, [(0.7,), (-1.5,)]),
    "pow-1": (lambda v: v[0] ** -1, lambda a: 1 / a, [(0.7,), (-3.0,)]),
    "pow0.5": (lambda v: v[0] ** 0.5, math.sqrt, [(0.7,), (4.0,)]),
    "radd": (lambda v: 2.5 + v[0], lambda a: 2.5 + a, [(0.7,)]),
    "rsub": (lambda v: 2.5 - v[0], lambda a: 2.5 - a, [(0.7,)]),
    "rmul": (lambda v: 2.5 * v[0], lambda a: 2.5 * a, [(0.7,)]),
    "rdiv": (lambda v: 2.5 / v[0], lambda a: 2.5 / a, [(0.7,), (-1.5,)]),
    "exp": (lambda v: v[0].exp(), math.exp, [(0.7,), (-3.0,), (5.0,)]),
    "log": (lambda v: v[0].log(), math.log, [(0.7,), (30.0,)]),
    "tanh": (lambda v: v[0].tanh(), math.tanh, [(0.7,), (-2.5,)]),
    "relu": (lambda v: v[0].relu(), lambda a: max(0.0, a), [(0.7,), (-2.5,)]),
    "sigmoid": (lambda v: v[0].sigmoid(), lambda a: 1 / (1 + math.exp(-a)),
                [(0.7,), (-2.5,), (8.0,)]),
}
CASES = [(name, point) for name, (_, _, points) in OPERATIONS.items() for point in points]


@pytest.mark.parametrize("name, point", CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_each_operation_value_and_gradient(name, point):
    f, reference, _ = OPERATIONS[name]
    out, grads = autograd_partials(f, list(point))
    assert out.data == pytest.approx(reference(*point), rel=1e-14, abs=1e-15)
    numeric = numerical_partials(f, list(point))
    assert relative_error(np.array(grads), np.array(numeric)) < 1e-7, (grads, numeric)


def test_local_derivatives_are_the_textbook_formulas():
    a, b = Value(3.0), Value(-2.0)
    (a * b).backward()
    assert (a.grad, b.grad) == (-2.0, 3.0)
    x = Value(0.5)
    x.tanh().backward()
    assert x.grad == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)
    x = Value(0.5)
    s = x.sigmoid()
    s.backward()
    assert x.grad == pytest.approx(s.data * (1 - s.data), rel=1e-15)
    x = Value(4.0)
    x.log().backward()
    assert x.grad == 0.25
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0  # the lessons' convention at the kink


@pytest.mark.parametrize("z", [-1e4, -800.0, -50.0, 50.0, 800.0, 1e4])
def test_sigmoid_is_stable_for_large_inputs(z):
    x = Value(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = x.sigmoid()
        s.backward()
    assert 0.0 <= s.data <= 1.0 and math.isfinite(x.grad)
    assert s.data == (1.0 if z > 40 else pytest.approx(0.0, abs=1e-20))
    assert 0.0 <= x.grad < 1e-20


# ----------------------------------------------------------------------------- reuse: accumulate

def test_a_node_used_twice_collects_both_gradients():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0  # d(x²)/dx = 2x, not x (which assigning instead of adding gives)
    a = Value(-1.5)
    (a + a).backward()
    assert a.grad == 2.0
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a
    c.backward()
    assert (c.data, a.grad, b.grad) == (-4.0, -2.0, 2.0)


def test_a_reused_intermediate_node():
    x = Value(0.5)
    t = x.tanh()  # used three times below
    y = t * t + t * 3.0
    y.backward()
    expected = (2 * t.data + 3.0) * (1 - t.data ** 2)
    assert x.grad == pytest.approx(expected, rel=1e-14)


def test_backward_twice_adds_up_and_zero_grad_resets():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0  # 4 + 4: gradients add up across calls
    y.zero_grad()
    assert x.grad == 0.0 and y.grad == 0.0
    y.backward()
    assert x.grad == 4.0


# ----------------------------------------------------------------------------- graph and steps

def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b).tanh()
    d = c + a
    e = (d * d).sigmoid()
    e.label = "e"
    return a, b, e


def test_topological_order_puts_inputs_before_their_users():
    a, b, e = small_graph()
    order = topological_order(e)
    assert order[-1] is e and len(order) == len({id(node) for node in order})
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert position[id(child)] < position[id(node)]
    assert {id(a), id(b)} <= set(position)


def test_topological_order_of_a_deep_graph():
    x = Value(1.0)
    total = x
    for _ in range(5000):  # deeper than Python's recursion limit
        total = total + x
    total.backward()
    assert total.data == 5001.0 and x.grad == 5001.0


def test_backward_steps_yield_each_node_once_its_gradient_is_final():
    a, b, e = small_graph()
    seen = [(node, node.grad) for node in e.backward_steps()]
    assert [node for node, _ in seen] == list(reversed(topological_order(e)))
    for node, grad_when_yielded in seen:
        assert node.grad == grad_when_yielded  # nothing was added after it passed it on
    a2, b2, e2 = small_graph()
    e2.backward()
    assert (a.grad, b.grad) == (a2.grad, b2.grad)


def test_graph_fields_for_drawing():
    a, b, e = small_graph()
    assert e._op == "sigmoid" and e.label == "e"
    ops = [node._op for node in topological_order(e)]
    assert sorted(set(ops)) == ["", "*", "+", "sigmoid", "tanh"]
    assert a._prev == () and a._op == ""
    assert (Value(2.0) ** 3)._op == "**3"


def test_repr():
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0.0)"
    x = Value(2, label="x")
    (x * x).backward()
    assert repr(x) == "Value(data=2.0, grad=4.0, label='x')"
    assert repr(Value(1 / 3)) == "Value(data=0.333333, grad=0.0)"


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("data, error, match", [
    ("3", TypeError, "number"),
    (None, TypeError, "number"),
    (True, TypeError, "number"),
    ([1.0], TypeError, "number"),
    (math.nan, ValueError, "finite"),
    (math.inf, ValueError, "finite"),
])
def test_bad_data(data, error, match):
    with pytest.raises(error, match=match):
        Value(data)


def test_a_value_inside_a_value():
    with pytest.raises(TypeError, match="already|Value itself"):
        Value(Value(1.0))


def test_numpy_numbers_are_fine():
    assert Value(np.float32(0.5)).data == 0.5 and Value(np.int64(3)).data == 3.0
    assert isinstance(Value(np.int64(3)).data, float)
    x = Value(0.5)
    for result in (np.float64(2.0) * x, np.float64(2.0) + x, np.int64(2) - x, np.float32(2) / x):
        assert isinstance(result, Value)  # numpy hands the operation over to Value
    assert (np.float64(2.0) * x).data == 1.0 and (np.int64(2) - x).data == 1.5


@pytest.mark.parametrize("call, error, match", [
    (lambda: Value(1.0) + "3", TypeError, "number or another Value"),
    (lambda: "3" * Value(1.0), TypeError, "number or another Value"),
    (lambda: Value(1.0) - None, TypeError, "number or another Value"),
    (lambda: Value(1.0) / [2], TypeError, "number or another Value"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, "plain number"),
    (lambda: Value(0.0).log(), ValueError, "> 0"),
    (lambda: Value(-1.0).log(), ValueError, "> 0"),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, "negative power"),
    (lambda: 1.0 / Value(0.0), ZeroDivisionError, "negative power"),
    (lambda: Value(-2.0) ** 0.5, ValueError, "fractional"),
    (lambda: Value(1000.0).exp(), OverflowError, "too large"),
    (lambda: Value(1e200) * Value(1e200), ValueError, "finite"),
])
def test_bad_operations(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------------------- random expressions

UNARY = ("tanh", "sigmoid", "relu", "exp", "log", "sqrt", "square", "cube", "neg")
BINARY = ("+", "-", "*", "/")
WITH_CONSTANT = ("c+", "c-", "c*", "c/")


def build(tree, xs):
    """Turn a random tree into Value operations on the inputs xs (a list of Values)."""
    kind = tree[0]
    if kind == "x":
        return xs[tree[1]]
    if kind in UNARY:
        v = build(tree[1], xs)
        if kind == "exp":
            assume(v.data < 8.0)
            return v.exp()
        if kind in ("log", "sqrt"):  # kept away from 0: their slope blows up there
            positive = v * v + 0.5
            return positive.log() if kind == "log" else positive ** 0.5
        return {"tanh": v.tanh, "sigmoid": v.sigmoid, "relu": v.relu, "square": lambda: v ** 2,
                "cube": lambda: v ** 3, "neg": lambda: -v}[kind]()
    if kind in BINARY:
        a, b = build(tree[1], xs), build(tree[2], xs)
        if kind == "/":
            return a / (b * b + 0.5)
        return {"+": a + b, "-": a - b, "*": a * b}[kind]
    c, v = tree[1], build(tree[2], xs)
    return {"c+": c + v, "c-": c - v, "c*": c * v, "c/": c / (v * v + 0.5)}[kind]


leaves = st.tuples(st.just("x"), st.integers(0, 2))  # 3 inputs, so subtrees share them
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(UNARY), children),
        st.tuples(st.sampled_from(BINARY), children, children),
        st.tuples(st.sampled_from(WITH_CONSTANT), st.floats(-3.0, 3.0), children),
    ),
    max_leaves=10,
)
inputs = st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3)


@settings(max_examples=300, deadline=None)
@given(tree=trees, point=inputs)
def test_random_expressions_match_numerical_gradients(tree, point):
    def f(xs):
        return build(tree, xs)

    try:
        out, grads = autograd_partials(f, point)
    except (OverflowError, ValueError):  # a value left the float range: not this test's job
        assume(False)
    nodes = topological_order(out)
    assume(all(abs(node.data) < 1e4 for node in nodes))
    # central differences are wrong across a kink: keep every ReLU input clear of 0
    assume(all(abs(node._prev[0].data) > 1e-3 for node in nodes if node._op == "relu"))
    numeric = numerical_partials(f, point)
    scale = max(1.0, abs(out.data))
    for g, n in zip(grads, numeric):
        assert abs(g - n) <= 1e-5 * scale * max(1.0, abs(g)), (tree, point, grads, numeric)


# ----------------------------------------------------------------------------- lesson 06 again

def worked_with_values(x1: float, x2: float, y: float, params: dict[str, float]):
    """Lesson 06's network written with Values, one line per formula of nnedu.worked."""
    p = {name: Value(value, label=name) for name, value in params.items()}
    z1 = p["w11"] * x1 + p["w12"] * x2 + p["b1"]
    z2 = p["w21"] * x1 + p["w22"] * x2 + p["b2"]
    a1, a2 = z1.relu(), z2.relu()
    z3 = p["w31"] * a1 + p["w32"] * a2 + p["b3"]
    a3 = z3.sigmoid()
    loss = binary_cross_entropy(a3, y)
    loss.backward()
    nodes = {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "z3": z3, "a3": a3, "loss": loss}
    return p, nodes


RANDOM_WEIGHTS = [dict(zip(worked.PARAM_NAMES, np.random.default_rng(seed).normal(size=9)))
                  for seed in range(5)]
WORKED_CASES = (
    [(ex.x1, ex.x2, ex.target, dict(ex.weights))
     for ex in (worked.EXAMPLE_BOTH_ACTIVE, worked.EXAMPLE_ONE_DEAD)]
    + [(0.5, -1.5, float(seed % 2), w) for seed, w in enumerate(RANDOM_WEIGHTS)]
)


@pytest.mark.parametrize("x1, x2, y, params", WORKED_CASES)
def test_worked_example_recomputed_with_values(x1, x2, y, params):
    step = worked.worked_step(x1, x2, y, params, lr=0.1)
    p, nodes = worked_with_values(x1, x2, y, params)
    for name in ("z1", "z2", "a1", "a2", "z3", "a3"):  # the same operations in the same order
        assert nodes[name].data == getattr(step, name), name
    assert nodes["loss"].data == pytest.approx(step.loss, rel=0, abs=1e-12)
    for name in worked.PARAM_NAMES:
        assert p[name].grad == pytest.approx(step.gradients[name], rel=0, abs=1e-12), name
    for node, field in [("a3", "dL_da3"), ("z3", "dL_dz3"), ("a1", "dL_da1"), ("a2", "dL_da2"),
                        ("z1", "dL_dz1"), ("z2", "dL_dz2")]:
        assert nodes[node].grad == pytest.approx(getattr(step, field), rel=0, abs=1e-12), field
    assert nodes["z3"].grad / nodes["a3"].grad == pytest.approx(step.da3_dz3, abs=1e-12)
    updated = {name: p[name].data - 0.1 * p[name].grad for name in worked.PARAM_NAMES}
    for name in worked.PARAM_NAMES:
        assert updated[name] == pytest.approx(step.updated[name], rel=0, abs=1e-12)
    _, after = worked_with_values(x1, x2, y, updated)
    assert after["loss"].data == pytest.approx(step.loss_after, rel=0, abs=1e-12)


def test_the_dead_unit_gets_exactly_zero_gradients():
    ex = worked.EXAMPLE_ONE_DEAD
    p, nodes = worked_with_values(ex.x1, ex.x2, ex.target, dict(ex.weights))
    assert nodes["a2"].data == 0.0
    assert [p[name].grad for name in ("w21", "w22", "b2", "w32")] == [0.0, 0.0, 0.0, 0.0]


# ----------------------------------------------------------------------------- the Value MLP

@pytest.mark.parametrize("sizes, hidden", [([2, 4, 1], "tanh"), ([2, 5, 3, 1], "relu"),
                                           ([2, 3, 3, 1], "sigmoid")])
def test_value_mlp_gradients_equal_sequential(sizes, hidden):
    X, y = moons(n=12, noise=0.2, seed=1)
    model = MLP(sizes, hidden=hidden, output="sigmoid", seed=3)
    net = model.to_sequential()
    outputs = [model(list(row))[0] for row in X]
    loss = sum((binary_cross_entropy(p, float(t)) for p, t in zip(outputs, y)),
               Value(0.0)) * (1.0 / len(y))
    model.zero_grad()
    loss.backward()

    np.testing.assert_allclose([p.data for p in outputs], net.forward(X)[:, 0],
                               rtol=1e-13, atol=1e-15)
    net_loss = net.loss_and_backward(X, y.reshape(-1, 1).astype(float),
                                     loss="binary_cross_entropy")
    assert loss.data == pytest.approx(net_loss, rel=1e-12)
    net_grads = net.gradients()  # W1, b1, W2, b2, ... in Dense layout
    ours = [g for pair in model.arrays("grad") for g in pair]
    assert len(ours) == len(net_grads)
    for g_value, g_net in zip(ours, net_grads):
        np.testing.assert_allclose(g_value, g_net, rtol=1e-10, atol=1e-14)


def test_value_mlp_trains_on_a_toy_set():
    X, y = moons(n=30, noise=0.1, seed=0)
    model = MLP([2, 6, 1], hidden="tanh", output="sigmoid", seed=0)

    def loss_now():
        total = sum((binary_cross_entropy(model(list(row))[0], float(t)) for row, t in zip(X, y)),
                    Value(0.0))
        return total * (1.0 / len(y))

    first = loss_now()
    for _ in range(30):
        loss = loss_now()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.5 * p.grad
    assert loss_now().data < 0.8 * first.data


def test_mlp_arrays_round_trip_and_layout():
    model = MLP([3, 2, 1], hidden="relu", output="linear", seed=0)
    arrays = model.arrays()
    assert [(W.shape, b.shape) for W, b in arrays] == [((3, 2), (2,)), ((2, 1), (1,))]
    first = model.layers[0].neurons[1]
    assert arrays[0][0][2, 1] == first.w[2].data  # W[j, i] = weight into unit i from input j
    new = [(W + 1.0, b - 2.0) for W, b in arrays]
    model.set_arrays(new)
    for (W, b), (W_new, b_new) in zip(model.arrays(), new):
        np.testing.assert_array_equal(W, W_new)
        np.testing.assert_array_equal(b, b_new)
    assert first.w[0].label == "layer1.n2.w1" and first.b.label == "layer1.n2.b"
    assert len(model.parameters()) == 3 * 2 + 2 + 2 * 1 + 1
    assert len(model.to_sequential().layers) == 3  # Dense, relu, Dense (linear: no layer)


def test_mlp_is_seeded():
    assert [p.data for p in MLP([2, 3, 1], seed=4).parameters()] == \
        [p.data for p in MLP([2, 3, 1], seed=4).parameters()]
    assert [p.data for p in MLP([2, 3, 1], seed=4).parameters()] != \
        [p.data for p in MLP([2, 3, 1], seed=5).parameters()]


@pytest.mark.parametrize("call, match", [
    (lambda: Neuron(2)([1.0, 2.0, 3.0]), "expected 2 inputs"),
    (lambda: Neuron(0), "n_inputs"),
    (lambda: Layer(2, 2, activation="softmax"), "activation"),
    (lambda: MLP([2]), "at least"),
    (lambda: MLP([2, 1], output="elu"), "activation"),
    (lambda: MLP([2, 1]).set_arrays([(np.zeros((1, 2)), np.zeros(2))]), "expected W"),
    (lambda: MLP([2, 1]).set_arrays([]), "pairs"),
    (lambda: MLP([2, 1]).arrays("grads"), "what"),
])
def test_mlp_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_autograd_modules_import_numpy_only():
    code = ("import sys, nnedu.autograd, nnedu.autograd_mlp; "
            "heavy = [m for m in ('matplotlib', 'sklearn', 'ipywidgets', 'scipy') "
            "if m in sys.modules]; print('loaded:', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout


# ----------------------------------------------------------------------------- gradient checks

@pytest.mark.parametrize("sizes, hidden, output", [([2, 3, 1], "tanh", "sigmoid"),
                                                   ([3, 4, 2], "sigmoid", "linear"),
                                                   ([2, 4, 4, 1], "relu", "sigmoid")])
def test_value_mlp_passes_a_gradient_check(sizes, hidden, output):
    """Every parameter of an MLP of Values, checked with nnedu.gradcheck like any layer."""
    X, y = moons(n=6, noise=0.2, seed=2)
    if sizes[0] == 3:
        X = np.column_stack([X, X[:, 0] * X[:, 1]])
    model = MLP(sizes, hidden=hidden, output=output, seed=1)

    def loss_of(vector: np.ndarray) -> Value:
        for p, v in zip(model.parameters(), vector):
            p.data = float(v)
        total = Value(0.0)
        for row, label in zip(X, y):
            outputs = model(list(row))
            if output == "sigmoid":
                total = total + binary_cross_entropy(outputs[0], float(label))
            else:
                total = total + sum(((o - float(label)) ** 2 for o in outputs), Value(0.0))
        return total * (1.0 / len(y))

    start = np.array([p.data for p in model.parameters()])
    loss = loss_of(start)
    model.zero_grad()
    loss.backward()
    analytic = np.array([p.grad for p in model.parameters()])
    numeric = numerical_gradient(lambda v: loss_of(v).data, start.copy())
    if hidden == "relu":  # these inputs keep every ReLU clear of its kink, where central
        assert all(abs(n._prev[0].data) > 1e-4 for n in topological_order(loss)
                   if n._op == "relu")  # differences are wrong across it
    assert relative_error(analytic, numeric) < 1e-7


@settings(max_examples=100, deadline=None)
@given(tree=trees, point=inputs)
def test_backward_steps_visit_each_operation_once_and_end_like_backward(tree, point):
    try:
        xs = [Value(v) for v in point]
        out = build(tree, xs)
        stepped = [node for node in out.backward_steps()]
        again = [Value(v) for v in point]
        build(tree, again).backward()
    except (OverflowError, ValueError):
        assume(False)
    assert len(stepped) == len({id(n) for n in stepped}) == len(topological_order(out))
    assert [x.grad for x in xs] == [x.grad for x in again]
