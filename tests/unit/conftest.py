"""Shared setup for the unit tests of the core library.

The package is normally installed (``pip install -e .``). When it is not, the repository
root is put on ``sys.path`` so that ``import nnedu`` still finds the working copy.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

if importlib.util.find_spec("nnedu") is None:  # not installed: use the working copy
    sys.path.insert(0, str(ROOT))
