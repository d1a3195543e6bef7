"""Browser tests: a real JupyterLab in headless Chromium shows the notebooks; we move the widgets.

Writing a test for a lesson
===========================

Create ``tests/browser/test_lesson_NN.py``::

    import pytest
    from harness import expect_output, move_slider, open_notebook, run_all, screenshot

    pytestmark = pytest.mark.browser


    def test_bias_slider_moves_the_boundary(page):
        open_notebook(page, "lessons/01_weighted_sum.ipynb")
        run_all(page)
        move_slider(page, "b", 4)                 # slider by description (or index 0, 1, ...)
        expect_output(page, "b = 0.40", index=0)  # text in the first widget Output
        screenshot(page, "lesson01_bias")         # then look at artifacts/lesson01_bias.png

What is served: a temporary copy of the repository's ``lessons/``, ``exercises/`` and
``solutions/`` folders (laid out as in the repository, so relative links work) and of
``tests/browser/fixtures/`` (as ``fixtures/``), so tests may run cells and Lab may save without
touching the repository. The copy is restored after each test. The notebooks are trusted (signed
with the server's key, as ``jupyter trust`` does), so stored widgets are drawn before running.
``NNEDU_BROWSER_SOURCE=<folder>`` serves that folder's lessons/, exercises/ and solutions/
instead (e.g. notebooks executed into a temporary copy).

Fixtures
--------
``page``         a fresh Chromium tab (own browser context), logged in to the Lab server.
                 After the test: a screenshot ``FAILED-<test>.png`` if it failed, the tab closes,
                 every kernel session is deleted and the served files are restored.
``lab_server``   the session's JupyterLab: ``.url``, ``.token``, ``.root`` (served folder),
                 ``.api(method, path)`` for its REST API.
``browser``      the session's Chromium (Playwright ``Browser``).

Helpers (``from harness import ...``; all take ``page`` first)
----------------------------------------------------------------
``open_notebook(page, name)``             open and wait for an idle kernel; returns the panel
``run_all(page)``                         run every cell, wait until the kernel is idle
``wait_for_idle(page)``                   wait for the kernel (after a click that runs code)
``slider(page, which)``                   Locator of a slider; ``which`` = index or description
``move_slider(page, which, steps)``       arrow keys on the handle; returns the new readout text
``slider_value(page, which)``             the readout text
``click_button(page, text)``              click an ``ipywidgets.Button`` by caption
``choose_toggle(page, option)``           press an option of ``ToggleButtons``
``select_dropdown(page, which, option)``  choose in a ``Dropdown`` by index or description
``widget_output(page, index)``            Locator of the index-th ``Output`` (interact's too)
``output_text(page, index)``              its text now
``expect_output(page, text, index)``      wait until it contains ``text``
``cell_output_text(page, code_cell)``     text of a code cell's output area
``output_image_bytes(page, index)``       PNG bytes of the plot in an ``Output``
``wait_for_new_image(page, before, index)``  wait until that plot differs from ``before``
                                          and has settled; returns the final PNG bytes
``wait_for_stable_image(page, index)``    wait until a plot stops changing; returns its bytes
``screenshot(page, name)``                save ``<artifacts>/<name>.png`` and return its path

Tips: wait for the exact final value (a slider passes through every step); format the floats
a widget prints (``f"{b:.2f}"``); every wait already has a 60 s limit, so never add sleeps.

Running: ``pytest tests/browser`` (about 10 s per notebook plus 5 s for the server). Screenshots go
to ``tests/browser/artifacts/`` or ``$NNEDU_ARTIFACTS``. Needs ``playwright`` (Python package,
installed by the ``[browser]`` extra) and Debian's Chromium at ``/usr/bin/chromium`` (or
``$NNEDU_CHROMIUM``); ``scripts/test.sh`` installs it. Without them the tests are skipped, except
under CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Where the served notebooks come from: the repository, or (to try notebooks executed elsewhere)
# a folder with the same layout named by $NNEDU_BROWSER_SOURCE.
SOURCE_ROOT = Path(os.environ.get("NNEDU_BROWSER_SOURCE") or REPO_ROOT)
# Folders served by Lab: source path -> name in the served folder (laid out as in the repository,
# so the relative links between lessons/, exercises/ and solutions/ work).
SERVED_FOLDERS = {
    SOURCE_ROOT / "lessons": "lessons",
    SOURCE_ROOT / "exercises": "exercises",
    SOURCE_ROOT / "solutions": "solutions",
    REPO_ROOT / "tests" / "browser" / "fixtures": "fixtures",
}
CHROMIUM = os.environ.get("NNEDU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 90
BROWSER_DIR = Path(__file__).resolve().parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects
def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, marked or not."""
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the ``page`` fixture knows about failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _missing_browser_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[browser]')"
    if not Path(CHROMIUM).is_file():
        return (
            f"Chromium not found at {CHROMIUM} "
            "(apt-get install chromium, or set NNEDU_CHROMIUM to its path)"
        )
    return None


@pytest.fixture(scope="session")
def _browser_available():
    reason = _missing_browser_reason()
    if reason is not None:
        if in_ci():
            pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")


# --------------------------------------------------------------------------- Lab server
@dataclass
class LabServer:
    url: str  # ends with "/"
    token: str
    root: Path
    process: subprocess.Popen
    log_path: Path

    def api(self, method: str, path: str, timeout: float = 10):
        """Call the REST API (``path`` like ``"api/sessions"``); return the parsed JSON or None."""
        request = urllib.request.Request(
            self.url + path.lstrip("/"),
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_served_folders(root: Path) -> None:
    for source, name in SERVED_FOLDERS.items():
        if source.is_dir():
            shutil.copytree(
                source,
                root / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )


def _trust_notebooks(root: Path, data_dir: Path) -> None:
    """Sign every served notebook with the server's key, as ``jupyter trust`` does for a student.

    JupyterLab draws a stored widget (and any other output it cannot sanitise) only in a trusted
    notebook; in an untrusted one the widget shows as its text form until the cell is run. The
    signature covers the content, so restoring an unchanged copy keeps it trusted.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(data_dir=str(data_dir))
    for path in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in path.parts:
            notary.sign(nbformat.read(path, as_version=4))


def _lab_environment(home: Path) -> dict[str, str]:
    """Environment of the Lab server and its kernels: everything in a temporary folder."""
    from nnedu.course.execute import kernel_env

    env = kernel_env()  # the notebooks' fixed settings, including the inline plot backend
    folders = {
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTER_CONFIG_DIR": home / "config",  # ignore a personal ~/.jupyter
        "JUPYTER_DATA_DIR": home / "data",  # ignore personal kernels and extensions
        "JUPYTERLAB_SETTINGS_DIR": home / "settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    env.update({key: str(value) for key, value in folders.items()})
    # No news or update pop-ups over the notebook.
    notification = folders["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return env


def _wait_until_answering(server: LabServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with code {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            server.api("GET", "api/status", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.25)
    raise RuntimeError(
        f"jupyter lab did not answer within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}"
    )


def _stop(process: subprocess.Popen) -> None:
    """Stop the server we started, by its own PID: SIGINT twice is Jupyter's clean shutdown."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGINT)
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def lab_server(_browser_available, tmp_path_factory):
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "served"
    root.mkdir()
    _copy_served_folders(root)
    port, token = _free_port(), uuid.uuid4().hex
    log_path = home / "jupyterlab.log"
    environment = _lab_environment(home)
    _trust_notebooks(root, Path(environment["JUPYTER_DATA_DIR"]))
    command = [
        sys.executable, "-m", "jupyterlab",
        "--allow-root",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LabServer(f"http://127.0.0.1:{port}/", token, root, process, log_path)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        _stop(process)


def _delete_kernel_sessions(server: LabServer) -> None:
    for session in server.api("GET", "api/sessions") or []:
        server.api("DELETE", f"api/sessions/{session['id']}")
    for kernel in server.api("GET", "api/kernels") or []:
        server.api("DELETE", f"api/kernels/{kernel['id']}")


# --------------------------------------------------------------------------- Chromium
@pytest.fixture(scope="session")
def browser(_browser_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab_server, request):
    from harness import DEFAULT_TIMEOUT_MS, screenshot
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    context = browser.new_context(base_url=lab_server.url, viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    # One request with the token: the server answers with a login cookie for this context.
    context.request.get(f"lab?token={lab_server.token}")
    tab = context.new_page()
    try:
        yield tab
    finally:
        call = getattr(request.node, "report_call", None)
        if call is not None and call.failed:
            try:
                path = screenshot(tab, f"FAILED-{request.node.name}")
                print(f"screenshot of the failed test: {path}")
            except Exception as error:  # the page may be gone; the test failure is what matters
                print(f"no screenshot of the failed test: {error}")
        context.close()
        _delete_kernel_sessions(lab_server)
        _copy_served_folders(lab_server.root)
