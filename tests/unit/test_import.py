"""`import nnedu` and every core module load numpy only: no plotting, widgets, sklearn, tqdm,
threadpoolctl (fit imports it when it trains).

Each import runs in a fresh interpreter, so modules imported by earlier tests cannot hide
an eager import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "sklearn", "ipywidgets", "tqdm", "scipy", "threadpoolctl")
CORE = ("activations", "losses", "layers", "network", "optim", "train", "neuron", "gradcheck",
        "worked", "metrics", "data", "__main__")

CHECK = """
import importlib, sys
importlib.import_module({module!r})
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print("loaded:", heavy)
sys.exit(1 if heavy else 0)
"""


def import_in_fresh_python(module: str) -> subprocess.CompletedProcess:
    code = CHECK.format(module=module, heavy=HEAVY)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_import_nnedu_exactly_as_documented():
    code = ("import nnedu, sys; assert 'matplotlib' not in sys.modules and 'sklearn' not in "
            "sys.modules and 'ipywidgets' not in sys.modules and 'tqdm' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", ["nnedu", *(f"nnedu.{name}" for name in CORE)])
def test_core_module_imports_numpy_only(module):
    result = import_in_fresh_python(module)
    assert result.returncode == 0, f"{module}: {result.stdout.strip()} {result.stderr.strip()}"
    assert "loaded: []" in result.stdout


def test_the_package_has_a_version():
    import nnedu

    assert isinstance(nnedu.__version__, str) and nnedu.__version__.count(".") >= 1
