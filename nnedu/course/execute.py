"""Run course notebooks top to bottom on a fresh kernel and store their outputs.

This is the command that produces every output committed in ``lessons/`` and ``solutions/``::

    python -m nnedu course execute lessons/01_weighted_sum.ipynb   # one notebook
    python -m nnedu course execute lessons solutions               # every notebook in these folders
    python -m nnedu course execute                                 # the same as: lessons solutions

What it does for each notebook:

1. starts a new Python kernel of the interpreter running this command, in the notebook's
   own folder (so ``open("data.csv")`` finds files next to the notebook);
2. gives the kernel a fixed environment (`kernel_env`): hash seed 0, the inline matplotlib
   backend with matplotlib's default settings, one BLAS thread (sums add up in the same
   order on every machine), progress bars without timings;
3. runs every cell in order and stores the outputs in the file;
4. stores the widgets' state (``metadata.widgets``), so that a lesson opened before running
   shows every widget with its controls and its picture (in JupyterLab and in
   ``jupyter nbconvert --to html``); widget ids are made from cell ids
   (`nnedu.course.widget_state`), so an unchanged notebook executes to the same file;
5. removes what changes from run to run without meaning anything: execution timings.
   It keeps the kernel's ``language_info`` as the kernel reports it, Python version included:
   JupyterLab writes the running kernel's ``language_info`` into an opened notebook and marks it
   modified when that changes anything.

Text printed from a widget callback (``interact``, ``with output:``) is stored in the widget's
state, not as a cell output, so nbval sees it as new output: tag such a cell
``nbval-ignore-output``.

A cell that raises an error stops the run: the command prints the cell and the error and
leaves the notebook file unchanged. A cell whose error is part of the lesson carries the
cell tag ``raises-exception`` (which the notebook tests understand too).

The exit status is 0 when every notebook ran, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from nnedu.course.widget_state import stabilise

DEFAULT_FOLDERS = ("lessons", "solutions")
KERNEL_NAME = "python3"

# Cell metadata written by Jupyter front ends or extensions that changes on every run.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")


class NotebookExecutionError(RuntimeError):
    """A cell of a notebook raised an error that its tags do not allow."""


def kernel_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every notebook kernel: ``base`` (default ``os.environ``) + fixed settings.

    The notebook tests (``scripts/test.sh``) run the kernels with this same environment, so the
    outputs they compare against were made under the same conditions.
    """
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "PYTHONHASHSEED": "0",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "SOURCE_DATE_EPOCH": "0",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
            # Progress bars (tqdm) without the elapsed time and rate, which differ on every run.
            "TQDM_BAR_FORMAT": "{l_bar}{bar}| {n_fmt}/{total_fmt}{postfix}",
        }
    )
    default_rc = _matplotlib_default_rc()
    if default_rc is not None:
        # Matplotlib's own defaults, so that a personal matplotlibrc cannot change a figure.
        env["MATPLOTLIBRC"] = str(default_rc)
    return env


def _matplotlib_default_rc() -> Path | None:
    """The ``matplotlibrc`` file that ships with matplotlib (found without importing it)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "mpl-data" / "matplotlibrc"
    return path if path.is_file() else None


def find_notebooks(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand ``paths`` into a sorted list of ``.ipynb`` files; a folder means every notebook in it.

    Raises ``FileNotFoundError`` for a path that does not exist and ``ValueError`` for a file
    that is not a notebook.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
            )
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise ValueError(
                    f"nnedu course execute: {path} is not a notebook "
                    "(expected a .ipynb file or a folder)."
                )
            found.append(path)
        else:
            raise FileNotFoundError(
                f"nnedu course execute: {path} does not exist. Give notebook files or folders, "
                "relative to the folder you run the command from."
            )
    # The same notebook named twice runs once.
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def clean_metadata(nb) -> None:
    """Remove run-to-run noise from a notebook, in place.

    Drops execution timings, gives the notebook the standard Python 3 kernel spec, gives every
    cell a fixed id if it has none (nbformat 4.5), joins split printed text and gives every
    widget model a fixed id
    (`nnedu.course.widget_state.stabilise`, which also drops models no view shows).
    """
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": KERNEL_NAME,
    }
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    _ensure_cell_ids(nb)
    _coalesce_streams(nb)
    stabilise(nb)


def _coalesce_streams(nb) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one, in place.

    How printed text is cut into messages depends on when the kernel flushes, so the same cell
    can store "a" + "b\\n" in one run and "ab\\n" in the next; joined, both store the same.
    """
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                previous["text"] += output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged


def _ensure_cell_ids(nb) -> None:
    """Give cells without an id a fixed one (``cell-007``), so ids never change between runs."""
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        nb.nbformat_minor = 5
    taken = {cell.get("id") for cell in nb.cells if cell.get("id")}
    for index, cell in enumerate(nb.cells):
        if cell.get("id"):
            continue
        candidate, suffix = f"cell-{index:03d}", 0
        while candidate in taken:
            suffix += 1
            candidate = f"cell-{index:03d}-{suffix}"
        cell["id"] = candidate
        taken.add(candidate)


def _quiet_output_widget():
    """nbclient's stand-in for ``ipywidgets.Output`` that does not write back to the kernel.

    nbclient keeps its own copy of every Output widget to capture what is drawn into it, and
    by default sends the kernel a message about each change. With ipykernel 7 that message
    sometimes leaves the cell's reply undelivered, so the run waits for the whole cell timeout.
    The kernel does not need those messages to produce the outputs, so this copy stays quiet.
    """
    from nbclient.output_widget import OutputWidget

    class QuietOutputWidget(OutputWidget):
        def _publish_msg(self, *args, **kwargs) -> None:
            return None

    return QuietOutputWidget


def execute_notebook(path: str | os.PathLike[str], timeout: int = 90) -> float:
    """Execute the notebook at ``path`` in place on a fresh kernel; return the wall time in seconds.

    Raises ``NotebookExecutionError`` (and leaves the file unchanged) when a cell raises an error
    and is not tagged ``raises-exception``.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    clean_metadata(nb)
    current = {"index": -1}

    def remember_cell(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=120,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=_current_env_kernel_manager(),
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
        store_widget_state=True,  # stored, so that lessons open with their widgets drawn
        # The kernel's own start-up notices are not part of the notebook's story.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        on_cell_execute=remember_cell,
    )
    client.widget_registry = {"@jupyter-widgets/output": {"OutputModel": _quiet_output_widget()}}
    start = time.perf_counter()
    try:
        client.execute(env=kernel_env())
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        where = f"cell {current['index']}" if current["index"] >= 0 else "kernel start"
        raise NotebookExecutionError(
            f"{path} failed at {where} (counting code and markdown cells from 0); "
            f"the file was not changed.\n{_strip_ansi(str(error))}\n"
            "Fix the cell, or tag it `raises-exception` if the error is part of the lesson."
        ) from error
    seconds = time.perf_counter() - start
    clean_metadata(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def _current_env_kernel_manager():
    """A kernel manager class whose ``python3`` kernel is this interpreter's ipykernel.

    A ``python3`` kernel spec installed somewhere else (another virtual environment, a system
    Python) would otherwise run the notebook with other package versions.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class CurrentEnvKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name, *args, **kwargs):
            if kernel_name == KERNEL_NAME:
                return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())
            return super().get_kernel_spec(kernel_name, *args, **kwargs)

    class CurrentEnvKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return CurrentEnvKernelSpecManager(data_dir=self.data_dir)

    return CurrentEnvKernelManager


def _strip_ansi(text: str) -> str:
    """Remove terminal colour codes (IPython colours its tracebacks)."""
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status (0: every notebook ran)."""
    parser = argparse.ArgumentParser(
        prog="python -m nnedu course execute",
        description="Execute notebooks in place on a fresh kernel and store their outputs.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        help="notebooks or folders of notebooks (default: lessons solutions)",
    )
    parser.add_argument(
        "--timeout", type=int, default=90,
        help="seconds one cell may take (default: 90; a lesson's cells take seconds)",
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print the fixed kernel environment as shell `export` lines and stop",
    )
    args = parser.parse_args(argv)

    if args.print_env:
        fixed = kernel_env({})
        for key in sorted(fixed):
            print(f"export {key}={shlex.quote(fixed[key])}")
        return 0

    paths = args.paths or [folder for folder in DEFAULT_FOLDERS if Path(folder).is_dir()]
    try:
        notebooks = find_notebooks(paths)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    if not notebooks:
        print(f"nnedu course execute: no notebooks found in {' '.join(map(str, paths)) or '.'}")
        return 1

    failed: list[Path] = []
    total = 0.0
    for notebook in notebooks:
        try:
            seconds = execute_notebook(notebook, timeout=args.timeout)
        except NotebookExecutionError as error:
            print(f"FAILED {error}", file=sys.stderr)
            failed.append(notebook)
            continue
        total += seconds
        print(f"{seconds:7.1f} s  {notebook}", flush=True)

    ran = len(notebooks) - len(failed)
    print(f"executed {ran} of {len(notebooks)} notebooks in {total:.1f} s")
    if failed:
        print("failed: " + " ".join(str(path) for path in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
