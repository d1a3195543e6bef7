"""Small input checks shared by the library, so every error reads the same way.

Each check raises a ``ValueError`` or ``TypeError`` that names *who* complained
(``where``), what was expected, what was received, and what to do about it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable

import numpy as np


def as_float_array(x: object, where: str, name: str = "input") -> np.ndarray:
    """Turn ``x`` into a float numpy array, or explain why it cannot be one."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{where}: the {name} must be numbers (a list or numpy array of floats), "
            f"but got {type(x).__name__}: {err}."
        ) from None
    return arr


def check_2d(x: np.ndarray, where: str, name: str = "input") -> None:
    """Require a batch-first 2-D array of shape (n_samples, n_features)."""
    if x.ndim == 2:
        return
    if x.ndim == 1:
        raise ValueError(
            f"{where}: expected a 2-D {name} of shape (n_samples, n_features), got a 1-D array "
            f"of shape {x.shape}. For one sample use x.reshape(1, -1); for many samples of one "
            f"feature use x.reshape(-1, 1)."
        )
    raise ValueError(
        f"{where}: expected a 2-D {name} of shape (n_samples, n_features), got shape {x.shape}. "
        f"Flatten each sample first, e.g. x.reshape(len(x), -1)."
    )


def check_finite(x: np.ndarray, where: str, name: str = "input") -> None:
    """Refuse nan and inf: they silently poison every later number."""
    finite = np.isfinite(x)
    if not np.all(finite):
        bad = int(np.size(x) - np.count_nonzero(finite))
        first = tuple(int(i) for i in np.argwhere(~finite)[0])
        index = first[0] if len(first) == 1 else first
        raise ValueError(
            f"{where}: the {name} contains {bad} nan or inf value(s), the first one "
            f"({np.asarray(x)[first]}) at index {index}. Remove or fill them before training, "
            f"e.g. with np.nan_to_num or by dropping those rows."
        )


def check_features(x: np.ndarray, expected: int, where: str) -> None:
    """Require ``x.shape[1] == expected`` (the number of input features)."""
    if x.shape[1] != expected:
        raise ValueError(
            f"{where}: expected {expected} input feature(s) per sample, got {x.shape[1]} "
            f"(input shape {x.shape}). Check that the layer's in_features matches your data "
            f"or the previous layer's out_features."
        )


def check_same_shape(a: np.ndarray, b: np.ndarray, where: str,
                     names: tuple[str, str] = ("y_pred", "y_true")) -> None:
    """Require two arrays of exactly the same shape, with a hint for labels vs one-hot."""
    if a.shape == b.shape:
        return
    hint = "Give both arrays the same shape."
    if a.ndim == 2 and b.ndim == 1 and a.shape[0] == b.shape[0] and a.shape[1] == 1:
        hint = f"Make {names[1]} a column too: {names[1]}.reshape(-1, 1)."
    elif (a.ndim == 2 and b.ndim == 1 and a.shape[0] == b.shape[0]
            and "cross_entropy" in where):
        hint = (f"{names[1]} looks like integer labels while {names[0]} has one column per class: "
                f"convert the labels with nnedu.data.one_hot({names[1]}, {a.shape[1]}).")
    elif a.ndim == 2 and b.ndim == 1 and a.shape[0] == b.shape[0]:
        hint = (f"{names[0]} has {a.shape[1]} columns but {names[1]} one value per sample: give "
                f"{names[1]} one column per output (for class labels, one-hot rows: "
                f"nnedu.data.one_hot({names[1]}, {a.shape[1]})).")
    elif a.ndim == 1 and b.ndim == 2 and a.shape[0] == b.shape[0]:
        hint = f"Reshape {names[0]} with .reshape(-1, 1) or {names[1]} with .ravel()."
    raise ValueError(
        f"{where}: {names[0]} has shape {a.shape} but {names[1]} has shape {b.shape}. {hint}"
    )


def check_path(path: object, where: str, example: str = "'model.npz'") -> None:
    """Require a file name (str or pathlib.Path), not None or a number."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: the path must be a file name such as {example}, "
                        f"got {path!r}.")


def check_positive(value: float, where: str, name: str) -> None:
    """Require a number > 0, such as a learning rate."""
    if (not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool)
            or not 0 < value < float("inf")):
        raise ValueError(f"{where}: {name} must be a positive, finite number, got {value!r}.")


def unknown_name(kind: str, name: object, known: Iterable[str]) -> ValueError:
    """An error for an unknown activation/loss/optimizer name, suggesting the closest."""
    known = sorted(known)
    close = difflib.get_close_matches(str(name).lower(), known, n=1, cutoff=0.5)
    maybe = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}.{maybe} Choose one of: {', '.join(known)}.")
