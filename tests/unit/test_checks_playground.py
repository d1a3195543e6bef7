"""The checks of exercise set 10a (the training playground): right answers written in other ways
pass, each known mistake fails with its hint, bad code is reported without crashing, and the
library's own chunk (``nnedu.train.train_epoch``, the inner loop of ``fit``) passes its check."""

from __future__ import annotations

import numpy as np
import pytest
from student_code import (
    BAD_CODE,
    BAD_CODE_IDS,
    assert_fails_with_hint,
    not_written,
    right_cases,
    wrong_cases,
)

from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import playground as checks
from nnedu.train import evaluate, train_epoch
from nnedu.widgets.playground import LOSS


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- right answers
def _chunk_while(model, optimizer, X, Y, batch_size, rng):
    order = rng.permutation(len(Y))
    start = 0
    while start < len(Y):
        rows = order[start:start + batch_size]
        model.loss_and_backward(X[rows], Y[rows], "binary_cross_entropy")  # value too: fine
        optimizer.step(model.parameters(), model.gradients())
        start += batch_size


def _chunk_split(model, optimizer, X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for rows in np.array_split(order, range(batch_size, len(X), batch_size)):
        model.loss_and_backward(X[rows], Y[rows], loss="binary_cross_entropy", value=False)
        optimizer.step(model.parameters(), model.gradients())


def _loop_right(model, optimizer, X, Y, batch_size, epochs, seed, every, draw):
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(1, epochs + 1):
        _chunk_while(model, optimizer, X, Y, batch_size, rng)
        losses.append(evaluate(model, X, Y, "binary_cross_entropy")["loss"])
        if epoch % every == 0 or epoch == epochs:
            draw(epoch, losses[-1])
    return losses


def _loop_counting_down(model, optimizer, X, Y, batch_size, epochs, seed, every, draw):
    rng = np.random.default_rng(seed)
    losses, since = [], 0
    for epoch in range(epochs):
        train_epoch(model, optimizer, X, Y, LOSS, batch_size, rng)
        losses.append(float(evaluate(model, X, Y, "binary_cross_entropy")["loss"]))
        since += 1
        if since == every or epoch == epochs - 1:
            draw(epoch + 1, losses[-1])
            since = 0 if since == every else since
    return np.array(losses)


def _library_chunk(model, optimizer, X, Y, batch_size, rng):
    """The library's chunk with the exercise's arguments (the loss is the playground's)."""
    train_epoch(model, optimizer, X, Y, LOSS, batch_size, rng)


RIGHT = {
    "check_train_chunk": [_library_chunk, _chunk_while, _chunk_split],
    "check_train_in_chunks": [_loop_right, _loop_counting_down],
    "check_network_accuracy": [
        lambda network, X, y: float(np.mean(network.predict(X) == y)),
        lambda network, X, y: np.count_nonzero((network.predict_proba(X).ravel() >= 0.5) == y)
        / len(y),
    ],
}


@pytest.mark.parametrize(("name", "fn"), right_cases(RIGHT))
def test_right_answers_pass(name, fn, capfd):
    getattr(checks, name)(fn)
    assert "✗" not in capfd.readouterr().out


# --------------------------------------------------------------------------- known mistakes
def _loop_with(variant):
    return checks._loop_variant(**variant)


WRONG = {
    "check_train_chunk": [
        (checks._chunk_variant(order="none"), "shuffle first"),
        (checks._chunk_variant(drop_last=True), "the last, smaller batch is missing"),
        (checks._chunk_variant(whole=True), "each step must use only its batch"),
        (checks._chunk_variant(first_only=True), "a step for every batch"),
        (checks._chunk_variant(own_rng=True), "use the rng you are given"),
        (checks._chunk_variant(order="separate"), "shuffle X and Y with the same order"),
        (checks._chunk_variant(step=False), "the weights did not move"),
    ],
    "check_train_in_chunks": [
        (_loop_with({"new_rng": True}), "make one rng before the loop"),
        (_loop_with({"before": True}), "measure the loss after the chunk"),
        (_loop_with({"draw_from_zero": True}), "count epochs from 1"),
        (_loop_with({"draw_always": True}), "draw only every `every` chunks"),
        (_loop_with({"no_last": True}), "draw after the last epoch too"),
    ],
    "check_network_accuracy": [(f, hint[:30]) for f, hint in checks.ACCURACY_MISTAKES],
}


@pytest.mark.parametrize(("name", "fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), fn, hint, capfd)


# --------------------------------------------------------------------------- bad code
@pytest.mark.parametrize(("name"), sorted(RIGHT))
@pytest.mark.parametrize(("bad", "status", "text"), BAD_CODE, ids=BAD_CODE_IDS)
def test_bad_code_is_reported(name, bad, status, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(bad, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status in (status, "wrong")
    capfd.readouterr()


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    capfd.readouterr()
