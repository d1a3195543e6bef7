"""Exercise checks: run a student's function on a few cases and say what is wrong and why.

In an exercise notebook::

    from nnedu.checks import check_sigmoid
    check_sigmoid(sigmoid)

Each check prints one line per case (✓ or ✗ with expected, got and a hint) and raises
``CheckFailed`` (an ``AssertionError``) at the end if a case failed. How to write a new check:
see :mod:`nnedu.checks.runner`. Each lesson's checks live in their own module and are
re-exported here, one import block per module. ``time_limit`` guards a notebook cell that
calls the student's functions (see :mod:`nnedu.checks.guard`).
"""

from nnedu.checks.basics import (
    check_leaky_relu,
    check_relu,
    check_relu_derivative,
    check_sigmoid,
    check_sigmoid_derivative,
    check_softmax,
    check_tanh,
    check_tanh_derivative,
    check_weighted_sum,
)
from nnedu.checks.guard import TimeLimitExceeded, time_limit
from nnedu.checks.runner import (
    Case,
    CaseResult,
    CheckFailed,
    CheckResult,
    Mistake,
    NotWrittenYet,
    run_checks,
)
from nnedu.checks.neuron import check_boundary_x2, check_count_correct, check_step_predict
from nnedu.checks.metrics import check_confusion_matrix, check_macro_f1, check_precision_recall_f1
from nnedu.checks.forward import (
    check_count_parameters,
    check_dense_forward,
    check_two_layer_forward,
    check_xor_weights,
)
from nnedu.checks.losses import (
    check_binary_cross_entropy,
    check_binary_cross_entropy_gradient,
    check_categorical_cross_entropy,
    check_mse,
    check_mse_gradient,
    check_softmax_cross_entropy_gradient,
)
from nnedu.checks.descent import (
    check_gd_step,
    check_linear_mse_gradient,
    check_minimise_quadratic,
    check_train_one_epoch,
)
from nnedu.checks.training import (
    check_digits_backward,
    check_digits_forward,
    check_one_hot,
    check_training_loop,
)
from nnedu.checks.regularisation import (
    check_best_epoch,
    check_dropout_backward,
    check_dropout_forward,
    check_l2_gradients,
    check_l2_penalty,
)
from nnedu.checks.backprop import (
    check_output_unit_backward,
    check_worked_backward,
    check_worked_forward,
    check_worked_update,
)
from nnedu.checks.matrix_backprop import (
    check_dense_backward,
    check_dense_layer,
    check_dense_numerical_grads,
    check_network_backward,
    check_numerical_gradient,
    check_tanh_backward,
)
from nnedu.checks.optimizers import (
    check_adam_step,
    check_minimise_bowl,
    check_momentum_step,
    check_sgd_step,
)
from nnedu.checks.estimators import check_grid_search, check_tiny_classifier
