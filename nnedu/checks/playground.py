"""Checks for lesson 10a's exercises: one training chunk, the chunked training loop, and the
accuracy of a network read out of the playground.

The networks and data are the playground's (``nnedu.widgets.playground``): ``mlp((2, n, …, 1),
output="sigmoid")`` on binary cross-entropy, trained by ``SGD``; data from ``make_data``. Each
check builds the network, optimizer and data for a case, runs the student's function on them and
compares the resulting weights (or losses, or accuracy) with the right answer. See
:mod:`nnedu.checks.runner` for the format of a check.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = ["check_network_accuracy", "check_train_chunk", "check_train_in_chunks"]

LOSS = "binary_cross_entropy"


def _setup(data: str, layers: int, lr: float, n: int, seed: int):
    """A playground network (4 tanh units per layer), its SGD and the first n training points."""
    from nnedu.network import mlp
    from nnedu.optim import SGD
    from nnedu.widgets.playground import make_data

    X, y = make_data(data, 0.1)[:2]
    model = mlp((2, *[4] * layers, 1), activation="tanh", output="sigmoid", seed=seed)
    return model, SGD(lr=lr), X[:n], y[:n].reshape(-1, 1).astype(float)


def _weights(model) -> np.ndarray:
    return np.concatenate([p.ravel() for p in model.parameters()])


def _loss(model, X, Y) -> float:
    from nnedu.train import evaluate

    return float(evaluate(model, X, Y, LOSS)["loss"])


# ---------------------------------------------------------------------------------------------
# Task 1: one chunk (one epoch of mini-batch steps)
# ---------------------------------------------------------------------------------------------


def _train_chunk(model, optimizer, X, Y, batch_size, rng):
    """order = rng.permutation(m); one loss_and_backward and one optimizer step per batch."""
    params = model.parameters()
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        model.loss_and_backward(X[batch], Y[batch], LOSS, value=False)
        optimizer.step(params, model.gradients())


def _chunk_variant(*, order="permutation", drop_last=False, whole=False, first_only=False,
                   own_rng=False, step=True):
    """``_train_chunk`` with one mistake switched on."""

    def chunk(model, optimizer, X, Y, batch_size, rng):
        m = len(X)
        if own_rng:
            rng = np.random.default_rng(0)
        if order == "none":
            idx = np.arange(m)
        elif order == "separate":
            X, Y, idx = X[rng.permutation(m)], Y[rng.permutation(m)], np.arange(m)
        else:
            idx = rng.permutation(m)
        stop = m - batch_size + 1 if drop_last else m
        for start in range(0, stop, batch_size):
            batch = idx[start:start + batch_size]
            Xb, Yb = (X, Y) if whole else (X[batch], Y[batch])
            model.loss_and_backward(Xb, Yb, LOSS, value=False)
            if step:
                optimizer.step(model.parameters(), model.gradients())
            if first_only:
                break

    return chunk


def _chunks(fn: Callable) -> Callable:
    """What the runner calls: a fresh network, optimizer and rng; ``epochs`` calls of ``fn``
    sharing the rng; returns every weight and bias of the network, flattened."""

    def run(data, layers, lr, n, batch_size, seed, epochs=1):
        __tracebackhide__ = True
        model, optimizer, X, Y = _setup(data, layers, lr, n, seed)
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            fn(model, optimizer, X, Y, batch_size, rng)
        return _weights(model)

    return run


_CHUNK_MISTAKES = [
    Mistake(_chunks(_chunk_variant(order="none")),
            "shuffle first: order = rng.permutation(m), then cut the batches from order"),
    Mistake(_chunks(_chunk_variant(drop_last=True)),
            "the last, smaller batch is missing: for start in range(0, m, batch_size) keeps it"),
    Mistake(_chunks(_chunk_variant(whole=True)),
            "each step must use only its batch, X[batch] and Y[batch], not all the points"),
    Mistake(_chunks(_chunk_variant(first_only=True)),
            "one epoch takes a step for every batch, not only for the first one"),
    Mistake(_chunks(_chunk_variant(own_rng=True)),
            "use the rng you are given: a new default_rng(0) inside gives every epoch the same "
            "order"),
    Mistake(_chunks(_chunk_variant(order="separate")),
            "shuffle X and Y with the same order (one permutation), or the labels no longer "
            "belong to their points"),
    Mistake(_chunks(_chunk_variant(step=False)),
            "the weights did not move: call optimizer.step(model.parameters(), "
            "model.gradients()) after each backward pass"),
]


def check_train_chunk(fn: Callable, *, verbose: bool = False,
                      timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(model, optimizer, X, Y, batch_size, rng)`` trains one epoch in place:
    ``order = rng.permutation(m)``, then for every batch ``order[start:start + batch_size]``
    one ``model.loss_and_backward(X[batch], Y[batch], "binary_cross_entropy")`` and one
    ``optimizer.step(model.parameters(), model.gradients())``."""
    __tracebackhide__ = True

    def case(name, data, layers, lr, n, batch_size, seed, epochs=1) -> Case:
        return Case(name, args=(data, layers, lr, n, batch_size, seed),
                    kwargs={"epochs": epochs}, reference=_chunks(_train_chunk),
                    mistakes=_CHUNK_MISTAKES, rtol=1e-7, atol=1e-10)

    cases = [
        case("moons, 1 hidden layer, 40 points in batches of 10", "moons", 1, 0.3, 40, 10, 0),
        case("spirals, 2 hidden layers, 50 points in batches of 8 (the last has 2)", "spirals",
             2, 0.1, 50, 8, 1),
        case("xor, 1 hidden layer, 3 epochs in a row with one rng", "xor", 1, 0.5, 30, 4, 3,
             epochs=3),
        case("circles, no hidden layer, batch size 1", "circles", 0, 0.1, 12, 1, 2),
    ]
    run_checks("train_chunk", _chunks(fn), cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: the chunked training loop
# ---------------------------------------------------------------------------------------------


def _train_in_chunks(model, optimizer, X, Y, batch_size, epochs, seed, every, draw):
    """One rng for the whole run; after every chunk the training loss; ``draw(epoch, loss)``
    after epochs every, 2·every, … and after the last one."""
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(1, epochs + 1):
        _train_chunk(model, optimizer, X, Y, batch_size, rng)
        losses.append(_loss(model, X, Y))
        if epoch % every == 0 or epoch == epochs:
            draw(epoch, losses[-1])
    return losses


def _loop_variant(*, new_rng=False, before=False, draw_from_zero=False, draw_always=False,
                  no_last=False):
    def loop(model, optimizer, X, Y, batch_size, epochs, seed, every, draw):
        rng = np.random.default_rng(seed)
        losses = []
        for epoch in range(1, epochs + 1):
            if new_rng:
                rng = np.random.default_rng(seed)
            loss_before = _loss(model, X, Y)
            _train_chunk(model, optimizer, X, Y, batch_size, rng)
            losses.append(loss_before if before else _loss(model, X, Y))
            counted = epoch - 1 if draw_from_zero else epoch
            if draw_always or counted % every == 0 or (epoch == epochs and not no_last):
                draw(epoch, losses[-1])
        return losses

    return loop


def _looped(fn: Callable) -> Callable:
    """What the runner calls: a fresh setup, ``fn`` with a recording ``draw``; returns the
    losses and the (epoch, loss) pairs drawn."""

    def run(data, layers, lr, n, batch_size, epochs, seed, every):
        __tracebackhide__ = True
        model, optimizer, X, Y = _setup(data, layers, lr, n, seed)
        drawn = []
        losses = fn(model, optimizer, X, Y, batch_size, epochs, seed, every,
                    lambda epoch, loss: drawn.append((float(epoch), float(loss))))
        losses = np.asarray(losses, dtype=float) if isinstance(losses, (list, tuple,
                                                                        np.ndarray)) else losses
        return losses, np.array(drawn, dtype=float).reshape(-1, 2)

    return run


_LOOP_MISTAKES = [
    Mistake(_looped(_loop_variant(new_rng=True)),
            "make one rng before the loop: np.random.default_rng(seed) inside the loop gives "
            "every epoch the same batches"),
    Mistake(_looped(_loop_variant(before=True)),
            "measure the loss after the chunk, so that it belongs to the weights it describes"),
    Mistake(_looped(_loop_variant(draw_from_zero=True)),
            "count epochs from 1: draw after epochs every, 2·every, … (epoch % every == 0)"),
    Mistake(_looped(_loop_variant(draw_always=True)),
            "draw only every `every` chunks (and after the last one): drawing is the slow part"),
    Mistake(_looped(_loop_variant(no_last=True)),
            "draw after the last epoch too, so that the final picture is on screen"),
]


def check_train_in_chunks(fn: Callable, *, verbose: bool = False,
                          timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(model, optimizer, X, Y, batch_size, epochs, seed, every, draw)``: one rng
    ``np.random.default_rng(seed)``, ``epochs`` chunks with ``train_chunk``, the training loss
    after each, ``draw(epoch, loss)`` after epochs every, 2·every, … and the last; returns the
    list of losses."""
    __tracebackhide__ = True

    def case(name, *args) -> Case:
        return Case(name, args=args, reference=_looped(_train_in_chunks),
                    mistakes=_LOOP_MISTAKES, rtol=1e-7, atol=1e-10)

    cases = [
        case("moons, 6 epochs, draw every 2", "moons", 1, 0.3, 40, 10, 6, 0, 2),
        case("spirals, 7 epochs, draw every 3 (and after epoch 7)", "spirals", 2, 0.1, 50, 8,
             7, 1, 3),
        case("xor, 3 epochs, draw every epoch", "xor", 1, 0.5, 30, 4, 3, 2, 1),
    ]
    run_checks("train_in_chunks", _looped(fn), cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the accuracy of a read-out network
# ---------------------------------------------------------------------------------------------


def _network_accuracy(network, X, y):
    """Share of points whose class, 1 when P ≥ 0.5, equals y."""
    P = network.predict_proba(X)[:, 0]
    return float(np.mean((P >= 0.5) == y))


#: Wrong ways to score a network: (function of (network, X, y), hint).
ACCURACY_MISTAKES = [
    (lambda network, X, y: float(np.mean(np.argmax(network.predict_proba(X), axis=1) == y)),
     "P has one column (the probability of class 1): argmax over one column is always 0; use "
     "P[:, 0] >= 0.5"),
    (lambda network, X, y: float(np.mean((network.predict_proba(X) >= 0.5) == y)),
     "P has shape (m, 1) and y (m,): comparing them makes an (m, m) table; compare "
     "P[:, 0] >= 0.5 with y"),
    (lambda network, X, y: float(np.sum((network.predict_proba(X)[:, 0] >= 0.5) == y)),
     "that is the number of right points; divide by their number (np.mean)"),
    (lambda network, X, y: 100 * _network_accuracy(network, X, y),
     "return a fraction between 0 and 1, not a percentage"),
    (lambda network, X, y: float(np.mean((network.predict_proba(X)[:, 0] < 0.5) == y)),
     "class 1 is P ≥ 0.5 (P is the probability of class 1), not P < 0.5"),
]


def _read_out(fn: Callable) -> Callable:
    """What the runner calls: a playground network trained headless, and fresh points."""

    def run(data, layers, epochs, seed):
        __tracebackhide__ = True
        from nnedu.widgets.playground import points
        from nnedu.widgets.playground import run as headless

        network = copy.deepcopy(headless(epochs, data=data, layers=layers, units=4).network)
        X, y = points(data, 0.1, seed, 100)
        keep = np.flatnonzero((y == 0) | (np.cumsum(y) <= 20))  # 50 of class 0, 20 of class 1
        return fn(network, X[keep], y[keep])

    return run


def check_network_accuracy(fn: Callable, *, verbose: bool = False,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(network, X, y)`` returns the share of points (a fraction) that a network with
    one sigmoid output classifies right: class 1 where ``network.predict_proba(X)[:, 0] ≥ 0.5``."""
    __tracebackhide__ = True

    def case(name, *args) -> Case:
        return Case(name, args=args, reference=_read_out(_network_accuracy),
                    mistakes=[Mistake(_read_out(f), hint) for f, hint in ACCURACY_MISTAKES])

    cases = [
        case("moons, a single neuron after 20 epochs, 70 new points", "moons", 0, 20, 5),
        case("spirals, 1 hidden layer after 10 epochs", "spirals", 1, 10, 6),
        case("xor, 1 hidden layer after 30 epochs", "xor", 1, 30, 7),
    ]
    run_checks("network_accuracy", _read_out(fn), cases, verbose=verbose, timeout=timeout)
