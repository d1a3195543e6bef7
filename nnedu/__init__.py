"""nnedu: a small, readable neural-network library that the course lessons build and use.

Importing ``nnedu`` loads numpy only. Plotting (``nnedu.plots``), widgets (``nnedu.widgets``)
and exercise checks (``nnedu.checks``) are imported when you ask for them.

The pieces, in the order the lessons meet them::

    neuron       one neuron: z = w·x + b, then an activation
    activations  sigmoid, tanh, relu, ... and their derivatives
    layers       Dense, Activation, PReLU, Dropout and weight initialisers
    batchnorm    BatchNorm: each feature normalised over the batch, running statistics
    network      Sequential: a stack of layers with forward, backward, save and load
    losses       mse, mae, binary and categorical cross-entropy, with gradients
    worked       the two-neuron backprop example, every number of one step
    autograd     a scalar Value with backward(): the chain rule, automated (MLP: autograd_mlp)
    conv         Conv2D, MaxPool2D, AvgPool2D and Flatten for images (batch, channels, h, w)
    gradcheck    numerical gradients to check every derivative
    optim        SGD, momentum, Nesterov, Adagrad, RMSprop, Adam; gradient clipping
    train        the training loop (batch, stochastic, mini-batch)
    metrics      accuracy, precision, recall, F1, confusion matrix
    data         the digits data set and small toy data sets
"""

__version__ = "0.1.0"
