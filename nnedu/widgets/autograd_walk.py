"""Lesson 06a · Autograd from scratch: the numbers of the stepper (no drawing).

    build_expression   the text "tanh(x*y + 1)" → the Value it computes (safe: no eval)
    value_walk         the graph's layout and every node's gradient after each step of
                       ``Value.backward_steps()`` (cached)
    step_html          what one step does, with its numbers (the stepper's readout)

The stepper that draws them is ``nnedu.widgets.autograd_stepper``.
"""

from __future__ import annotations

import ast
import html
import operator
from dataclasses import dataclass
from functools import lru_cache

from nnedu.autograd import Value, topological_order
from nnedu.widgets.backprop_walk import fmt, fmt_given

#: The ready expressions of the list (the first one is shown first).
EXPRESSIONS = (
    "x*y + x",
    "tanh(x*y + 1)",
    "(x + y) * (x - y)",
    "sigmoid(2*x - y)",
    "x*x*x + exp(y)",
    "log(x*x + 1) / y",
    "relu(x + y) * x",
)
FUNCTIONS = ("tanh", "exp", "log", "relu", "sigmoid")
MAX_NODES, MAX_COLUMNS, MAX_ROWS = 14, 7, 4
MINUS = "\N{MINUS SIGN}"
#: Local derivative of each operation, in words (a = the input, out = the result).
LOCAL_RULES = {
    "+": "∂(a + b)/∂a = 1", "*": "∂(a·b)/∂a = b", "exp": "∂eᵃ/∂a = eᵃ = out",
    "log": "∂ln a/∂a = 1/a", "tanh": "∂tanh a/∂a = 1 − out²", "relu": "∂relu a/∂a = [a > 0]",
    "sigmoid": "∂σ(a)/∂a = out·(1 − out)",
}  # fmt: skip
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}
#: Where the graph is laid out, in its axes' own coordinates.
X_SPAN, COLUMN_STEP = 8.4, 1.7
Y_MID, ROW_STEP = 2.2, 1.15
BOX_W, BOX_H = 1.16, 0.92
XLIM, YLIM = (0.0, 10.0), (0.0, 4.4)


# ----------------------------------------------------------------------------- the expression
def build_expression(text: str, x: float, y: float) -> Value:
    """The Value that ``text`` computes for these x and y, e.g. ``"tanh(x*y + 1)"``.

    Allowed: x, y, numbers, + − × ÷, ``**`` with a number as exponent, brackets and the
    functions tanh, exp, log, relu, sigmoid. It is read with Python's parser and built from
    Value operations, never run as code. Raises ValueError with what to change.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("type an expression in x and y, e.g. tanh(x*y + 1)")
    if len(text) > 80:
        raise ValueError("the expression is too long to draw: at most 80 characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(f"cannot read {text.strip()!r}: check the brackets and operators "
                         f"(write 2*x, not 2x)") from None
    inputs = {"x": Value(float(x), label="x"), "y": Value(float(y), label="y")}

    def number(node) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = number(node.operand)
            return None if inner is None else -inner
        return None

    def walk(node):
        if number(node) is not None and not isinstance(node, ast.UnaryOp):
            return number(node)
        if isinstance(node, ast.Name):
            if node.id not in inputs:
                raise ValueError(f"unknown name {node.id!r}: use x and y (and the functions "
                                 f"{', '.join(FUNCTIONS)})")
            return inputs[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = walk(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = number(node.right)
            if exponent is None:
                raise ValueError("** needs a plain number as exponent, e.g. x**2")
            return _value(walk(node.left)) ** exponent
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FUNCTIONS and len(node.args) == 1 and not node.keywords:
            return getattr(_value(walk(node.args[0])), node.func.id)()
        raise ValueError(f"cannot use {ast.unparse(node)!r}: allowed are x, y, numbers, "
                         f"+ - * / **, brackets and {', '.join(FUNCTIONS)}(…)")

    try:
        result = walk(tree)
    except (ZeroDivisionError, OverflowError) as error:
        raise ValueError(str(error)) from None
    if not isinstance(result, Value) or not result._prev:
        raise ValueError("the expression must compute something from x or y, e.g. x*y")
    return result


def _value(v) -> Value:
    return v if isinstance(v, Value) else Value(v)


# ----------------------------------------------------------------------------- the walk
@dataclass(frozen=True)
class Walk:
    """One expression's graph and its backward pass, state by state.

    State 0: the forward pass has run, every gradient is 0. State 1: the result's gradient is
    set to 1. State k ≥ 2: operation ``active[k]`` has passed its gradient on. ``grads[k]``
    and ``done[k]`` hold every node's gradient and whether it is complete, in ``nodes`` order
    (topological: inputs first, the result last).
    """

    expression: str
    nodes: tuple[Value, ...]
    names: tuple[str, ...]
    formulas: tuple[str, ...]
    positions: tuple[tuple[float, float], ...]
    edges: tuple[tuple[int, int], ...]  # (input index, user index), each pair once
    grads: tuple[tuple[float, ...], ...]
    done: tuple[tuple[bool, ...], ...]
    active: tuple[int | None, ...]
    locals: tuple[tuple[tuple[int, float], ...], ...]  # per node: (input, local derivative)

    @property
    def n_steps(self) -> int:
        return len(self.grads) - 1


def _names(nodes: list[Value]) -> list[str]:
    """x and y by their labels, constants by their number, operations t1, t2, …, result f."""
    names, count = [], 0
    for k, node in enumerate(nodes):
        if node.label:
            names.append(node.label)
        elif not node._prev:
            names.append(fmt_given(node.data))
        elif k == len(nodes) - 1:
            names.append("f")
        else:
            count += 1
            names.append(f"t{count}")
    return names


def _formula(node: Value, name_of) -> str:
    """``"t2 = t1 + x"``: how the node was made, with its inputs' names."""
    args = [f"({name_of(p)})" if name_of(p).startswith(MINUS) else name_of(p)
            for p in node._prev]
    if node._op == "+":
        body = f"{args[0]} + {args[1]}"
    elif node._op == "*":
        body = f"{args[0]}·{args[1]}"
    elif node._op.startswith("**"):
        body = f"{args[0]}^{node._op[2:]}".replace("-", MINUS)
    else:
        body = f"{node._op}({args[0]})"
    return f"{name_of(node)} = {body}"


def _local_derivatives(node: Value, index: dict[int, int]) -> tuple[tuple[int, float], ...]:
    """d(node)/d(input) for each distinct input: node._backward() run with node.grad = 1 and
    the inputs' gradients at 0 (then everything is put back)."""
    saved = [(p, p.grad) for p in node._prev] + [(node, node.grad)]
    for p in node._prev:
        p.grad = 0.0
    node.grad = 1.0
    node._backward()
    local = tuple((index[id(p)], p.grad) for p in dict.fromkeys(node._prev))
    for p, grad in reversed(saved):
        p.grad = grad
    return local


def _layout(nodes: list[Value], index: dict[int, int]) -> list[tuple[float, float]]:
    """Column = 1 + the deepest input's column (x, y in column 0; a constant just before its
    first user); rows ordered by the mean row of the inputs, centred."""
    column: dict[int, int] = {}
    users: dict[int, list[int]] = {}
    for k, node in enumerate(nodes):
        column[k] = 1 + max((column[index[id(p)]] for p in node._prev), default=-1)
        for p in node._prev:
            users.setdefault(index[id(p)], []).append(k)
    for k, node in enumerate(nodes):  # a constant: one column before its first user
        if not node._prev and not node.label:
            column[k] = max(0, min(column[u] for u in users[k]) - 1)
    n_columns = max(column.values()) + 1
    if n_columns > MAX_COLUMNS:
        raise ValueError(f"too deep to draw: at most {MAX_COLUMNS} columns of operations")
    row: dict[int, float] = {}
    positions = [(0.0, 0.0)] * len(nodes)
    step = min(COLUMN_STEP, X_SPAN / max(1, n_columns - 1))
    left = (XLIM[0] + XLIM[1]) / 2 - step * (n_columns - 1) / 2  # the graph centred
    for c in range(n_columns):
        members = [k for k in range(len(nodes)) if column[k] == c]
        if len(members) > MAX_ROWS:
            raise ValueError(f"too wide to draw: at most {MAX_ROWS} boxes above each other")
        key = {k: (sum(row.get(index[id(p)], 0.0) for p in nodes[k]._prev)
                   / max(1, len(nodes[k]._prev)), k) for k in members}
        # x above y above constants in the first column; then by the inputs' mean row
        members.sort(key=lambda k: key[k] if nodes[k]._prev
                     else ((-2.0, 0) if nodes[k].label == "x" else
                           (-1.0, 0) if nodes[k].label == "y" else key[k]))
        for r, k in enumerate(members):
            row[k] = r - (len(members) - 1) / 2
            positions[k] = (left + c * step, Y_MID - row[k] * ROW_STEP)
    return positions


@lru_cache(maxsize=128)
def value_walk(expression: str, x: float, y: float) -> Walk:
    """Build the expression, lay its graph out and run ``backward_steps()``, keeping every
    node's gradient after each step (cached per expression, x and y)."""
    root = build_expression(expression, x, y)
    nodes = topological_order(root)
    if len(nodes) > MAX_NODES:
        raise ValueError(f"too large to draw: {len(nodes)} boxes, at most {MAX_NODES}")
    index = {id(node): k for k, node in enumerate(nodes)}
    names = _names(nodes)
    name_of = lambda node: names[index[id(node)]]  # noqa: E731
    formulas = tuple(_formula(n, name_of) if n._prev else "" for n in nodes)
    locals_ = tuple(_local_derivatives(n, index) if n._prev else () for n in nodes)
    edges = tuple(dict.fromkeys((index[id(p)], k) for k, n in enumerate(nodes) for p in n._prev))
    users = {k: {u for i, u in edges if i == k} for k in range(len(nodes))}

    processed: set[int] = set()
    grads = [tuple(0.0 for _ in nodes)]
    done = [tuple(False for _ in nodes)]
    active: list[int | None] = [None]
    for node in root.backward_steps():  # root.grad = 1 is set before the first node
        k = index[id(node)]
        if not node._prev and k != len(nodes) - 1:
            continue  # an input passes nothing on: not a step of its own
        if k == len(nodes) - 1:  # the seed, then the root's own step
            grads.append(tuple(1.0 if j == k else 0.0 for j in range(len(nodes))))
            done.append(tuple(j == k for j in range(len(nodes))))
            active.append(None)
        processed.add(k)
        grads.append(tuple(n.grad for n in nodes))
        done.append(tuple(j == len(nodes) - 1 or users[j] <= processed
                          for j in range(len(nodes))))
        active.append(k)
    return Walk(expression, tuple(nodes), tuple(names), formulas, tuple(_layout(nodes, index)),
                edges, tuple(grads), tuple(done), tuple(active), locals_)


def step_html(walk: Walk, step: int) -> str:
    """What step ``step`` of the walk does, with its numbers (HTML for the readout)."""
    n, last = walk.n_steps, len(walk.nodes) - 1
    head = f"<b>Step {step} of {n}</b> · "
    if step == 0:
        return head + (f"the forward pass has run: {html.escape(walk.names[last])} = "
                       f"{fmt(walk.nodes[last].data)}. Every gradient starts at 0. Press "
                       f"<b>Next</b> to run backward().")
    if walk.active[step] is None:
        return head + (f"backward() starts at the result: {walk.names[last]}.grad = "
                       f"∂{walk.names[last]}/∂{walk.names[last]} = 1.")
    k = walk.active[step]
    node, grad = walk.nodes[k], walk.grads[step][k]
    op = "**" if node._op.startswith("**") else node._op
    rule = LOCAL_RULES.get(op, "∂aⁿ/∂a = n·aⁿ⁻¹")
    lines = [f"{html.escape(walk.formulas[k])} passes its gradient {fmt(grad)} on "
             f"(local derivative: {rule}):"]
    for i, local in walk.locals[k]:
        before, after = walk.grads[step - 1][i], walk.grads[step][i]
        note = "" if walk.done[step][i] else " … it is used again: more to come"
        if walk.done[step][i] and before != 0.0:
            note = " (a second share, added to the first)"
        name = f"({walk.names[i]})" if walk.names[i].startswith(MINUS) else walk.names[i]
        lines.append(f"&nbsp;&nbsp;{name}.grad += {fmt(local)} × {fmt(grad)} = "
                     f"{fmt(local * grad)} → {fmt(after)}{note}")
    if step == n:
        inputs = [f"∂f/∂{name} = {fmt(walk.grads[n][j])}" for j, name in enumerate(walk.names)
                  if name in ("x", "y")]
        lines.append("Done: every box holds ∂f/∂(box); " + ", ".join(inputs) + ".")
    return head + "<br>".join(lines)
