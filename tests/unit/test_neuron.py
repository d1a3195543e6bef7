"""nnedu.neuron: the weighted sum z = w·x + b, the activation, and explain()."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnedu.neuron import Explanation, Neuron


def test_weighted_sum_of_one_sample():
    neuron = Neuron([0.5, -1.0, 2.0], bias=0.25)
    z = neuron.weighted_sum([2.0, 3.0, 0.5])
    assert isinstance(z, float)
    assert z == pytest.approx(0.5 * 2.0 - 1.0 * 3.0 + 2.0 * 0.5 + 0.25)  # = -0.75


def test_forward_applies_the_activation():
    neuron = Neuron([0.5, -1.0], bias=0.1, activation="sigmoid")
    z = 0.5 * 1.0 - 1.0 * 0.2 + 0.1  # 0.4
    a = neuron.forward([1.0, 0.2])
    assert isinstance(a, float)
    assert a == pytest.approx(1.0 / (1.0 + math.exp(-z)))
    assert Neuron([1.0], bias=-3.0, activation="relu").forward([2.0]) == 0.0
    assert Neuron([1.0], bias=-3.0, activation="relu").forward([5.0]) == 2.0
    assert Neuron([2.0], activation="linear").forward([-1.5]) == -3.0


def test_batch_input_gives_one_value_per_sample():
    neuron = Neuron([1.0, 2.0], bias=-1.0, activation="tanh")
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, -1.0], [0.5, 0.25]])
    z = neuron.weighted_sum(X)
    assert isinstance(z, np.ndarray) and z.shape == (4,)
    np.testing.assert_allclose(z, [-1.0, 2.0, -1.0, 0.0])
    np.testing.assert_allclose(neuron.forward(X), np.tanh([-1.0, 2.0, -1.0, 0.0]))
    # each row equals the single-sample answer
    for row, value in zip(X, z):
        assert neuron.weighted_sum(row) == pytest.approx(value)


def test_bias_shifts_the_decision_boundary():
    # z = x1 + x2 + b: the boundary z = 0 is the line x1 + x2 = −b.
    point = [0.3, 0.3]
    assert Neuron([1.0, 1.0], bias=-0.5).weighted_sum(point) > 0
    assert Neuron([1.0, 1.0], bias=-0.7).weighted_sum(point) < 0
    assert Neuron([1.0, 1.0], bias=-0.6).weighted_sum(point) == pytest.approx(0.0)


def test_explain_terms_sum_to_z():
    neuron = Neuron([0.5, -1.0, 2.0], bias=0.25, activation="sigmoid")
    x = [2.0, 3.0, 0.5]
    e = neuron.explain(x)
    assert isinstance(e, Explanation)
    assert [t.label for t in e.terms] == ["w1·x1", "w2·x2", "w3·x3"]
    assert [(t.weight, t.input, t.product) for t in e.terms] == [
        (0.5, 2.0, 1.0), (-1.0, 3.0, -3.0), (2.0, 0.5, 1.0)]
    assert e.bias == 0.25
    assert e.z == sum(t.product for t in e.terms) + e.bias
    assert e.z == pytest.approx(neuron.weighted_sum(x))
    assert e.activation == "sigmoid"
    assert e.a == pytest.approx(neuron.forward(x))


def test_explain_text_shows_every_term_and_the_result():
    e = Neuron([0.5, -1.0], bias=0.1, activation="relu").explain([2.0, 0.5])
    text = str(e)
    assert "w1·x1" in text and "w2·x2" in text
    assert "+0.500 × +2.000 = +1.0000" in text
    assert "z = (+1.0000) + (-0.5000) + (+0.1000) = +0.6000" in text
    assert "a = relu(z) = 0.6000" in text


def test_neuron_copies_its_weights():
    w = np.array([1.0, 2.0])
    neuron = Neuron(w)
    w[0] = 100.0
    assert neuron.w[0] == 1.0
    assert neuron.n_inputs == 2
    assert repr(neuron) == "Neuron(weights=[1.0, 2.0], bias=0.0, activation='sigmoid')"


@pytest.mark.parametrize("x", [[1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], 5.0, [[[1.0, 2.0]]]])
def test_wrong_input_shape_is_explained(x):
    with pytest.raises(ValueError) as err:
        Neuron([0.5, -1.0]).forward(x)
    message = str(err.value)
    assert "Neuron" in message and "2 weight(s)" in message
    assert f"shape {np.shape(x)}" in message
