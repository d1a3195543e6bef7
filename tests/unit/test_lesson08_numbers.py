"""The stability limits that lessons/08_optimizers.ipynb states for SGD and momentum.

Section 4 and section 11 say: on a quadratic with curvature c, plain gradient descent diverges
above η = 2/c and gradient descent with momentum μ above η = 2(1 + μ)/c, nearly twice as far
for μ = 0.9; the sweep table (SGD survives η = 0.0316 on the bowl, momentum η = 0.1) follows
from these limits with the bowl's largest curvature 25. Nesterov's limit, 2(1 + μ)/((1 + 2μ)c),
is checked too. Each limit is checked with nnedu's own optimizer: just below it the run
converges, just above it the run blows up.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnedu.optim import SGD
from nnedu.widgets.optimizers import BOWL_CURVATURES

MU = 0.9
C = max(BOWL_CURVATURES)  # the bowl's steepest direction: 25


def final_distance(lr: float, curvature: float, momentum: float = 0.0,
                   nesterov: bool = False, steps: int = 2000) -> float:
    """|w| after gradient steps on L = c·w²/2 (gradient c·w) from w = 1; inf if it blew up."""
    w = np.array([1.0])
    optimizer = SGD(lr=lr, momentum=momentum, nesterov=nesterov)
    for _ in range(steps):
        optimizer.step([w], [curvature * w])
        if abs(w[0]) > 1e12:
            return float("inf")
    return float(abs(w[0]))


def limit(momentum: float, curvature: float, nesterov: bool = False) -> float:
    """η at which the iteration w_{t+1} = (1 + μ − ηc) w_t − μ w_{t−1} stops being stable."""
    if nesterov:
        return 2 * (1 + momentum) / ((1 + 2 * momentum) * curvature)
    return 2 * (1 + momentum) / curvature


@pytest.mark.parametrize(("momentum", "nesterov"), [(0.0, False), (MU, False), (MU, True)])
@pytest.mark.parametrize("curvature", [1.0, C])
def test_the_limit_separates_converging_from_diverging_runs(momentum, nesterov, curvature):
    eta = limit(momentum, curvature, nesterov)
    assert final_distance(0.98 * eta, curvature, momentum, nesterov) < 1e-3
    assert final_distance(1.02 * eta, curvature, momentum, nesterov) == float("inf")


def test_the_sweep_table_follows_from_the_limits():
    # "SGD 0.03162, momentum 0.1" on the bowl: the sweep's largest η below each limit.
    sweep = 10.0 ** np.arange(-4.0, 0.01, 0.5)
    assert limit(0.0, C) == pytest.approx(2 / 25) and limit(MU, C) == pytest.approx(0.152)
    for momentum, survives in ((0.0, 0.03162), (MU, 0.1)):
        below = sweep[sweep < limit(momentum, C)]
        assert below.max() == pytest.approx(survives, rel=1e-3)
    # momentum's limit is 1 + μ = 1.9 times SGD's: "nearly twice"
    assert limit(MU, C) / limit(0.0, C) == pytest.approx(1.9)
