"""Autograd from scratch: a number that remembers how it was made, and backprop done for us.

A ``Value`` holds one number (``data``) and, after ``backward()``, the gradient of the final
result with respect to it (``grad``). Every operation on Values makes a new Value that
remembers its inputs (``_prev``), its operation (``_op``) and how to pass a gradient back to
its inputs (``_backward``). That is a computation graph, built while we compute::

    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b + a          # c.data = -4.0
    c.backward()           # dc/da = b + 1 = -2.0,  dc/db = a = 2.0
    a.grad, b.grad         # (-2.0, 2.0)

``backward()`` is the chain rule, applied node by node from the result back to the inputs:
each node adds  (its own gradient) × (local derivative)  to the gradient of each input.
*Adds* — a node used twice (``a`` above) collects a contribution from every use.
Gradients keep adding up across calls: call ``zero_grad()`` before a new backward pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from numbers import Real


class Value:
    """One number in a computation graph, with its gradient.

    ``data``: the number. ``grad``: d(result)/d(this number), 0.0 until ``backward()`` runs.
    ``label``: a name for printing and drawing. ``_op``: the operation that made this
    Value ("" for an input). ``_prev``: the Values it was made from.
    """

    def __init__(self, data: float, _prev: tuple[Value, ...] = (), _op: str = "",
                 label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: got a Value as data; use that Value itself instead of "
                            "wrapping it again.")
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"Value: data must be a number such as 3 or 0.5, got "
                            f"{type(data).__name__} {data!r}. Convert it first, e.g. "
                            f"Value(float(x)).")
        if not math.isfinite(data):
            raise ValueError(f"Value: data must be a finite number, got {data!r}"
                             f"{' (made by ' + _op + ')' if _op else ''}.")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._op = _op
        self._prev = _prev
        self._backward = lambda: None  # an input has nobody to pass its gradient to

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={_short(self.data)}, grad={_short(self.grad)}{label})"

    # ------------------------------------------------------------------ + − × ÷ **
    def __add__(self, other: Value | float) -> Value:
        """out = a + b.   d(out)/da = 1,  d(out)/db = 1."""
        other = _as_value(other, "+")
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        """out = a · b.   d(out)/da = b,  d(out)/db = a."""
        other = _as_value(other, "*")
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n: float) -> Value:
        """out = aⁿ for a fixed number n.   d(out)/da = n · aⁿ⁻¹."""
        if isinstance(n, bool) or not isinstance(n, Real):
            raise TypeError(f"Value ** n: n must be a plain number such as 2 or -1, got "
                            f"{type(n).__name__}. For a Value exponent b, write "
                            f"(b * a.log()).exp().")
        if self.data == 0 and n < 0:
            raise ZeroDivisionError(f"Value ** {n}: 0 to a negative power is undefined "
                                    f"(a division by zero).")
        if self.data < 0 and n != int(n):
            raise ValueError(f"Value ** {n}: a negative number ({self.data}) to a fractional "
                             f"power is not a real number.")
        out = Value(self.data ** n, (self,), f"**{n:g}")

        def _backward() -> None:
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self) -> Value:          # −a = a · (−1)
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:      # a − b = a + (−b)
        return self + (-_as_value(other, "-"))

    def __truediv__(self, other: Value | float) -> Value:  # a / b = a · b⁻¹
        return self * _as_value(other, "/") ** -1

    def __radd__(self, other: float) -> Value:      # 2 + a
        return self + other

    def __rmul__(self, other: float) -> Value:      # 2 · a
        return self * other

    def __rsub__(self, other: float) -> Value:      # 2 − a
        return _as_value(other, "-") - self

    def __rtruediv__(self, other: float) -> Value:  # 2 / a
        return _as_value(other, "/") / self

    # ------------------------------------------------------------------ functions
    def exp(self) -> Value:
        """out = eᵃ.   d(out)/da = eᵃ = out."""
        try:
            result = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"Value.exp: e ** {self.data} is too large for a float "
                                f"(the largest is about e ** 709).") from None
        out = Value(result, (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self) -> Value:
        """out = ln a (a > 0).   d(out)/da = 1 / a."""
        if self.data <= 0:
            raise ValueError(f"Value.log: the logarithm needs a number > 0, got {self.data}.")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """out = tanh a.   d(out)/da = 1 − tanh² a = 1 − out²."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self) -> Value:
        """out = max(0, a).   d(out)/da = 1 if a > 0 else 0 (we take 0 at a = 0)."""
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward() -> None:
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """out = σ(a) = 1 / (1 + e⁻ᵃ).   d(out)/da = σ(a) · (1 − σ(a)) = out · (1 − out).

        Computed as 1 / (1 + e^(−|a|)) for a ≥ 0 and e^(−|a|) / (1 + e^(−|a|)) for a < 0:
        the same number, but e is never raised to a large positive power (no overflow).
        """
        e = math.exp(-abs(self.data))
        out = Value(1.0 / (1.0 + e) if self.data >= 0 else e / (1.0 + e), (self,), "sigmoid")

        def _backward() -> None:
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = _backward
        return out

    # ------------------------------------------------------------------ backward
    def backward(self) -> None:
        """Fill ``grad`` of every Value this one was computed from: d(self)/d(that Value)."""
        for _ in self.backward_steps():
            pass

    def backward_steps(self) -> Iterator[Value]:
        """``backward()`` one node at a time: yields each node right after it has passed its
        gradient on to its inputs, from this (the result) back to the inputs."""
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(topological_order(self)):
            node._backward()
            yield node

    def zero_grad(self) -> None:
        """Set ``grad`` back to 0.0 for this Value and everything it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0


def topological_order(root: Value) -> list[Value]:
    """Every Value of ``root``'s graph, each one *after* all the Values it was made from:
    inputs first, ``root`` last. Backward walks this list in reverse, so a node passes its
    gradient on only after every node that uses it has added its share."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack = [(root, False)]  # (node, are its inputs already in order?)
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))  # comes back after all its inputs
            stack.extend((child, False) for child in node._prev)
    return order


def _as_value(x: Value | float, op: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"Value {op}: can only combine a Value with a number or another "
                        f"Value, got {type(x).__name__} {x!r}.")
    return Value(x)


def _short(x: float) -> str:
    """0.5 → '0.5', 2.0 → '2.0', 0.46008502 → '0.460085' (6 significant digits)."""
    text = f"{x:.6g}"
    return text if any(c in text for c in ".en") else text + ".0"
