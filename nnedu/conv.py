"""Convolutional layers: Conv2D, MaxPool2D, AvgPool2D and Flatten, for images.

Images are batch-first: ``x`` has shape (batch, channels, height, width), written
(n, c, h, w). A grey 8×8 digit is (1, 8, 8); a batch of digits from ``load_digits`` is
``X.reshape(-1, 1, 8, 8)``.

A convolution slides a small filter (kernel) of shape (c, kh, kw) over the image; at every
position it multiplies the filter with the pixels under it and sums:

    z[n, f, i, j] = b[f] + Σ_c Σ_p Σ_q  x[n, c, i + p, j + q] · W[f, c, p, q]

W has shape (filters, channels, kh, kw) and b shape (filters,). The same few weights are used
at every position (*weight sharing*), so a pattern is found wherever it is in the image.
(Strictly this is a cross-correlation; deep-learning libraries call it convolution too.)

``digits_cnn`` builds the small CNN of the lesson; ``shift_digits`` moves digits by a few
pixels, to see how a network copes with a digit that is not centred.

The module has each computation twice: first with plain loops (``conv2d_loops``,
``conv2d_backward_loops``), the way the lesson writes it, then vectorised (``conv2d``,
``conv2d_backward``), which is what the layers use; the tests check that both agree.
Stride is 1 for convolutions; pooling windows do not overlap.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnedu._validate import as_float_array, unknown_name
from nnedu.layers import Activation, Dense, Layer

Array = np.ndarray
PADDINGS = ("valid", "same")
CONV_INITIALISERS = ("he", "xavier")


# ---------------------------------------------------------------- loops (slow, for reading)
def conv2d_loops(x: Array, W: Array, b: Array) -> Array:
    """Convolution with loops, 'valid' (no padding), stride 1.

    x: (n, c, h, w)   W: (f, c, kh, kw)   b: (f,)   →   z: (n, f, h − kh + 1, w − kw + 1)
    z[n, f, i, j] = b[f] + Σ (x[n, :, i:i+kh, j:j+kw] ⊙ W[f])   (sum over channels and window)
    """
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    z = np.zeros((n, f, h - kh + 1, w - kw + 1), dtype=np.result_type(x, W))
    for s in range(n):                              # every image
        for k in range(f):                          # every filter
            for i in range(h - kh + 1):             # every output row
                for j in range(w - kw + 1):         # every output column
                    window = x[s, :, i:i + kh, j:j + kw]
                    z[s, k, i, j] = np.sum(window * W[k]) + b[k]
    return z


def conv2d_backward_loops(x: Array, W: Array, dz: Array) -> tuple[Array, Array, Array]:
    """The gradients of ``conv2d_loops`` with loops: returns (dx, dW, db).

    Each output z[n, f, i, j] used the window x[n, :, i:i+kh, j:j+kw] and the filter W[f], so
    its gradient dz[n, f, i, j] flows back to both:
        dW[f]                      += dz[n, f, i, j] · x[n, :, i:i+kh, j:j+kw]
        dx[n, :, i:i+kh, j:j+kw]   += dz[n, f, i, j] · W[f]
        db[f]                      += dz[n, f, i, j]
    Shapes: dx like x (n, c, h, w), dW like W (f, c, kh, kw), db (f,).
    """
    n, f, ho, wo = dz.shape
    kh, kw = W.shape[2:]
    dx = np.zeros(x.shape, dtype=np.result_type(x, W, dz))
    dW = np.zeros(W.shape, dtype=dx.dtype)
    for s in range(n):
        for k in range(f):
            for i in range(ho):
                for j in range(wo):
                    dW[k] += dz[s, k, i, j] * x[s, :, i:i + kh, j:j + kw]
                    dx[s, :, i:i + kh, j:j + kw] += dz[s, k, i, j] * W[k]
    db = dz.sum(axis=(0, 2, 3))
    return dx, dW, db


# ---------------------------------------------------------------- vectorised (what layers use)
def conv2d(x: Array, W: Array, b: Array) -> Array:
    """The same convolution as ``conv2d_loops``, vectorised ('valid', stride 1).

    ``sliding_window_view`` gives every kh×kw window of x without copying anything:
    windows[n, c, i, j, p, q] = x[n, c, i + p, j + q], shape (n, c, ho, wo, kh, kw).
    One tensordot then multiplies and sums over (c, p, q) for all windows at once
    (numpy copies the windows into one matrix, "im2col", and calls one matrix product).
    x: (n, c, h, w)   W: (f, c, kh, kw)   b: (f,)   →   z: (n, f, h − kh + 1, w − kw + 1)
    """
    windows = sliding_window_view(x, W.shape[2:], axis=(2, 3))
    z = np.tensordot(windows, W, axes=([1, 4, 5], [1, 2, 3]))    # (n, ho, wo, f)
    return z.transpose(0, 3, 1, 2) + b[:, None, None]


def conv2d_backward(x: Array, W: Array, dz: Array,
                    input_grad: bool = True) -> tuple[Array | None, Array, Array]:
    """The gradients of ``conv2d``, vectorised: returns (dx, dW, db).

    dW[f, c, p, q] = Σ_n Σ_i Σ_j dz[n, f, i, j] · x[n, c, i + p, j + q]   (dz · windows)
    db[f]          = Σ_n Σ_i Σ_j dz[n, f, i, j]
    dx: every window sent dz[n, :, i, j] · W back to the pixels it covered
        (d_windows[n, i, j, c, p, q] = Σ_f dz[n, f, i, j] · W[f, c, p, q]); the windows
        overlap, so each pixel adds up what it gets from all of them ("col2im"). The loop runs
        over the kh·kw positions inside the window (9 for 3×3), each one a whole-array add.
    (dx is also a convolution: dz padded with k − 1 zeros, slid over by the flipped filters.
    This way is the faster of the two here, measured in bench/conv.py.)
    Shapes: dx like x (n, c, h, w), dW like W (f, c, kh, kw), db (f,).
    ``input_grad=False`` skips dx (returns None for it): the first layer needs no dx.
    """
    kh, kw = W.shape[2:]
    ho, wo = dz.shape[2:]
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))         # (n, c, ho, wo, kh, kw)
    dW = np.tensordot(dz, windows, axes=([0, 2, 3], [0, 2, 3]))     # (f, c, kh, kw)
    db = dz.sum(axis=(0, 2, 3))
    if not input_grad:
        return None, dW, db
    d_windows = np.tensordot(dz, W, axes=([1], [0]))                # (n, ho, wo, c, kh, kw)
    dx = np.zeros(x.shape, dtype=d_windows.dtype)
    for p in range(kh):
        for q in range(kw):
            dx[:, :, p:p + ho, q:q + wo] += d_windows[:, :, :, :, p, q].transpose(0, 3, 1, 2)
    return dx, dW, db


def padding_amounts(kernel_size: int, padding: str) -> tuple[int, int]:
    """Rows (and columns) of zeros added (before, after) the image for ``padding``.

    'valid': none, the output shrinks by kernel_size − 1.  'same': kernel_size − 1 in total,
    so the output keeps the input's height and width (3×3 filter: one row on each side).
    """
    if padding == "valid":
        return 0, 0
    before = (kernel_size - 1) // 2
    return before, kernel_size - 1 - before


def shift_digits(X: Array, dx: int = 0, dy: int = 0) -> Array:
    """Move every image dx pixels right and dy pixels down (negative: left/up), filling with 0.

    Pixels pushed past the border are lost. X: (n, 64) rows of 8×8 digits, (n, h, w) or
    (n, c, h, w) images; the result has the same shape and dtype.
    """
    X = np.asarray(X)
    if X.ndim not in (2, 3, 4) or (X.ndim == 2 and X.shape[1] != 64):
        raise ValueError(
            f"shift_digits: expected digits of shape (n, 64), (n, h, w) or (n, c, h, w), got "
            f"shape {X.shape}.")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (dx, dy)):
        raise TypeError(f"shift_digits: dx and dy must be whole numbers of pixels, got "
                        f"dx={dx!r}, dy={dy!r}.")
    images = X.reshape(len(X), 8, 8) if X.ndim == 2 else X
    h, w = images.shape[-2:]
    shifted = np.zeros_like(images)
    rows_to, rows_from = slice(max(dy, 0), h + min(dy, 0)), slice(max(-dy, 0), h - max(dy, 0))
    cols_to, cols_from = slice(max(dx, 0), w + min(dx, 0)), slice(max(-dx, 0), w - max(dx, 0))
    shifted[..., rows_to, cols_to] = images[..., rows_from, cols_from]
    return shifted.reshape(X.shape)


# ---------------------------------------------------------------- input checks
def check_images(x: Array, where: str, channels: int | None = None) -> None:
    """Require images of shape (batch, channels, height, width), with a hint for the fix."""
    if x.ndim == 4 and (channels is None or x.shape[1] == channels):
        return
    c = channels or 1
    expected = f"channels={channels}" if channels else "channels"
    if x.ndim == 4 and x.shape[3] == channels and x.shape[1] == x.shape[2]:
        fix = ("it looks like channels come last: move them to axis 1 with "
               "x.transpose(0, 3, 1, 2)")
    elif x.ndim == 4:
        fix = (f"the input has {x.shape[1]} channel(s) but the layer was built for {channels}: "
               f"make in_channels match the data or the previous layer's filters")
    elif x.ndim == 3:
        fix = f"add the channel axis with x.reshape(-1, {c}, {x.shape[1]}, {x.shape[2]})"
    elif x.ndim == 2 and int(np.sqrt(x.shape[1] // c)) ** 2 * c == x.shape[1] > 0:
        side = int(np.sqrt(x.shape[1] // c))
        fix = (f"each row is a flat image: reshape to (n, {c}, {side}, {side}) with "
               f"x.reshape(-1, {c}, {side}, {side})")
    else:
        fix = "reshape your data into images, e.g. x.reshape(-1, 1, 8, 8) for the digits"
    raise ValueError(
        f"{where}: expected images of shape (batch, {expected}, height, width), got shape "
        f"{x.shape}; {fix}.")


def _check_count(value: object, where: str, label: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{where}: {label} must be a whole number ≥ 1, got {value!r}.")
    return int(value)


# ---------------------------------------------------------------- Conv2D
class Conv2D(Layer):
    """A convolutional layer: ``out_channels`` filters of size kernel_size × kernel_size.

    Forward:  z = conv2d(pad(x), W) + b     x: (n, c, h, w)   W: (f, c, k, k)   b: (f,)
              z: (n, f, h', w') with h' = h − k + 1 ('valid') or h' = h ('same'); w' alike
    Backward: dW, db, dx from ``conv2d_backward`` (dx cropped back to x's size).
    Parameters: f·c·k·k weights + f biases, whatever the image size (weight sharing).
    Init 'he': W ~ N(0, 2 / fan_in) with fan_in = c·k·k, the inputs one output sees;
    'xavier': W ~ N(0, 2 / (fan_in + fan_out)) with fan_out = f·k·k. Biases start at 0.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 padding: str = "valid", init: str = "he", seed: int | None = None,
                 rng: np.random.Generator | None = None, name: str | None = None,
                 dtype: type = np.float64) -> None:
        super().__init__(name or "conv2d")
        self.in_channels = _check_count(in_channels, "Conv2D", "in_channels")
        self.out_channels = _check_count(out_channels, "Conv2D", "out_channels")
        self.kernel_size = _check_count(kernel_size, "Conv2D", "kernel_size")
        if padding not in PADDINGS:
            raise unknown_name("padding", padding, PADDINGS)
        if init not in CONV_INITIALISERS:
            raise unknown_name("initialiser", init, CONV_INITIALISERS)
        self.padding, self.init = padding, init
        k = self.kernel_size
        fan_in, fan_out = self.in_channels * k * k, self.out_channels * k * k
        variance = 2.0 / fan_in if init == "he" else 2.0 / (fan_in + fan_out)
        rng = rng if rng is not None else np.random.default_rng(seed)
        shape = (self.out_channels, self.in_channels, k, k)
        self.params["W"] = rng.normal(0.0, np.sqrt(variance), size=shape).astype(dtype)
        self.params["b"] = np.zeros(self.out_channels, dtype=dtype)
        self.x_padded: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        where = f"Conv2D layer '{self.name}'"
        x = as_float_array(x, where)
        check_images(x, where, self.in_channels)
        before, after = padding_amounts(self.kernel_size, self.padding)
        if min(x.shape[2:]) + before + after < self.kernel_size:
            raise ValueError(
                f"{where}: the images are {x.shape[2]}×{x.shape[3]}, smaller than the "
                f"{self.kernel_size}×{self.kernel_size} filter. Use padding='same' or a smaller "
                f"kernel_size, or remove a pooling layer before this one.")
        self.x_padded = np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))
        return conv2d(self.x_padded, self.params["W"], self.params["b"])

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        x_padded = self._saved("x_padded")
        n, _, h, w = x_padded.shape
        k = self.kernel_size
        dz = self._grad(grad_output, (n, self.out_channels, h - k + 1, w - k + 1))
        dx_padded, self.grads["W"], self.grads["b"] = conv2d_backward(
            x_padded, self.params["W"], dz, input_grad)
        if dx_padded is None:
            return None
        before, after = padding_amounts(self.kernel_size, self.padding)
        h, w = x_padded.shape[2] - before - after, x_padded.shape[3] - before - after
        return dx_padded[:, :, before:before + h, before:before + w]

    def output_shape(self, input_shape: tuple[int, int, int]) -> tuple[int, int, int]:
        """(channels, height, width) out for (channels, height, width) in."""
        _, h, w = input_shape
        shrink = 0 if self.padding == "same" else self.kernel_size - 1
        return self.out_channels, h - shrink, w - shrink

    def config(self) -> dict:
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": self.kernel_size, "padding": self.padding, "init": self.init,
                "name": self.name}


# ---------------------------------------------------------------- pooling
class Pool2D(Layer):
    """What MaxPool2D and AvgPool2D share: cutting images into size × size blocks and back.

    Blocks do not overlap (the stride is the size); a last row or column that does not fill
    a block is dropped, as in PyTorch and Keras. x: (n, c, h, w) → (n, c, h // s, w // s).
    """

    def __init__(self, size: int = 2, name: str | None = None) -> None:
        super().__init__(name or type(self).__name__.lower())
        self.size = _check_count(size, type(self).__name__, "size")
        self.x_shape: tuple[int, ...] | None = None

    def _blocks(self, x: Array) -> Array:
        """x cut into blocks: (n, c, h // s, w // s, s·s), one row of s·s values per block."""
        where = f"{type(self).__name__} layer '{self.name}'"
        x = as_float_array(x, where)
        check_images(x, where)
        s = self.size
        n, c, h, w = x.shape
        if h < s or w < s:
            raise ValueError(f"{where}: the images are {h}×{w}, smaller than the {s}×{s} pooling "
                             f"block. Use a smaller size or fewer pooling layers.")
        self.x_shape = x.shape
        x = x[:, :, :h - h % s, :w - w % s]                   # drop a last odd row/column
        blocks = x.reshape(n, c, h // s, s, w // s, s).transpose(0, 1, 2, 4, 3, 5)
        return blocks.reshape(n, c, h // s, w // s, s * s)

    def _unblock(self, grad_blocks: Array) -> Array:
        """The inverse of ``_blocks``: (n, c, h // s, w // s, s·s) back to (n, c, h, w)."""
        n, c, h, w = self._saved("x_shape")
        s = self.size
        grad = grad_blocks.reshape(n, c, h // s, w // s, s, s).transpose(0, 1, 2, 4, 3, 5)
        dx = np.zeros((n, c, h, w), dtype=grad_blocks.dtype)
        dx[:, :, :h - h % s, :w - w % s] = grad.reshape(n, c, h - h % s, w - w % s)
        return dx

    def output_shape(self, input_shape: tuple[int, int, int]) -> tuple[int, int, int]:
        """(channels, height, width) out for (channels, height, width) in."""
        c, h, w = input_shape
        return c, h // self.size, w // self.size

    def config(self) -> dict:
        return {"size": self.size, "name": self.name}


class MaxPool2D(Pool2D):
    """Max pooling: keep the largest value of each size × size block (blocks do not overlap).

    Forward:  a[n, c, i, j] = max over the block x[n, c, s·i : s·i + s, s·j : s·j + s]
              x: (n, c, h, w) → a: (n, c, h // s, w // s)   (a last odd row/column is dropped)
    Backward: the whole gradient da[n, c, i, j] goes to the one input that was the maximum
              (the first one if several tie); the other inputs of the block get 0.
    No parameters.
    """

    def __init__(self, size: int = 2, name: str | None = None) -> None:
        super().__init__(size, name)
        self.argmax: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        blocks = self._blocks(x)
        self.argmax = blocks.argmax(axis=-1)                          # (n, c, h // s, w // s)
        return np.take_along_axis(blocks, self.argmax[..., None], axis=-1)[..., 0]

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array:
        argmax = self._saved("argmax")
        grad_output = self._grad(grad_output, argmax.shape)
        grad_blocks = np.zeros(grad_output.shape + (self.size ** 2,), dtype=grad_output.dtype)
        np.put_along_axis(grad_blocks, argmax[..., None], grad_output[..., None], axis=-1)
        return self._unblock(grad_blocks)


class AvgPool2D(Pool2D):
    """Average pooling: the mean of each size × size block (blocks do not overlap).

    Forward:  a[n, c, i, j] = mean of the block x[n, c, s·i : s·i + s, s·j : s·j + s]
    Backward: every input of the block gets da[n, c, i, j] / (s·s).
    Shapes as in MaxPool2D. No parameters.
    """

    def forward(self, x: Array, training: bool = False) -> Array:
        return self._blocks(x).mean(axis=-1)

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array:
        n, c, h, w = self._saved("x_shape")
        grad_output = self._grad(grad_output, (n, c, h // self.size, w // self.size))
        share = grad_output[..., None] / self.size ** 2
        return self._unblock(np.repeat(share, self.size ** 2, axis=-1))


# ---------------------------------------------------------------- Flatten
class Flatten(Layer):
    """Turn each sample's feature maps into one row, for the Dense layers that follow.

    Forward:  (n, c, h, w) → (n, c·h·w)        Backward: (n, c·h·w) → (n, c, h, w)
    Nothing is computed, only reshaped, so the gradient is reshaped back. No parameters.
    """

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name or "flatten")
        self.x_shape: tuple[int, ...] | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        x = as_float_array(x, f"Flatten layer '{self.name}'")
        if x.ndim < 2:
            raise ValueError(f"Flatten layer '{self.name}': expected a batch of samples, "
                             f"(batch, …), got shape {x.shape}.")
        self.x_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array:
        n, *sample = self._saved("x_shape")
        return self._grad(grad_output, (n, int(np.prod(sample)))).reshape(n, *sample)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int]:
        """(features,) out for (channels, height, width) in."""
        return (int(np.prod(input_shape)),)


# ---------------------------------------------------------------- a CNN for the digits
def digits_cnn(filters: int = 12, seed: int | None = 0, dtype: type = np.float64):
    """A small CNN for the 8×8 digits; give it images ``X.reshape(-1, 1, 8, 8)``.

    (n, 1, 8, 8) → Conv2D 3×3 'same', ``filters`` maps → ReLU → (n, filters, 8, 8)
                 → Conv2D 3×3 'same', 2·filters maps → ReLU → (n, 2·filters, 8, 8)
                 → MaxPool2D(8): the largest value of each whole map → (n, 2·filters, 1, 1)
                 → Flatten → Dense → softmax → (n, 10)
    The last pooling keeps *whether* a feature was found, not *where*, so a digit moved by
    a pixel gives almost the same features. 12 filters: 2,986 parameters (the 64-64-10 MLP
    has 4,810). How it is trained: ``DIGITS_CNN_TRAINING``.
    """
    from nnedu.network import Sequential  # here, not at the top: network.py imports this module

    rng = np.random.default_rng(seed)
    return Sequential([
        Conv2D(1, filters, 3, padding="same", rng=rng, dtype=dtype), Activation("relu"),
        Conv2D(filters, 2 * filters, 3, padding="same", rng=rng, dtype=dtype), Activation("relu"),
        MaxPool2D(8), Flatten(),
        Dense(2 * filters, 10, rng=rng, dtype=dtype), Activation("softmax"),
    ])


#: How ``digits_cnn`` is trained on the digits: Adam with this lr and L2 weight decay, the
#: learning rate lowered along a cosine (``nnedu.optim.cosine(epochs)``), mini-batches of 32,
#: data and weights in float32 (faster here than float64, as accurate); 10 epochs as good as 15.
DIGITS_CNN_TRAINING = {"lr": 0.01, "weight_decay": 3e-4, "epochs": 10, "batch_size": 32,
                       "dtype": "float32"}


#: The layers of this module that ``Sequential.load`` can rebuild, by class name.
CONV_LAYER_TYPES = {"Conv2D": Conv2D, "MaxPool2D": MaxPool2D, "AvgPool2D": AvgPool2D,
                    "Flatten": Flatten}
