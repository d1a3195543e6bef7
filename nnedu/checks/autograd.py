"""Checks for lesson 06a's exercises: the backward of single operations, the topological
order of a graph, and ``backward`` itself, on ``nnedu.autograd.Value``s.

A student's backward function for an operation gets the Values of the operation, e.g.
``mul_backward(a, b, out)`` after ``out = a · b``, and must *add* its share to the inputs'
gradients: ``a.grad += b.data * out.grad``. The checks build the Values, call the student's
function and compare the gradients it leaves behind; inputs start with gradients from "other
uses" in some cases, so assigning instead of adding is caught. See
:mod:`nnedu.checks.runner` for the format of a check.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from nnedu.autograd import Value
from nnedu.autograd import topological_order as _topological_order
from nnedu.checks.guard import time_limit
from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = [
    "check_add_backward",
    "check_backward",
    "check_exp_backward",
    "check_mul_backward",
    "check_pow_backward",
    "check_tanh_backward",
    "check_topological_order",
    "time_limit",
]

ACCUMULATE = ("the inputs already had a gradient from another use, and it is gone: add your "
              "share with +=, do not assign with =")
CHAIN = "multiply the local derivative by out.grad (the chain rule): a.grad += local * out.grad"
RETURNED = ("the gradients did not change: add to a.grad (and b.grad) inside the function; "
            "what it returns is thrown away")


# ---------------------------------------------------------------------------------------------
# Running a student's backward on fresh Values
# ---------------------------------------------------------------------------------------------

_FORWARD = {"+": lambda a, b: a + b, "*": lambda a, b: a * b}


def _binary(student_fn: Callable, op: str) -> Callable:
    """A function of numbers: builds a, b (b is a when ``same``) and out, calls
    ``student_fn(a, b, out)`` and returns the gradients (a.grad, b.grad) it leaves."""

    def run(a_data, b_data, out_grad, a_grad, b_grad, same=False):
        a = Value(a_data, label="a")
        b = a if same else Value(b_data, label="b")
        a.grad = a_grad
        if not same:
            b.grad = b_grad
        out = Value(_FORWARD[op](a.data, b.data), (a, b), op)
        out.grad = out_grad
        student_fn(a, b, out)
        return (float(a.grad), float(b.grad))

    return run


def _unary(student_fn: Callable, forward: Callable[[float], float], op: str) -> Callable:
    """Like :func:`_binary` for out = f(a): returns a.grad after ``student_fn(a, out)``."""

    def run(a_data, out_grad, a_grad):
        a = Value(a_data, label="a")
        a.grad = a_grad
        out = Value(forward(a.data), (a,), op)
        out.grad = out_grad
        student_fn(a, out)
        return float(a.grad)

    return run


def _power(student_fn: Callable) -> Callable:
    def run(a_data, n, out_grad, a_grad):
        a = Value(a_data, label="a")
        a.grad = a_grad
        out = Value(a.data ** n, (a,), f"**{n:g}")
        out.grad = out_grad
        student_fn(a, n, out)
        return float(a.grad)

    return run


def _binary_rule(local_a: Callable, local_b: Callable, accumulate: bool = True,
                 chain: bool = True) -> Callable:
    """The gradients a right (or wrong) backward leaves, from its local derivatives."""

    def gradients(a_data, b_data, out_grad, a_grad, b_grad, same=False):
        b_data = a_data if same else b_data
        g = out_grad if chain else 1.0
        share_a, share_b = local_a(a_data, b_data) * g, local_b(a_data, b_data) * g
        if same:
            total = (a_grad + share_a + share_b) if accumulate else share_b  # b = a: last wins
            return (total, total)
        if accumulate:
            return (a_grad + share_a, b_grad + share_b)
        return (share_a, share_b)

    return gradients


def _unary_rule(local: Callable, accumulate: bool = True, chain: bool = True) -> Callable:
    def gradient(a_data, out_grad, a_grad):
        share = local(a_data) * (out_grad if chain else 1.0)
        return a_grad + share if accumulate else share

    return gradient


def _unchanged_binary(a_data, b_data, out_grad, a_grad, b_grad, same=False):
    return (a_grad, a_grad) if same else (a_grad, b_grad)


def _binary_cases(reference: Callable, mistakes: list[Mistake], symbol: str) -> list[Case]:
    def case(name, *args, same=False):
        return Case(name, args=args, kwargs={"same": same}, reference=reference,
                    mistakes=mistakes, rtol=1e-9, atol=1e-12)

    return [
        case(f"out = a {symbol} b with a = 2, b = −3, out.grad = 1, fresh gradients",
             2.0, -3.0, 1.0, 0.0, 0.0),
        case(f"out = a {symbol} b with a = 0.5, b = 4, out.grad = −2, fresh gradients",
             0.5, 4.0, -2.0, 0.0, 0.0),
        case(f"out = a {symbol} b, out.grad = 1.5, a and b already have gradients 0.25 and −1 "
             f"from other uses", 1.5, -0.5, 1.5, 0.25, -1.0),
        case(f"out = x {symbol} x (the same Value twice) with x = 3, out.grad = 1",
             3.0, 3.0, 1.0, 0.0, 0.0, same=True),
    ]


def _unary_cases(reference: Callable, mistakes: list[Mistake], what: str,
                 points: tuple[float, float, float]) -> list[Case]:
    def case(name, *args):
        return Case(name, args=args, reference=reference, mistakes=mistakes, rtol=1e-9,
                    atol=1e-12)

    p, q, r = (f"{v:g}".replace("-", "−") for v in points)
    (p_, q_, r_) = points
    return [
        case(f"out = {what}(a) with a = {p}, out.grad = 1, fresh gradient", p_, 1.0, 0.0),
        case(f"out = {what}(a) with a = {q}, out.grad = −2, fresh gradient", q_, -2.0, 0.0),
        case(f"out = {what}(a) with a = {r}, out.grad = 0.5, a already has gradient 0.75 from "
             f"another use", r_, 0.5, 0.75),
    ]


# ---------------------------------------------------------------------------------------------
# Tasks 1 and 2: the backward of single operations
# ---------------------------------------------------------------------------------------------

_ONE = lambda a, b: 1.0  # noqa: E731
_add = _binary_rule(_ONE, _ONE)
_ADD_MISTAKES = [
    Mistake(_binary_rule(_ONE, _ONE, accumulate=False), ACCUMULATE),
    Mistake(_binary_rule(_ONE, _ONE, chain=False),
            "a sum passes out.grad on unchanged (local derivative 1): a.grad += out.grad, "
            "not a.grad += 1"),
    Mistake(_binary_rule(lambda a, b: b, lambda a, b: a),
            "that is the product's rule: for out = a + b the local derivatives are both 1"),
    Mistake(_unchanged_binary, RETURNED),
]

_mul = _binary_rule(lambda a, b: b, lambda a, b: a)
_MUL_MISTAKES = [
    Mistake(_binary_rule(lambda a, b: b, lambda a, b: a, accumulate=False), ACCUMULATE),
    Mistake(_binary_rule(lambda a, b: b, lambda a, b: a, chain=False), CHAIN),
    Mistake(_binary_rule(lambda a, b: a, lambda a, b: b),
            "wrong local derivative: ∂(a·b)/∂a is the *other* factor b, so "
            "a.grad += b.data * out.grad"),
    Mistake(_binary_rule(_ONE, _ONE),
            "that is the sum's rule: for out = a · b, ∂out/∂a = b and ∂out/∂b = a"),
    Mistake(_unchanged_binary, RETURNED),
]


def check_add_backward(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(a, b, out)`` adds out.grad to a.grad and to b.grad (out = a + b)."""
    __tracebackhide__ = True
    run_checks("add_backward", _binary(fn, "+"), _binary_cases(_add, _ADD_MISTAKES, "+"),
               verbose=verbose, timeout=timeout)


def check_mul_backward(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(a, b, out)`` adds b·out.grad to a.grad and a·out.grad to b.grad."""
    __tracebackhide__ = True
    run_checks("mul_backward", _binary(fn, "*"), _binary_cases(_mul, _MUL_MISTAKES, "·"),
               verbose=verbose, timeout=timeout)


def _d_tanh(a):
    return 1.0 - math.tanh(a) ** 2


_tanh = _unary_rule(_d_tanh)
_TANH_MISTAKES = [
    Mistake(_unary_rule(_d_tanh, accumulate=False), ACCUMULATE),
    Mistake(_unary_rule(_d_tanh, chain=False), CHAIN),
    Mistake(_unary_rule(lambda a: 1.0 - a ** 2),
            "wrong local derivative: it is 1 − tanh(a)², the square of the *output*: "
            "1 - out.data**2, not 1 - a.data**2"),
    Mistake(_unary_rule(lambda a: 1.0 - math.tanh(a)),
            "wrong local derivative: 1 − tanh(a)² has the output squared: 1 - out.data**2"),
    Mistake(_unary_rule(lambda a: math.tanh(a) * (1.0 - math.tanh(a))),
            "that is the sigmoid's derivative out·(1 − out); tanh's is 1 − out²"),
    Mistake(lambda a_data, out_grad, a_grad: a_grad, RETURNED),
]

_exp = _unary_rule(math.exp)
_EXP_MISTAKES = [
    Mistake(_unary_rule(math.exp, accumulate=False), ACCUMULATE),
    Mistake(_unary_rule(math.exp, chain=False), CHAIN),
    Mistake(_unary_rule(lambda a: a),
            "wrong local derivative: the slope of eᵃ is eᵃ itself, which is out.data"),
    Mistake(_unary_rule(lambda a: a * math.exp(a - 1.0)),
            "eᵃ is not a power aⁿ: its derivative is eᵃ = out.data"),
    Mistake(lambda a_data, out_grad, a_grad: a_grad, RETURNED),
]


def check_tanh_backward(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(a, out)`` adds (1 − out²)·out.grad to a.grad (out = tanh a)."""
    __tracebackhide__ = True
    cases = _unary_cases(_tanh, _TANH_MISTAKES, "tanh", (0.5, -1.2, 2.0))
    run_checks("tanh_backward", _unary(fn, math.tanh, "tanh"), cases, verbose=verbose,
               timeout=timeout)


def check_exp_backward(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(a, out)`` adds out·out.grad to a.grad (out = eᵃ)."""
    __tracebackhide__ = True
    cases = _unary_cases(_exp, _EXP_MISTAKES, "exp", (0.0, 1.5, -2.0))
    run_checks("exp_backward", _unary(fn, math.exp, "exp"), cases, verbose=verbose,
               timeout=timeout)


def _pow_rule(local: Callable, accumulate: bool = True, chain: bool = True) -> Callable:
    def gradient(a_data, n, out_grad, a_grad):
        share = local(a_data, n) * (out_grad if chain else 1.0)
        return a_grad + share if accumulate else share

    return gradient


def _d_pow(a, n):
    return n * a ** (n - 1)


_pow = _pow_rule(_d_pow)
_POW_MISTAKES = [
    Mistake(_pow_rule(_d_pow, accumulate=False), ACCUMULATE),
    Mistake(_pow_rule(_d_pow, chain=False), CHAIN),
    Mistake(_pow_rule(lambda a, n: n * a ** n),
            "the power goes down by one: ∂aⁿ/∂a = n·aⁿ⁻¹, so n * a.data**(n - 1)"),
    Mistake(_pow_rule(lambda a, n: a ** (n - 1)),
            "the factor n is missing: ∂aⁿ/∂a = n·aⁿ⁻¹"),
    Mistake(_pow_rule(lambda a, n: n * a),
            "∂aⁿ/∂a = n·aⁿ⁻¹ (that is 2a only for n = 2)"),
    Mistake(lambda a_data, n, out_grad, a_grad: a_grad, RETURNED),
]


def check_pow_backward(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(a, n, out)`` adds n·aⁿ⁻¹·out.grad to a.grad (out = aⁿ, n a number)."""
    __tracebackhide__ = True

    def case(name, *args):
        return Case(name, args=args, reference=_pow, mistakes=_POW_MISTAKES, rtol=1e-9,
                    atol=1e-12)

    cases = [
        case("out = a² with a = 3, out.grad = 1, fresh gradient", 3.0, 2, 1.0, 0.0),
        case("out = a³ with a = −0.5, out.grad = 2, fresh gradient", -0.5, 3, 2.0, 0.0),
        case("out = a⁻¹ with a = 4, out.grad = 1 (how Value divides)", 4.0, -1, 1.0, 0.0),
        case("out = a^0.5 with a = 9, out.grad = −1, a already has gradient 0.5 from another "
             "use", 9.0, 0.5, -1.0, 0.5),
    ]
    run_checks("pow_backward", _power(fn), cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the topological order
# ---------------------------------------------------------------------------------------------

def _graph(name: str) -> tuple[Value, list[Value]]:
    """A small graph by name: (its result, its inputs)."""
    if name == "chain":
        x = Value(0.5, label="x")
        return (x * 2.0).tanh().exp(), [x]
    if name == "reuse":
        a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        return a * b + a, [a, b]
    if name == "diamond":
        x, y = Value(0.5, label="x"), Value(-1.5, label="y")
        t = x * y
        return (t + 1.0) * t.tanh(), [x, y]
    if name == "neuron":
        x1, x2 = Value(1.0, label="x1"), Value(2.0, label="x2")
        w1, w2, b = Value(0.5, label="w1"), Value(-0.2, label="w2"), Value(0.1, label="b")
        return (w1 * x1 + w2 * x2 + b).tanh(), [x1, x2, w1, w2, b]
    if name == "deep":
        x = Value(0.3, label="x")
        total = x
        for _ in range(40):
            total = (total * 0.9 + x).tanh()
        return total, [x]
    if name == "single":
        x = Value(1.5, label="x")
        return x, [x]
    raise ValueError(name)


def _order_counts(order, root: Value) -> tuple[int, int, int]:
    """(missing nodes, extra appearances, nodes that come before one of their inputs)."""
    if not isinstance(order, (list, tuple)):
        raise TypeError(f"topological_order must return a list of Values, got "
                        f"{type(order).__name__}")
    everything = _topological_order(root)
    ids = [id(node) for node in order]
    missing = sum(id(node) not in ids for node in everything)
    extra = len(ids) - len(set(ids)) + sum(i not in {id(n) for n in everything} for i in
                                           set(ids))
    first = {}
    for position, node in enumerate(order):
        first.setdefault(id(node), position)
    misplaced = sum(any(first.get(id(p), -1) > first[id(node)] for p in node._prev)
                    for node in everything if id(node) in first)
    return (missing, extra, misplaced)


def _with_order(order_fn: Callable) -> Callable:
    """A function of a graph's name: the counts of ``order_fn``'s list for that graph."""

    def run(graph: str):
        root, _ = _graph(graph)
        return _order_counts(order_fn(root), root)

    return run


def _no_visited_set(root):
    order = []

    def visit(node):
        for child in node._prev:
            visit(child)
        order.append(node)

    visit(root)
    return order


def _before_inputs(root):
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            order.append(node)
            for child in node._prev:
                visit(child)

    visit(root)
    return order


def _before_inputs_reversed(root):
    return list(reversed(_before_inputs(root)))


def _root_first(root):
    return list(reversed(_topological_order(root)))


def _one_level(root):
    return [*dict.fromkeys(root._prev), root]


_ORDER_MISTAKES = [
    Mistake(_with_order(_no_visited_set),
            "a node used twice appears twice: remember the visited nodes in a set and add "
            "each node once (backward would pass its gradient on twice)"),
    Mistake(_with_order(_before_inputs),
            "a node must come after every node it is made from: visit its inputs first, then "
            "append it (otherwise backward visits a node before all its users are done)"),
    Mistake(_with_order(_before_inputs_reversed),
            "a node comes before one of its inputs: append a node after visiting its inputs "
            "(reversing a list built the other way round is not the same when a node is "
            "used twice)"),
    Mistake(_with_order(_root_first),
            "the order is backwards: inputs first, the result last (backward walks the list "
            "in reverse)"),
    Mistake(_with_order(_one_level),
            "only the result's direct inputs are in the list: visit the inputs of the inputs "
            "too, down to the leaves"),
]


def check_topological_order(fn: Callable, *, verbose: bool = False,
                            timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(root)`` lists every Value of root's graph once, each after its inputs.

    Each case compares (missing nodes, extra appearances, nodes placed before one of their
    inputs) with (0, 0, 0): many orders are right, so the order itself is not compared.
    """
    __tracebackhide__ = True

    def case(name, graph):
        return Case(f"{name} — (missing, repeated, before an input)", args=(graph,),
                    expected=(0, 0, 0), mistakes=_ORDER_MISTAKES, atol=0.0, rtol=0.0)

    cases = [
        case("exp(tanh(2·x)): a chain", "chain"),
        case("a·b + a: a is used twice", "reuse"),
        case("(t + 1)·tanh(t) with t = x·y: t is used twice", "diamond"),
        case("the neuron tanh(w1·x1 + w2·x2 + b)", "neuron"),
        case("40 layers deep, x used in every layer", "deep"),
        case("a single Value with no operation", "single"),
    ]
    run_checks("topological_order", _with_order(fn), cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: backward
# ---------------------------------------------------------------------------------------------

def _with_backward(backward_fn: Callable) -> Callable:
    """A function of a graph's name: the inputs' gradients after ``backward_fn(root)``."""

    def run(graph: str):
        root, inputs = _graph(graph)
        backward_fn(root)
        return tuple(float(x.grad) for x in inputs)

    return run


def _right_backward(root):
    root.backward()


def _no_seed(root):
    for node in reversed(_topological_order(root)):
        node._backward()


def _forward_order(root):
    root.grad = 1.0
    for node in _topological_order(root):
        node._backward()


def _root_only(root):
    root.grad = 1.0
    root._backward()


_BACKWARD_MISTAKES = [
    Mistake(_with_backward(_no_seed),
            "every gradient is 0: start with root.grad = 1 (∂root/∂root), the first "
            "upstream gradient"),
    Mistake(_with_backward(_forward_order),
            "walk the topological order in reverse (reversed(order)): a node may pass its "
            "gradient on only after every node that uses it has added its share"),
    Mistake(_with_backward(_root_only),
            "only the result passed its gradient on: call _backward() of every node, from "
            "the result back to the inputs"),
]


def check_backward(fn: Callable, *, verbose: bool = False,
                   timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(root)`` fills every input's gradient as ``Value.backward()`` does."""
    __tracebackhide__ = True

    def case(name, graph):
        return Case(name, args=(graph,), reference=_with_backward(_right_backward),
                    mistakes=_BACKWARD_MISTAKES, rtol=1e-9, atol=1e-12,
                    hint="if topological_order passed its check, look at the order in which "
                         "backward calls _backward()")

    cases = [
        case("exp(tanh(2·x)) at x = 0.5: the chain rule along a chain", "chain"),
        case("a·b + a at a = 2, b = −3: ∂/∂a = b + 1 = −2, ∂/∂b = a = 2", "reuse"),
        case("(t + 1)·tanh(t) with t = x·y: t used twice", "diamond"),
        case("the neuron tanh(w1·x1 + w2·x2 + b): all five gradients", "neuron"),
        case("40 layers deep", "deep"),
    ]
    run_checks("backward", _with_backward(fn), cases, verbose=verbose, timeout=timeout)
