"""The checks of exercise set 10 (regularisation): right answers written in other ways pass,
known mistakes fail with their hint, a stub is reported as not written yet, and the library's
Dropout and fit agree with the checks' conventions."""

from __future__ import annotations

import numpy as np
import pytest

from nnedu import checks
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import regularisation as reg


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


def _dropout_other_draw(x, rate, rng, training=True):
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= rate            # another convention, the same probability
    return np.where(mask, x / (1 - rate), 0.0), mask


def _dropout_binomial(x, rate, rng, training=True):
    if not training or rate == 0:
        return x, np.ones_like(x)
    mask = rng.binomial(1, 1 - rate, size=x.shape)
    return x * mask * (1 / (1 - rate)), mask


def _dropout_fixed_rows(x, rate, rng, training=True):
    # drops every other row, whatever the rng: no single known mistake, the case's own hint
    if not training:
        return x, np.ones_like(x)
    mask = (np.arange(x.shape[0])[:, None] % 2 == 0) * np.ones_like(x)
    return x * mask / (1 - rate), mask


def _l2_penalty_loop(params, lam):
    total = 0.0
    for name in params:
        if name[0] == "W":
            total += np.vdot(params[name], params[name])
    return 0.5 * lam * total


def _l2_gradients_copy(grads, params, lam):
    new = dict(grads)
    for name in new:
        if name.startswith("W"):
            new[name] = new[name] + lam * params[name]
    return new


def _best_epoch_argmin(val_losses, patience):
    losses = np.asarray(val_losses)
    for epoch in range(len(losses)):
        best = int(np.argmin(losses[:epoch + 1]))        # argmin keeps the first of equal values
        if epoch - best >= patience:
            return epoch, best
    return len(losses) - 1, int(np.argmin(losses))


RIGHT = {
    "check_dropout_forward": [reg._dropout, _dropout_other_draw, _dropout_binomial],
    "check_dropout_backward": [lambda g, m, r: np.where(m, g / (1 - r), 0.0)],
    "check_l2_penalty": [_l2_penalty_loop],
    "check_l2_gradients": [_l2_gradients_copy],
    "check_best_epoch": [reg._best_epoch, _best_epoch_argmin],
}

WRONG = {
    "check_dropout_forward": [
        (reg._no_rescale, "divide the kept values by (1 - rate)"),
        (reg._times_keep, "DIVIDE by (1 - rate), do not multiply"),
        (reg._rate_is_keep, "rate is the probability to DROP"),
        (reg._rate_is_keep_rescaled, "rate is the probability to DROP"),
        (reg._always_on, "at evaluation (training=False) dropout does nothing"),
        (reg._dropped_mask, "the mask is 1 where a value is KEPT"),
        (reg._fixed_mask, "the mask must be random"),
        (reg._numpy_global_random, "not from np.random"),
        (reg._own_generator, "use the rng passed in"),
        (reg._one_draw_per_column, "not one per column"),
        (_dropout_fixed_rows, "draw the mask with rng.random(x.shape) < 1 - rate"),
    ],
    "check_dropout_backward": [
        (lambda g, m, r: g * m, "the gradient is divided by (1 - rate) too"),
        (lambda g, m, r: g * m * (1 - r), "DIVIDE by (1 - rate)"),
        (lambda g, m, r: g / (1 - r), "multiply by the mask"),
    ],
    "check_l2_penalty": [
        (lambda p, lam: lam / 2 * sum(np.sum(v**2) for v in p.values()), "not the biases"),
        (lambda p, lam: lam * sum(np.sum(v**2) for k, v in p.items() if k[0] == "W"),
         "with the factor 1/2"),
    ],
    "check_l2_gradients": [
        (lambda g, p, lam: {k: g[k] + lam * p[k] for k in g}, "the biases are not penalised"),
        (lambda g, p, lam: {k: g[k] + 2 * lam * p[k] if k[0] == "W" else g[k] for k in g},
         "the gradient is λ·W, not 2λ·W"),
        (lambda g, p, lam: {k: lam * p[k] if k[0] == "W" else g[k] for k in g},
         "do not replace it"),
    ],
    "check_best_epoch": [
        (reg._shifted_patience(1), "one epoch too late"),
        (reg._shifted_patience(-1), "one epoch too early"),
        (reg._best_of_all, "look only at the losses up to the stop"),
        (reg._ties_count, "an equal loss is not an improvement"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_of_the_module_is_exported_and_tested():
    names = ["check_dropout_forward", "check_dropout_backward", "check_l2_penalty",
             "check_l2_gradients", "check_best_epoch"]
    assert sorted(names) == CHECK_NAMES
    assert all(callable(getattr(checks, name)) for name in names)
    assert all(len(WRONG[name]) >= 2 for name in CHECK_NAMES)


@pytest.mark.parametrize(("name", "student_fn"),
                         [pytest.param(n, f, id=f"{n}-{i}") for n in CHECK_NAMES
                          for i, f in enumerate(RIGHT[n])])
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"),
                         [pytest.param(n, f, h, id=f"{n}-{i}") for n in CHECK_NAMES
                          for i, (f, h) in enumerate(WRONG[n])])
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn)
    failed = [case for case in info.value.result.cases if not case.passed]
    assert any(hint in case.hint for case in failed), [case.hint for case in failed]
    assert hint in capfd.readouterr().out


def test_changing_grads_in_place_is_reported(capfd):
    def in_place(grads, params, lam):
        for name in grads:
            if name.startswith("W"):
                grads[name] += lam * params[name]
        return grads

    with pytest.raises(CheckFailed):
        checks.check_l2_gradients(in_place)
    assert "changed its input grads in place" in capfd.readouterr().out


def not_written(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    assert "is not written yet" in capfd.readouterr().out


def test_the_library_dropout_passes(capfd):
    from nnedu.layers import Dropout

    def with_layer(x, rate, rng, training=True):
        layer = Dropout(rate, rng=rng)
        out = layer.forward(x, training=training)
        return out, layer.scaled_mask != 0   # 1 where kept

    checks.check_dropout_forward(with_layer)
    assert "✗" not in capfd.readouterr().out


def test_best_epoch_agrees_with_fits_early_stopping():
    from nnedu.network import mlp
    from nnedu.train import fit

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, size=60)
    X_val, y_val = rng.normal(size=(30, 4)), rng.integers(0, 3, size=30)   # noise: overfits
    model = mlp((4, 32, 3), seed=0)
    history = fit(model, X, y, optimizer="adam", lr=0.05, epochs=60, batch_size=10,
                  validation_data=(X_val, y_val), early_stopping=4, seed=0, progress=False)
    stop, best = reg._best_epoch(history["val_loss"], 4)
    assert history.stopped_early
    assert (stop, best) == (history.epochs - 1, history.best_epoch)
