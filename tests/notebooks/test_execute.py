"""`python -m nnedu course execute`: the command that stores the outputs of the course notebooks."""

from __future__ import annotations

import base64
import hashlib
import json
import platform

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnedu.course import execute
from nnedu.course.widget_state import WIDGET_STATE, WIDGET_VIEW, missing_models, stabilise

pytestmark = pytest.mark.notebook


def _write(path, *cells, **metadata):
    nb = new_notebook(cells=list(cells))
    nb.metadata.update(metadata)
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- one real run
@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A notebook executed by `main`, with what the command printed."""
    folder = tmp_path_factory.mktemp("lesson")
    (folder / "data.txt").write_text("read from the notebook's folder")
    path = _write(
        folder / "demo.ipynb",
        new_markdown_cell("# Demo"),
        new_code_cell("print(open('data.txt').read())"),
        new_code_cell(
            "import os\n"
            "print(os.environ['PYTHONHASHSEED'], os.environ['MPLBACKEND'], hash('nnedu'))"
        ),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()"),
        new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=3)"),
        # interact prints into an Output widget: its capture must not break the run
        new_code_cell("ipywidgets.interact(lambda n: print(n * n), n=3);"),
        new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]}),
        new_code_cell("'after the error'"),
        widgets={"application/vnd.jupyter.widget-state+json": {"state": {}}},
    )
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    for cell in nb.cells:
        del cell["id"]
    nb.nbformat_minor = 4
    nbformat.write(nb, path)

    capture = pytest.MonkeyPatch()
    lines = []
    capture.setattr("builtins.print", lambda *a, **k: lines.append(" ".join(map(str, a))))
    try:
        status = execute.main([str(path)])
    finally:
        capture.undo()
    return status, nbformat.read(path, as_version=4), "\n".join(lines), path


def test_main_succeeds_and_reports_wall_time(executed):
    status, _, printed, path = executed
    assert status == 0
    assert f" s  {path}" in printed
    assert "executed 1 of 1 notebooks in" in printed


def test_every_code_cell_ran_in_order_with_outputs_stored(executed):
    _, nb, _, _ = executed
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == [1, 2, 3, 4, 5, 6, 7]
    assert code[0].outputs[0].text == "read from the notebook's folder\n"  # cwd = its folder
    assert code[6].outputs[0].data["text/plain"] == "'after the error'"


def test_kernel_gets_the_fixed_environment(executed):
    _, nb, _, _ = executed
    seed, backend, hashed = nb.cells[2].outputs[0].text.split()
    assert seed == "0"
    assert backend == "module://matplotlib_inline.backend_inline"
    # With PYTHONHASHSEED=0 the hash of a string is the same in every run.
    assert hashed == str(_hash_with_seed_zero("nnedu"))


def _hash_with_seed_zero(text):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", f"print(hash({text!r}))"],
        env={"PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def test_plot_is_stored_as_png(executed):
    _, nb, _, _ = executed
    outputs = nb.cells[3].outputs
    assert any("image/png" in output.get("data", {}) for output in outputs)


def test_allowed_error_is_stored(executed):
    _, nb, _, _ = executed
    assert nb.cells[6].outputs[0].output_type == "error"
    assert nb.cells[6].outputs[0].ename == "ZeroDivisionError"


def test_widget_views_point_at_stored_state(executed):
    _, nb, _, _ = executed
    slider = nb.cells[4].outputs[0].data[WIDGET_VIEW]["model_id"]
    interact = nb.cells[5].outputs[0].data
    assert "interactive(" in interact["text/plain"]
    state = nb.metadata.widgets[WIDGET_STATE]["state"]
    assert state[slider]["state"]["value"] == 3
    assert missing_models(nb) == []
    # what interact printed lives in its Output widget's state, not in the cell
    printed = [
        output["text"]
        for model in state.values()
        if model["model_name"] == "OutputModel"
        for output in model["state"]["outputs"]
    ]
    assert printed == ["9\n"]


def test_volatile_metadata_is_removed_and_ids_are_fixed(executed):
    _, nb, _, path = executed
    raw = json.loads(path.read_text())
    assert set(raw["metadata"]["widgets"]) == {WIDGET_STATE}
    # JupyterLab rewrites language_info from the kernel and marks the notebook modified when
    # that changes it: the kernel's own value, version included, is stored.
    assert raw["metadata"]["language_info"]["version"] == platform.python_version()
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    assert all("execution" not in cell["metadata"] for cell in raw["cells"])
    assert raw["nbformat_minor"] >= 5
    assert [cell["id"] for cell in raw["cells"]] == [f"cell-{i:03d}" for i in range(8)]
    nbformat.validate(nb)


# --------------------------------------------------------------------------- widget state
WIDGETS_SETUP = """\
import io
import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import display

def png(value):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, value])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
"""
# An explorer drawn into an Output with the inline backend (the old pattern), one drawn into an
# Image from one render (the new pattern), a widget shown inside an Output, a closed widget.
WIDGET_CELLS = [
    WIDGETS_SETUP,
    """\
slider = w.FloatSlider(value=0.5, description="w1")
out = w.Output()
with out:
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, slider.value])
    plt.show()
w.VBox([slider, out])""",
    """\
image = w.Image(value=png(2.0), format="png")
w.VBox([w.HBox([w.IntSlider(value=4, description="n")]), image])""",
    """\
inner = w.Output()
with inner:
    display(w.Button(description="step"))
gone = w.IntSlider()
gone.close()
inner""",
    # a progress bar is a widget whose text would hold timings
    """\
from tqdm.auto import tqdm
for _ in tqdm(range(3), desc="training"):
    pass""",
]


@pytest.fixture(scope="module")
def widget_runs(tmp_path_factory):
    """A notebook of widgets executed twice: the bytes after each run."""
    path = _write(
        tmp_path_factory.mktemp("widgets") / "widgets.ipynb",
        *(new_code_cell(source) for source in WIDGET_CELLS),
    )
    runs = []
    for _ in range(2):
        execute.execute_notebook(path)
        runs.append(path.read_bytes())
    return runs


def test_executing_an_unchanged_notebook_twice_gives_the_same_file(widget_runs):
    first, second = widget_runs
    assert first == second


def test_widget_state_is_complete_and_named_after_cell_ids(widget_runs):
    nb = nbformat.reads(widget_runs[0], as_version=4)
    assert missing_models(nb) == []
    views = [out.data[WIDGET_VIEW]["model_id"] for cell in nb.cells for out in cell.outputs
             if WIDGET_VIEW in out.get("data", {})]
    cells = [cell.id for cell in nb.cells[1:]]  # one widget shown by each cell after the setup
    assert views == [hashlib.md5(f"{cell_id}:0".encode()).hexdigest() for cell_id in cells]
    state = nb.metadata.widgets[WIDGET_STATE]["state"]
    # no model that no view shows (the closed slider), every reference resolves
    names = sorted(model["model_name"] for model in state.values())
    assert names.count("IntSliderModel") == 1
    assert all(model_id in state for model_id in views)


def test_output_widget_keeps_its_plot_and_image_widget_its_bytes(widget_runs):
    nb = nbformat.reads(widget_runs[0], as_version=4)
    state = nb.metadata.widgets[WIDGET_STATE]["state"]
    outputs = [model["state"] for model in state.values() if model["model_name"] == "OutputModel"]
    plots = [o for out in outputs for o in out["outputs"] if "image/png" in o.get("data", {})]
    assert len(plots) == 1
    assert all(out["msg_id"] == "" for out in outputs)
    images = [model for model in state.values() if model["model_name"] == "ImageModel"]
    assert len(images) == 1
    (buffer,) = images[0]["buffers"]
    assert buffer["path"] == ["value"]
    assert base64.b64decode(buffer["data"]).startswith(b"\x89PNG")
    # the button shown inside an Output is stored too
    assert any(model["model_name"] == "ButtonModel" for model in state.values())


def test_stabilise_renames_references_and_is_idempotent():
    nb = new_notebook(cells=[new_code_cell("box", outputs=[
        new_output("display_data", {WIDGET_VIEW: {"model_id": "aaa", "version_major": 2,
                                                  "version_minor": 0}, "text/plain": "VBox()"}),
    ])])
    nb.cells[0].id = "widget"
    nb.metadata["widgets"] = {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        "aaa": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_bbb"],
                                                     "layout": "IPY_MODEL_ccc"}},
        "bbb": {"model_name": "OutputModel", "state": {"msg_id": "1234", "outputs": []}},
        "ccc": {"model_name": "LayoutModel", "state": {}},
        "zzz": {"model_name": "IntSliderModel", "state": {}},
    }}}
    stabilise(nb)
    once = nbformat.writes(nb)
    stabilise(nb)
    assert nbformat.writes(nb) == once
    root = hashlib.md5(b"widget:0").hexdigest()
    child = hashlib.md5(f"{root}/children/0".encode()).hexdigest()
    layout = hashlib.md5(f"{root}/layout".encode()).hexdigest()
    state = nb.metadata.widgets[WIDGET_STATE]["state"]
    assert list(state) == [root, child, layout]
    assert state[root]["state"] == {"children": [f"IPY_MODEL_{child}"],
                                    "layout": f"IPY_MODEL_{layout}"}
    assert state[child]["state"]["msg_id"] == ""
    assert nb.cells[0].outputs[0].data[WIDGET_VIEW]["model_id"] == root


def test_stabilise_drops_state_that_no_view_shows():
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {"a": {"model_name": "X", "state": {}}}}}
    stabilise(nb)
    assert "widgets" not in nb.metadata


# --------------------------------------------------------------------------- failures
def test_error_cell_fails_with_message_and_leaves_file_unchanged(tmp_path, capsys):
    path = _write(
        tmp_path / "broken.ipynb",
        new_markdown_cell("# Broken"),
        new_code_cell("x = 1"),
        new_code_cell("raise ValueError('the weights have the wrong shape')"),
        new_code_cell("y = 2"),
    )
    before = path.read_bytes()

    assert execute.main([str(path)]) == 1

    err = capsys.readouterr().err
    assert f"{path} failed at cell 2" in err
    assert "ValueError: the weights have the wrong shape" in err
    assert "raises-exception" in err  # tells how to allow an intended error
    assert "\x1b[" not in err  # no terminal colour codes
    assert path.read_bytes() == before


def test_execute_notebook_raises_on_error(tmp_path):
    path = _write(tmp_path / "broken.ipynb", new_code_cell("undefined_name"))
    with pytest.raises(execute.NotebookExecutionError, match="NameError"):
        execute.execute_notebook(path)


# --------------------------------------------------------------------------- no kernel needed
def test_find_notebooks_expands_folders_and_skips_checkpoints(tmp_path):
    (tmp_path / "lessons" / ".ipynb_checkpoints").mkdir(parents=True)
    for name in ("02_b.ipynb", "01_a.ipynb", ".ipynb_checkpoints/01_a-checkpoint.ipynb"):
        _write(tmp_path / "lessons" / name)
    (tmp_path / "lessons" / "notes.md").write_text("not a notebook")
    one = _write(tmp_path / "one.ipynb")

    found = execute.find_notebooks([tmp_path / "lessons", one, tmp_path / "lessons" / "01_a.ipynb"])

    assert [p.name for p in found] == ["01_a.ipynb", "02_b.ipynb", "one.ipynb"]


def test_find_notebooks_rejects_missing_paths_and_other_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        execute.find_notebooks([tmp_path / "nope.ipynb"])
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(ValueError, match="not a notebook"):
        execute.find_notebooks([tmp_path / "notes.md"])


def test_main_with_missing_path_fails(tmp_path, capsys):
    assert execute.main([str(tmp_path / "nope.ipynb")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_main_with_empty_folder_fails(tmp_path, capsys):
    assert execute.main([str(tmp_path)]) == 1
    assert "no notebooks found" in capsys.readouterr().out


def test_print_env_lists_the_fixed_settings(capsys):
    assert execute.main(["--print-env"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "export PYTHONHASHSEED=0" in lines
    assert "export OPENBLAS_NUM_THREADS=1" in lines
    assert all(line.startswith("export ") for line in lines)
    # Only the fixed settings, not the whole environment of the caller.
    assert not any(line.startswith("export PATH=") for line in lines)


def test_kernel_env_keeps_the_base_and_overrides_fixed_keys():
    env = execute.kernel_env({"PATH": "/bin", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "123"})
    assert env["PATH"] == "/bin"
    assert env["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"
    assert env["PYTHONHASHSEED"] == "0"


def test_split_printed_text_is_joined():
    def stream(name, text):
        return new_output("stream", name=name, text=text)

    nb = new_notebook(cells=[new_code_cell("print('ab'); f()", outputs=[
        stream("stdout", "a"), stream("stdout", "b\n"), stream("stderr", "warning\n"),
        stream("stdout", "c\n"), new_output("execute_result", {"text/plain": "1"}),
    ])])
    execute.clean_metadata(nb)
    assert [(o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stdout", "ab\n"), ("stderr", "warning\n"), ("stdout", "c\n"), (None, None)]
