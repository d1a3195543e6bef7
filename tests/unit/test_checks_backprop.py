"""The checks of exercise set 06 (the worked backprop example): right answers written in other
ways pass, the known mistakes fail with their hint, bad code is reported without crashing."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from student_code import assert_fails_with_hint, right_cases, wrong_cases

from nnedu import checks, worked
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import backprop as module
from nnedu.worked import PARAM_NAMES


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# ----------------------------------------------------------------------------- student code

def forward(x1, x2, y, w):
    z1 = w["w11"] * x1 + w["w12"] * x2 + w["b1"]
    z2 = w["w21"] * x1 + w["w22"] * x2 + w["b2"]
    a1, a2 = max(0.0, z1), max(0.0, z2)
    z3 = w["w31"] * a1 + w["w32"] * a2 + w["b3"]
    a3 = 1.0 / (1.0 + math.exp(-z3))
    loss = -(y * math.log(a3) + (1 - y) * math.log(1 - a3))
    return {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "z3": z3, "a3": a3, "loss": loss}


def forward_numpy(x1, x2, y, w):
    x = np.array([x1, x2])
    W1 = np.array([[w["w11"], w["w12"]], [w["w21"], w["w22"]]])
    z = W1 @ x + np.array([w["b1"], w["b2"]])
    a = np.maximum(z, 0.0)
    z3 = np.array([w["w31"], w["w32"]]) @ a + w["b3"]
    a3 = 1.0 / (1.0 + np.exp(-z3))
    loss = -(y * np.log(a3) + (1 - y) * np.log(1 - a3))
    return {"z1": z[0], "z2": z[1], "a1": a[0], "a2": a[1], "z3": z3, "a3": a3, "loss": loss,
            "extra": "more keys are fine"}


def forward_library(x1, x2, y, w):
    values = worked.forward(x1, x2, w)
    values["loss"] = worked.loss_of(x1, x2, y, w)
    return values


def forward_with(from_into=False, inputs_swapped=False, relu=True, loss="bce"):
    def wrong(x1, x2, y, w):
        if from_into:
            z1 = w["w11"] * x1 + w["w21"] * x2 + w["b1"]
            z2 = w["w12"] * x1 + w["w22"] * x2 + w["b2"]
        elif inputs_swapped:
            z1 = w["w12"] * x1 + w["w11"] * x2 + w["b1"]
            z2 = w["w22"] * x1 + w["w21"] * x2 + w["b2"]
        else:
            z1 = w["w11"] * x1 + w["w12"] * x2 + w["b1"]
            z2 = w["w21"] * x1 + w["w22"] * x2 + w["b2"]
        a1, a2 = (max(0.0, z1), max(0.0, z2)) if relu else (z1, z2)
        z3 = w["w31"] * a1 + w["w32"] * a2 + w["b3"]
        a3 = 1.0 / (1.0 + math.exp(-z3))
        if loss == "bce":
            value = -(y * math.log(a3) + (1 - y) * math.log(1 - a3))
        elif loss == "no_minus":
            value = y * math.log(a3) + (1 - y) * math.log(1 - a3)
        else:
            value = (a3 - y) ** 2
        return {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "z3": z3, "a3": a3, "loss": value}

    return wrong


def output_unit_backward(y, w, values):
    dL_dz3 = values["a3"] - y
    return {"dL_dz3": dL_dz3, "dL_dw31": dL_dz3 * values["a1"],
            "dL_dw32": dL_dz3 * values["a2"], "dL_db3": dL_dz3,
            "dL_da1": dL_dz3 * w["w31"], "dL_da2": dL_dz3 * w["w32"]}


def output_unit_long_chain(y, w, values):
    a3 = values["a3"]
    dL_da3 = -y / a3 + (1 - y) / (1 - a3)
    da3_dz3 = a3 * (1 - a3)
    dL_dz3 = dL_da3 * da3_dz3
    return {"dL_dz3": dL_dz3, "dL_dw31": dL_dz3 * values["a1"],
            "dL_dw32": dL_dz3 * values["a2"], "dL_db3": dL_dz3 * 1,
            "dL_da1": dL_dz3 * w["w31"], "dL_da2": dL_dz3 * w["w32"]}


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def output_with(dz3="right", swap_weight_input=False, use_z=False, swap_w3=False):
    def wrong(y, w, values):
        a3 = values["a3"]
        dL_da3 = -y / a3 + (1 - y) / (1 - a3)
        dL_dz3 = {
            "right": a3 - y,
            "da3": dL_da3,
            "slope_at_a3": dL_da3 * _sigmoid(a3) * (1 - _sigmoid(a3)),
            "twice": (a3 - y) * a3 * (1 - a3),
            "sign": y - a3,
        }[dz3]
        in1, in2 = (values["z1"], values["z2"]) if use_z else (values["a1"], values["a2"])
        out = {"dL_dz3": dL_dz3, "dL_dw31": dL_dz3 * in1, "dL_dw32": dL_dz3 * in2,
               "dL_db3": dL_dz3, "dL_da1": dL_dz3 * w["w31"], "dL_da2": dL_dz3 * w["w32"]}
        if swap_weight_input:
            out["dL_dw31"], out["dL_da1"] = dL_dz3 * w["w31"], dL_dz3 * in1
            out["dL_dw32"], out["dL_da2"] = dL_dz3 * w["w32"], dL_dz3 * in2
        if swap_w3:
            out["dL_da1"], out["dL_da2"] = dL_dz3 * w["w32"], dL_dz3 * w["w31"]
        return out

    return wrong


def backward(x1, x2, y, w, values):
    out = output_unit_backward(y, w, values)
    dL_dz1 = out["dL_da1"] * (1.0 if values["z1"] > 0 else 0.0)
    dL_dz2 = out["dL_da2"] * (1.0 if values["z2"] > 0 else 0.0)
    return {"w11": dL_dz1 * x1, "w12": dL_dz1 * x2, "b1": dL_dz1,
            "w21": dL_dz2 * x1, "w22": dL_dz2 * x2, "b2": dL_dz2,
            "w31": out["dL_dw31"], "w32": out["dL_dw32"], "b3": out["dL_db3"]}


def backward_one_chain_per_weight(x1, x2, y, w, values):
    e = values["a3"] - y
    gate1, gate2 = float(values["a1"] > 0), float(values["a2"] > 0)
    return {"w11": e * w["w31"] * gate1 * x1, "w12": e * w["w31"] * gate1 * x2,
            "b1": e * w["w31"] * gate1, "w21": e * w["w32"] * gate2 * x1,
            "w22": e * w["w32"] * gate2 * x2, "b2": e * w["w32"] * gate2,
            "w31": e * values["a1"], "w32": e * values["a2"], "b3": e}


def backward_library(x1, x2, y, w, values):
    return worked.worked_step(x1, x2, y, w).gradients


def backward_with(output=output_unit_backward, gate=True, x_swap=False, from_into=False,
                  no_w3=False, gate_is_a=False):
    def wrong(x1, x2, y, w, values):
        out = output(y, w, values)
        if no_w3:
            out["dL_da1"] = out["dL_da2"] = out["dL_dz3"]
        g1 = float(values["z1"] > 0) if gate else 1.0
        g2 = float(values["z2"] > 0) if gate else 1.0
        if gate_is_a:  # times the activation a = ReLU(z) instead of the gate [z > 0]
            g1, g2 = values["a1"], values["a2"]
        dz1, dz2 = out["dL_da1"] * g1, out["dL_da2"] * g2
        first, second = (x2, x1) if x_swap else (x1, x2)
        grads = {"w11": dz1 * first, "w12": dz1 * second, "b1": dz1,
                 "w21": dz2 * first, "w22": dz2 * second, "b2": dz2,
                 "w31": out["dL_dw31"], "w32": out["dL_dw32"], "b3": out["dL_db3"]}
        if from_into:
            grads["w12"], grads["w21"] = dz2 * x1, dz1 * x2
        return grads

    return wrong


def update(w, grads, lr):
    return {name: w[name] - lr * grads[name] for name in w}


def update_loop(w, grads, lr):
    new = dict(w)
    for name in PARAM_NAMES:
        new[name] -= lr * grads[name]
    return new


def update_in_place(w, grads, lr):
    for name in PARAM_NAMES:
        w[name] -= lr * grads[name]
    return w


RIGHT = {
    "check_worked_forward": [forward, forward_numpy, forward_library],
    "check_output_unit_backward": [output_unit_backward, output_unit_long_chain],
    "check_worked_backward": [backward, backward_one_chain_per_weight, backward_library],
    "check_worked_update": [update, update_loop,
                            lambda w, grads, lr: {k: v - lr * grads[k] for k, v in w.items()}],
}

WRONG = {
    "check_worked_forward": [
        (forward_with(from_into=True), "w_ij is the weight INTO unit i FROM input j"),
        (forward_with(inputs_swapped=True), "w11 multiplies x1 and w12 multiplies x2"),
        (forward_with(relu=False), "the hidden units need their ReLU"),
        (forward_with(loss="no_minus"), "the loss has a minus sign in front"),
        (forward_with(loss="squared"), "not the squared error"),
    ],
    "check_output_unit_backward": [
        (output_with(dz3="da3"), "that is dL/da3"),
        (output_with(dz3="slope_at_a3"), "the sigmoid's slope belongs at z3"),
        (output_with(dz3="twice"), "counts it twice"),
        (output_with(dz3="sign"), "prediction minus target"),
        (output_with(swap_weight_input=True), "a weight's local slope is the input on its edge"),
        (output_with(use_z=True), "not z1 and z2"),
        (output_with(swap_w3=True), "a1 reaches z3 through w31"),
    ],
    "check_worked_backward": [
        (backward_with(gate=False), "the ReLU gate is missing"),
        (backward_with(gate_is_a=True), "You multiplied by the activation a1"),
        (backward_with(x_swap=True), "dL/dw_ij = dL/dz_i · x_j"),
        (backward_with(from_into=True), "you swapped w12 and w21"),
        (backward_with(output=output_with(dz3="da3")), "that is dL/da3"),
        (backward_with(output=output_with(dz3="slope_at_a3")), "belongs at z3"),
        (backward_with(output=output_with(dz3="twice")), "counts it twice"),
        (backward_with(no_w3=True), "the error reaches a1 through the weight w31"),
        (backward_with(output=output_with(use_z=True)), "not z1 and z2"),
    ],
    "check_worked_update": [
        (lambda w, grads, lr: {k: w[k] + lr * grads[k] for k in w}, "step AGAINST the gradient"),
        (lambda w, grads, lr: {k: w[k] - grads[k] for k in w}, "the learning rate is missing"),
        (lambda w, grads, lr: {k: w[k] - lr * w[k] for k in w}, "not η times the parameter"),
        (update_in_place, "leave the inputs alone"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_of_the_module_is_exported_and_tested():
    assert sorted(module.__all__) == CHECK_NAMES
    assert all(getattr(checks, name) is getattr(module, name) for name in CHECK_NAMES)
    assert all(len(WRONG[name]) >= 2 for name in CHECK_NAMES)


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None
    out = capfd.readouterr().out
    assert "✗" not in out and "note:" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


def test_the_reference_and_every_mistake_switch_start_from_nnedu_worked():
    """Without a switch, the written-out step equals nnedu.worked on every point used."""
    for _, (x1, x2, y, w) in module.POINTS + [module.BOTH_OFF]:
        step = worked.worked_step(x1, x2, y, w)
        ours = module._step_with(x1, x2, y, w)
        for key in module.FORWARD_KEYS:
            assert ours[key] == pytest.approx(getattr(step, key), rel=1e-12, abs=1e-15)
        for name in PARAM_NAMES:
            assert ours[f"dL_d{name}"] == pytest.approx(step.gradients[name], rel=1e-12,
                                                        abs=1e-15)


def test_the_points_have_the_gates_their_names_promise():
    gates = {}
    for name, (x1, x2, y, w) in module.POINTS + [module.BOTH_OFF]:
        step = worked.worked_step(x1, x2, y, w)
        gates[name] = (step.z1 > 0, step.z2 > 0)
    assert list(gates.values()) == [(True, True), (True, False), (False, True), (True, True),
                                    (False, False)]


def test_a_dead_unit_mistake_shows_only_where_a_unit_is_off(capfd):
    with pytest.raises(CheckFailed) as info:
        checks.check_worked_backward(backward_with(gate=False))
    passed = [case.passed for case in info.value.result.cases]
    assert passed == [True, False, False, True, False]


def test_a_tuple_instead_of_a_dict_is_explained(capfd):
    with pytest.raises(CheckFailed):
        checks.check_worked_forward(lambda x1, x2, y, w: tuple(forward(x1, x2, y, w).values()))
    assert "forward must return a dict such as {'z1': ..., 'z2': ...}" in capfd.readouterr().out


def test_a_missing_key_is_named(capfd):
    def without_loss(x1, x2, y, w):
        values = forward(x1, x2, y, w)
        del values["loss"]
        return values

    with pytest.raises(CheckFailed):
        checks.check_worked_forward(without_loss)
    assert "forward returned a dict without the key 'loss'" in capfd.readouterr().out


def raises(*args, **kwargs):
    raise ValueError("something went wrong")


def returns_none(*args, **kwargs):
    return None


def not_written(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def loops_forever(*args, **kwargs):
    while True:
        time.sleep(0.001)


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(
    ("student_fn", "status", "text"),
    [
        (raises, "error", "raised ValueError: something went wrong"),
        (returns_none, "error", "returned None — did you forget the return statement?"),
        (loops_forever, "timeout", "did not finish within 0.2 s"),
    ],
    ids=["raises", "returns-none", "loops-forever"],
)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, status, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status == status
    assert text in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out
