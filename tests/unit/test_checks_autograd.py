"""The checks of exercise set 06a (autograd from scratch): right answers written in other ways
pass, the known mistakes (assigning instead of accumulating, a wrong local derivative, the
chain rule's factor missing, a node before its inputs or visited twice, backward in the wrong
order) fail with their hint, bad code is reported without crashing, and the library's own
Value passes every check."""

from __future__ import annotations

import math
import time

import pytest
from student_code import assert_fails_with_hint, not_written

from nnedu.autograd import Value
from nnedu.autograd import topological_order as library_order
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import autograd as ag


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- right answers

def add_backward(a, b, out):
    a.grad += out.grad
    b.grad += out.grad


def add_backward_other_way(a, b, out):
    for v in (a, b):
        v.grad = v.grad + 1.0 * out.grad


def mul_backward(a, b, out):
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad


def mul_backward_other_way(a, b, out):
    da, db = b.data, a.data  # read both before changing either
    a.grad = a.grad + out.grad * da
    b.grad = b.grad + out.grad * db


def tanh_backward(a, out):
    a.grad += (1.0 - out.data ** 2) * out.grad


def tanh_backward_from_input(a, out):
    a.grad += out.grad / math.cosh(a.data) ** 2


def exp_backward(a, out):
    a.grad += out.data * out.grad


def exp_backward_from_input(a, out):
    a.grad += math.exp(a.data) * out.grad


def pow_backward(a, n, out):
    a.grad += n * a.data ** (n - 1) * out.grad


def pow_backward_from_output(a, n, out):
    a.grad += (n * out.data / a.data) * out.grad


def recursive_order(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in node._prev:
                visit(child)
            order.append(node)

    visit(root)
    return order


def kahn_order(root):
    """Without recursion: count each node's users, then peel off nodes nobody still needs."""
    nodes, stack = {}, [root]
    while stack:
        node = stack.pop()
        if id(node) not in nodes:
            nodes[id(node)] = node
            stack.extend(node._prev)
    users = {i: 0 for i in nodes}
    for node in nodes.values():
        for child in set(map(id, node._prev)):
            users[child] += 1
    ready, reverse = [root], []
    while ready:
        node = ready.pop()
        reverse.append(node)
        for child in {id(c): c for c in node._prev}.values():
            users[id(child)] -= 1
            if users[id(child)] == 0:
                ready.append(child)
    return reverse[::-1]


def backward(root):
    root.grad = 1.0
    for node in reversed(recursive_order(root)):
        node._backward()


def backward_with_library_steps(root):
    for _ in root.backward_steps():
        pass


RIGHT = {
    "check_add_backward": [add_backward, add_backward_other_way],
    "check_mul_backward": [mul_backward, mul_backward_other_way],
    "check_tanh_backward": [tanh_backward, tanh_backward_from_input],
    "check_exp_backward": [exp_backward, exp_backward_from_input],
    "check_pow_backward": [pow_backward, pow_backward_from_output],
    "check_topological_order": [recursive_order, kahn_order, library_order],
    "check_backward": [backward, backward_with_library_steps, Value.backward],
}


@pytest.mark.parametrize("name, fn", [(n, f) for n, fns in RIGHT.items() for f in fns],
                         ids=lambda v: getattr(v, "__name__", v))
def test_right_answers_pass(name, fn, capfd):
    getattr(ag, name)(fn)
    assert "checks passed — well done" in capfd.readouterr().out


def test_every_check_is_exported_and_tested():
    checks = {n for n in ag.__all__ if n.startswith("check_")}
    assert checks == set(RIGHT)


# --------------------------------------------------------------------------- known mistakes

def add_assign(a, b, out):
    a.grad = out.grad
    b.grad = out.grad


def add_plus_one(a, b, out):
    a.grad += 1.0
    b.grad += 1.0


def mul_assign(a, b, out):
    a.grad = b.data * out.grad
    b.grad = a.data * out.grad


def mul_own_value(a, b, out):
    a.grad += a.data * out.grad
    b.grad += b.data * out.grad


def mul_no_chain(a, b, out):
    a.grad += b.data
    b.grad += a.data


def mul_returns(a, b, out):
    return b.data * out.grad, a.data * out.grad


def tanh_assign(a, out):
    a.grad = (1.0 - out.data ** 2) * out.grad


def tanh_of_input(a, out):
    a.grad += (1.0 - a.data ** 2) * out.grad


def tanh_like_sigmoid(a, out):
    a.grad += out.data * (1.0 - out.data) * out.grad


def exp_input(a, out):
    a.grad += a.data * out.grad


def exp_no_chain(a, out):
    a.grad += out.data


def pow_no_minus_one(a, n, out):
    a.grad += n * a.data ** n * out.grad


def pow_no_n(a, n, out):
    a.grad += a.data ** (n - 1) * out.grad


def order_without_visited_set(root):
    order = []

    def visit(node):
        for child in node._prev:
            visit(child)
        order.append(node)

    visit(root)
    return order


def order_node_before_inputs_reversed(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            order.append(node)
            for child in node._prev:
                visit(child)

    visit(root)
    return order[::-1]


def order_root_first(root):
    return recursive_order(root)[::-1]


def order_one_level(root):
    return [*root._prev, root]


def backward_no_seed(root):
    for node in reversed(recursive_order(root)):
        node._backward()


def backward_forward_order(root):
    root.grad = 1.0
    for node in recursive_order(root):
        node._backward()


WRONG = [
    ("check_add_backward", add_assign, "do not assign with ="),
    ("check_add_backward", add_plus_one, "not a.grad += 1"),
    ("check_add_backward", mul_backward, "product's rule"),
    ("check_mul_backward", mul_assign, "do not assign with ="),
    ("check_mul_backward", mul_own_value, "the *other* factor"),
    ("check_mul_backward", mul_no_chain, "the chain rule"),
    ("check_mul_backward", mul_returns, "what it returns is thrown away"),
    ("check_mul_backward", add_backward, "sum's rule"),
    ("check_tanh_backward", tanh_assign, "do not assign with ="),
    ("check_tanh_backward", tanh_of_input, "square of the *output*"),
    ("check_tanh_backward", tanh_like_sigmoid, "sigmoid's derivative"),
    ("check_exp_backward", exp_input, "eᵃ itself"),
    ("check_exp_backward", exp_no_chain, "the chain rule"),
    ("check_pow_backward", pow_no_minus_one, "goes down by one"),
    ("check_pow_backward", pow_no_n, "factor n is missing"),
    ("check_topological_order", order_without_visited_set, "appears twice"),
    ("check_topological_order", order_node_before_inputs_reversed, "comes before one of its"),
    ("check_topological_order", order_root_first, "the order is backwards"),
    ("check_topological_order", order_one_level, "inputs of the inputs"),
    ("check_backward", backward_no_seed, "root.grad = 1"),
    ("check_backward", backward_forward_order, "reverse"),
]


@pytest.mark.parametrize("name, fn, hint", WRONG, ids=[f.__name__ for _, f, _ in WRONG])
def test_known_mistakes_fail_with_their_hint(name, fn, hint, capfd):
    assert_fails_with_hint(getattr(ag, name), fn, hint, capfd)


# --------------------------------------------------------------------------- bad code

def raises(*args):
    raise ValueError("something went wrong")


def loops_forever(*args):
    while True:
        time.sleep(0.001)


@pytest.mark.parametrize("name", sorted(RIGHT))
@pytest.mark.parametrize("student_fn, status, text", [
    (raises, "error", "raised ValueError: something went wrong"),
    (loops_forever, "timeout", "did not finish within 0.2 s"),
], ids=["raises", "loops-forever"])
def test_bad_code_is_reported_and_never_crashes(name, student_fn, status, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(ag, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status == status
    assert text in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(ag, name)(not_written)
    assert "is not written yet" in capfd.readouterr().out


def test_an_order_that_is_not_a_list_is_reported(capfd):
    with pytest.raises(CheckFailed) as info:
        ag.check_topological_order(lambda root: {root})
    assert "list of Values" in info.value.result.cases[0].message


def test_a_gradient_returned_as_none_is_reported(capfd):
    def sets_none(a, b, out):
        a.grad = None

    with pytest.raises(CheckFailed):
        ag.check_mul_backward(sets_none)
    assert "Traceback" not in capfd.readouterr().out
