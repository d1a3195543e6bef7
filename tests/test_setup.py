"""The README's first command, `python3 scripts/start.py`: environment, install, JupyterLab.

The slow test does what a new student does on a fresh machine: it copies the repository,
runs the command's install part (a new `.venv/`, `pip install -e .` from the package index),
runs it again (nothing to install the second time), then starts JupyterLab the way the command
does and asks the server what it serves. The quick tests check the command's decisions.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
START = REPO / "scripts" / "start.py"
COURSE_HOME = "lessons/00_start_here.ipynb"

# What a copy of the course leaves out: environments, caches, build and test leftovers.
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".hypothesis", ".ruff_cache", "build",
                                     "dist", ".ipynb_checkpoints", "artifacts")


def load_start() -> ModuleType:
    """scripts/start.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("nnedu_start_script", START)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a student's shell: no active virtual environment, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH")}
    return env | extra


def run_start(repo: Path, *args: str, capsys=None, timeout: float = 1200) -> str:
    """Run `python scripts/start.py ARGS` in `repo`; echo its lines (it prints progress every
    10 s, so a long install is not silent) and return the whole output. Fails on a non-zero exit.
    """
    command = [sys.executable, str(repo / "scripts" / "start.py"), *args]
    lines = []
    deadline = time.monotonic() + timeout
    with subprocess.Popen(command, cwd=repo, env=clean_env(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        for line in process.stdout:
            lines.append(line)
            if capsys is not None:
                with capsys.disabled():
                    print(f"\n    | {line.rstrip()}", end="", flush=True)
            assert time.monotonic() < deadline, f"start.py took longer than {timeout} s"
        code = process.wait()
    if capsys is not None:
        with capsys.disabled():
            print(flush=True)  # pytest's progress continues on a line of its own
    output = "".join(lines)
    assert code == 0, f"{shlex.join(command)} exited with {code}:\n{output}"
    return output


def lab_command_from(output: str) -> list[str]:
    """The JupyterLab command line that `--dry-run` prints."""
    for line in output.splitlines():
        if line.startswith("[start] would run:") and "jupyterlab" in line:
            return shlex.split(line.split("would run:", 1)[1])
    raise AssertionError(f"no JupyterLab command in:\n{output}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str, str]:
    """Status, final address (after redirects) and body of a GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.geturl(), response.read().decode("utf-8", "replace")


# --------------------------------------------------------------------------- quick tests
def test_dry_run_starts_lab_at_the_repository_on_the_course_home():
    assert (REPO / COURSE_HOME).is_file(), "the course home notebook is missing"
    output = run_start(REPO, "--dry-run")
    command = lab_command_from(output)
    assert command[1:3] == ["-m", "jupyterlab"]
    assert Path(command[0]).parent.parent == REPO / ".venv"
    assert f"--ServerApp.root_dir={REPO}" in command
    assert f"--LabApp.default_url=/lab/tree/{COURSE_HOME}" in command
    # A notebook path as argument would make its folder the root: links to exercises/ break.
    assert not [arg for arg in command[3:] if not arg.startswith("--")]
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    assert "--no-browser" not in command
    assert "--no-browser" in lab_command_from(run_start(REPO, "--dry-run", "--no-browser"))


def test_arguments_after_double_dash_go_to_lab():
    command = lab_command_from(run_start(REPO, "--dry-run", "--", "--port", "8899"))
    assert command[-2:] == ["--port", "8899"]


def test_up_to_date_needs_same_pyproject_python_and_extras(tmp_path):
    start = load_start()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'x'\n")
    stamp = start.wanted_state(pyproject, "3.11.2", ["test", "browser"])
    assert start.is_up_to_date(stamp, start.wanted_state(pyproject, "3.11.2", []))
    assert start.is_up_to_date(stamp, start.wanted_state(pyproject, "3.11.2", ["test"]))
    assert not start.is_up_to_date(stamp, start.wanted_state(pyproject, "3.11.2", ["instructor"]))
    assert not start.is_up_to_date(stamp, start.wanted_state(pyproject, "3.12.1", []))
    assert not start.is_up_to_date(None, start.wanted_state(pyproject, "3.11.2", []))
    pyproject.write_text("[project]\nname = 'x'\ndependencies = ['numpy']\n")
    assert not start.is_up_to_date(stamp, start.wanted_state(pyproject, "3.11.2", []))


def test_missing_venv_module_prints_the_apt_command(tmp_path, monkeypatch, capsys):
    start = load_start()
    monkeypatch.setitem(sys.modules, "ensurepip", None)  # as on Debian without python3-venv
    assert not start.has_venv_module()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setattr(start, "REPO", tmp_path)
    monkeypatch.setattr(start, "VENV", tmp_path / ".venv")
    with pytest.raises(SystemExit) as exit_info:
        start.ensure_installed([])
    message = str(exit_info.value)
    assert "apt-get install -y python3-venv" in message
    assert not (tmp_path / ".venv").exists()


# --------------------------------------------------------------------------- the real install
@pytest.mark.slow
def test_fresh_install_then_nothing_to_do_then_lab_serves_the_repository(tmp_path, capsys):
    course = tmp_path / "course"
    shutil.copytree(REPO, course, ignore=COPY_IGNORE)
    venv_python = course / ".venv" / "bin" / "python"

    first = run_start(course, "--install-only", capsys=capsys)
    assert "making the virtual environment .venv/" in first
    assert "installed in" in first
    stamp = json.loads((course / ".venv" / "nnedu-install.json").read_text())
    assert stamp["extras"] == []
    # Editable install: the venv imports the copy's nnedu, and JupyterLab is there.
    found = subprocess.run(
        [str(venv_python), "-c", "import nnedu, jupyterlab, ipywidgets, sklearn; "
                                 "print(nnedu.__file__)"],
        capture_output=True, text=True, env=clean_env(), cwd=tmp_path, check=True,
    ).stdout.strip()
    assert Path(found) == course / "nnedu" / "__init__.py"
    assert (course / ".venv" / "bin" / "jupyter-lab").is_file()

    second = run_start(course, "--install-only", capsys=capsys)
    assert ".venv/ is up to date" in second
    assert "installing" not in second and "making" not in second

    # Start JupyterLab exactly as the command does (it execs Lab: the pid is the server's).
    port, token = free_port(), "nnedu-setup-test"
    runtime = tmp_path / "runtime"
    env = clean_env(JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
                    JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
                    JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        lab = subprocess.Popen(
            [sys.executable, str(course / "scripts" / "start.py"), "--no-browser", "--",
             f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
             "--LabApp.news_url=None"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert lab.poll() is None, f"JupyterLab stopped:\n{log.read_text()}"
            try:
                get(f"{base}/api/status?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, f"no JupyterLab after 120 s:\n{log.read_text()}"
                time.sleep(1)
        status, _, body = get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {"lessons", "exercises", "solutions", "README.md"} <= names
        status, landed, _ = get(f"{base}/?token={token}")
        assert status == 200
        assert landed.split("?")[0] == f"{base}/lab/tree/{COURSE_HOME}"
        _, _, body = get(f"{base}/api/contents/{COURSE_HOME}?content=0&token={token}")
        assert json.loads(body)["type"] == "notebook"
        printed = log.read_text()
        assert f"{base}/lab/tree/{COURSE_HOME}?token=" in printed  # the address a student opens
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
