"""nnedu.worked: the two-neuron example's chain rule against numerical gradients."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from nnedu import worked
from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.worked import (
    EXAMPLE_BOTH_ACTIVE,
    EXAMPLE_ONE_DEAD,
    PARAM_NAMES,
    loss_from_vector,
    to_vector,
    worked_step,
)

EXAMPLES = {"both_active": EXAMPLE_BOTH_ACTIVE, "one_dead": EXAMPLE_ONE_DEAD}


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def numerical_gradients(example) -> np.ndarray:
    v = to_vector(example.weights)
    return numerical_gradient(lambda p: loss_from_vector(p, example.x1, example.x2,
                                                         example.target), v)


@pytest.mark.parametrize("key", EXAMPLES)
@pytest.mark.parametrize("name", PARAM_NAMES)
def test_each_gradient_matches_the_numerical_gradient(key, name):
    example = EXAMPLES[key]
    step = example.run()
    numeric = numerical_gradients(example)[PARAM_NAMES.index(name)]
    assert relative_error(step.gradients[name], numeric) < 1e-7


@pytest.mark.parametrize("key", EXAMPLES)
def test_gradient_vector_matches_numerical_gradient(key):
    step = EXAMPLES[key].run()
    assert step.gradient_vector().shape == (9,)
    assert relative_error(step.gradient_vector(), numerical_gradients(EXAMPLES[key])) < 1e-7


@pytest.mark.parametrize("key", EXAMPLES)
def test_forward_values_follow_the_formulas(key):
    s = EXAMPLES[key].run()
    p = s.params
    assert s.z1 == pytest.approx(p["w11"] * s.x1 + p["w12"] * s.x2 + p["b1"])
    assert s.z2 == pytest.approx(p["w21"] * s.x1 + p["w22"] * s.x2 + p["b2"])
    assert (s.a1, s.a2) == (max(0.0, s.z1), max(0.0, s.z2))
    assert s.z3 == pytest.approx(p["w31"] * s.a1 + p["w32"] * s.a2 + p["b3"])
    assert s.a3 == pytest.approx(1.0 / (1.0 + math.exp(-s.z3)), rel=1e-14)
    y = s.target
    assert s.loss == pytest.approx(-(y * math.log(s.a3) + (1 - y) * math.log(1 - s.a3)),
                                   rel=1e-12)


@pytest.mark.parametrize("key", EXAMPLES)
def test_chain_rule_links(key):
    s = EXAMPLES[key].run()
    y = s.target
    # dL/da3 against the slope of L(a3) = BCE measured numerically
    a3 = np.array([s.a3])
    numeric = numerical_gradient(
        lambda a: -(y * np.log(a[0]) + (1 - y) * np.log(1 - a[0])), a3)[0]
    assert relative_error(s.dL_da3, numeric) < 1e-7
    assert s.da3_dz3 == pytest.approx(s.a3 * (1 - s.a3), rel=1e-15)
    assert s.dL_dz3 == pytest.approx(s.dL_da3 * s.da3_dz3, rel=1e-12)  # simplification a3 − y
    assert s.dL_da1 == pytest.approx(s.dL_dz3 * s.params["w31"], rel=1e-15)
    assert s.dL_db1 == s.dL_dz1 and s.dL_db2 == s.dL_dz2 and s.dL_db3 == s.dL_dz3


def test_both_active_example_has_both_units_on():
    s = EXAMPLE_BOTH_ACTIVE.run()
    assert s.z1 > 0 and s.z2 > 0
    assert s.z1 == pytest.approx(0.2) and s.z2 == pytest.approx(1.0)
    assert all(value != 0.0 for value in s.gradients.values())


def test_dead_unit_gets_exactly_zero_gradient():
    s = EXAMPLE_ONE_DEAD.run()
    assert s.z2 <= 0 and s.a2 == 0.0
    assert s.dL_da2 != 0.0  # the gradient arrives at a2 ...
    assert s.dL_dz2 == 0.0  # ... but the closed ReLU gate stops it
    for name in ("w21", "w22", "b2", "w32"):
        assert s.gradients[name] == 0.0
        assert s.updated[name] == s.params[name]
    numeric = numerical_gradients(EXAMPLE_ONE_DEAD)
    for name in ("w21", "w22", "b2"):
        assert numeric[PARAM_NAMES.index(name)] == 0.0
    assert s.gradients["w11"] != 0.0


@pytest.mark.parametrize("key", EXAMPLES)
def test_one_step_lowers_the_loss(key):
    s = EXAMPLES[key].run()
    assert s.loss_after < s.loss
    assert s.loss_after == pytest.approx(worked.loss_of(s.x1, s.x2, s.target, s.updated))


@pytest.mark.parametrize("key", EXAMPLES)
def test_update_rule(key):
    s = EXAMPLES[key].run(lr=0.5)
    assert s.lr == 0.5
    for name in PARAM_NAMES:
        assert s.updated[name] == pytest.approx(s.params[name] - 0.5 * s.gradients[name])


def test_zero_learning_rate_changes_nothing():
    s = EXAMPLE_BOTH_ACTIVE.run(lr=0.0)
    assert s.updated == s.params and s.loss_after == s.loss


def test_large_weights_stay_finite():
    weights = dict(EXAMPLE_BOTH_ACTIVE.weights, w31=500.0, w32=500.0)
    s = worked_step(1.0, 2.0, 0.0, weights)  # z3 = 600: σ(z3) rounds to 1.0
    assert math.isfinite(s.loss) and s.loss == pytest.approx(s.z3, rel=1e-12)
    assert s.dL_dz3 == pytest.approx(1.0)
    assert all(math.isfinite(g) for g in s.gradients.values())


def test_rows_and_table():
    s = EXAMPLE_ONE_DEAD.run()
    rows = s.rows()
    assert all(len(row) == 3 for row in rows)
    assert [symbol for symbol, _, _ in s.rows("forward")] == ["z1", "z2", "a1", "a2", "z3", "a3"]
    assert [symbol for symbol, _, _ in s.rows("loss")] == ["L"]
    assert len(s.rows("update")) == len(PARAM_NAMES) + 1
    assert len(rows) == sum(len(s.rows(stage)) for stage in worked.STAGES)
    values = {symbol: value for symbol, _, value in rows}
    assert values["dL/dw11"] == s.dL_dw11 and values["L (after)"] == s.loss_after
    text = s.as_table()
    assert "dL/dz2" in text and "[z2 > 0]" in text and str(s) == text
    with pytest.raises(ValueError, match="stage"):
        s.rows("sideways")


def test_vector_and_matrix_forms():
    weights = dict(EXAMPLE_BOTH_ACTIVE.weights)
    v = to_vector(weights)
    assert v.shape == (9,) and worked.from_vector(v) == weights
    m = worked.to_matrices(weights)
    x = np.array([[EXAMPLE_BOTH_ACTIVE.x1, EXAMPLE_BOTH_ACTIVE.x2]])
    hidden = np.maximum(0.0, x @ m["W1"] + m["b1"])
    z3 = (hidden @ m["W2"] + m["b2"])[0, 0]
    assert z3 == pytest.approx(EXAMPLE_BOTH_ACTIVE.run().z3, rel=1e-14)
    with pytest.raises(ValueError, match="shape"):
        worked.from_vector(np.zeros(8))


@pytest.mark.skipif(not _has("nnedu.network"), reason="nnedu.network not there yet")
@pytest.mark.parametrize("key", EXAMPLES)
def test_same_gradients_as_the_library_layers(key):
    from nnedu.layers import Activation, Dense
    from nnedu.network import Sequential

    example = EXAMPLES[key]
    step = example.run()
    m = worked.to_matrices(example.weights)
    model = Sequential([Dense(2, 2), Activation("relu"), Dense(2, 1), Activation("sigmoid")])
    model.layers[0].params["W"][:] = m["W1"]
    model.layers[0].params["b"][:] = m["b1"]
    model.layers[2].params["W"][:] = m["W2"]
    model.layers[2].params["b"][:] = m["b2"]
    x = np.array([[example.x1, example.x2]])
    loss = model.loss_and_backward(x, np.array([[example.target]]), "binary_cross_entropy")
    assert loss == pytest.approx(step.loss, rel=1e-12)
    dW1, db1, dW2, db2 = model.gradients()
    np.testing.assert_allclose(dW1, [[step.dL_dw11, step.dL_dw21], [step.dL_dw12, step.dL_dw22]],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(db1, [step.dL_db1, step.dL_db2], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dW2, [[step.dL_dw31], [step.dL_dw32]], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(db2, [step.dL_db3], rtol=1e-12, atol=1e-15)


def test_examples_are_read_only():
    with pytest.raises(TypeError):
        EXAMPLE_BOTH_ACTIVE.weights["w11"] = 3.0  # type: ignore[index]
    step = EXAMPLE_BOTH_ACTIVE.run()
    step.params["w11"] = 3.0  # the step's copy may change; the example may not
    assert EXAMPLE_BOTH_ACTIVE.weights["w11"] == 0.5


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("target", [1.5, -0.1])
def test_target_outside_zero_one(target):
    with pytest.raises(ValueError, match="target"):
        worked_step(1.0, 2.0, target, dict(EXAMPLE_BOTH_ACTIVE.weights))


def test_missing_and_unknown_weight_names():
    weights = dict(EXAMPLE_BOTH_ACTIVE.weights)
    del weights["w22"]
    with pytest.raises(ValueError, match="missing.*w22"):
        worked_step(1.0, 2.0, 1.0, weights)
    weights["w13"] = 0.1
    with pytest.raises(ValueError, match="unknown.*w13"):
        worked_step(1.0, 2.0, 1.0, weights)


def test_bad_types_and_values():
    weights = dict(EXAMPLE_BOTH_ACTIVE.weights)
    with pytest.raises(TypeError, match="x1"):
        worked_step("1.0", 2.0, 1.0, weights)
    with pytest.raises(TypeError, match="dict"):
        worked_step(1.0, 2.0, 1.0, [0.1] * 9)
    with pytest.raises(ValueError, match="finite"):
        worked_step(1.0, float("nan"), 1.0, weights)
    with pytest.raises(TypeError, match="w11"):
        worked_step(1.0, 2.0, 1.0, dict(weights, w11=None))
    with pytest.raises(ValueError, match="lr"):
        worked_step(1.0, 2.0, 1.0, weights, lr=-0.1)
