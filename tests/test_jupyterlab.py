"""JupyterLab check: `make lab`'s own command (read with `make -n lab`), headless on a free
127.0.0.1 port with a token, serves the whole project (root directory = project root, the file
browser opening on notebooks/, `src/analysis` in the contents API; as root it starts because the
target adds --allow-root), lists the project's named kernel, opens every notebook, runs a cell
that imports `analysis`, and runs a notebook's cells twice in one kernel with nothing on stderr
and no "already loaded" message (REST API + the kernel's websocket channel). The server is
stopped at the end."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import websocket  # websocket-client

from analysis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A running JupyterLab server and a minimal REST client for it."""

    def __init__(self, process: subprocess.Popen, port: int, token: str, log: Path):
        self.process, self.port, self.token, self.log = process, port, token, log
        self.base = f"http://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | str]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        try:
            return status, json.loads(text) if text else {}
        except ValueError:
            return status, text

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def lab_command() -> str:
    """The shell command of `make lab` (its set-up step treated as done), with this
    environment's Jupyter (the tests may run from another virtual environment)."""
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", "-o", ".venv/.installed"],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    command = printed.stdout.replace("\\\n", " ").strip()
    assert command.startswith(".venv/bin/jupyter lab "), command
    return command.replace(".venv/bin/jupyter", shlex.quote(str(Path(sys.executable).parent / "jupyter")), 1)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = free_port(), secrets.token_hex(24)
    folder = tmp_path_factory.mktemp("jupyterlab")
    log = folder / "server.log"
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
    }  # no user configuration leaks in
    extra = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--LabApp.extension_manager=readonly",
    ]  # never asks a package index
    command = f"exec {lab_command()} {shlex.join(extra)}"
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["bash", "-c", command], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=paths.PROJECT_ROOT
        )
    server = Lab(process, port, token, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, f"jupyter lab exited early:\n{server.logs()}"
            try:
                status, _ = server.request("GET", "/api/status")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"jupyter lab did not start:\n{server.logs()}"
            time.sleep(0.3)
        yield server
    finally:
        try:
            server.request("POST", "/api/shutdown")
            process.wait(timeout=30)
        except Exception:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert process.returncode is not None


def test_the_server_requires_its_token(lab):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{lab.base}/api/kernelspecs", timeout=10)
    assert refused.value.code == 403
    status, page = lab.request("GET", "/lab")
    assert status == 200 and "JupyterLab" in page


def test_the_project_kernel_is_listed(lab):
    status, specs = lab.request("GET", "/api/kernelspecs")
    assert status == 200
    assert paths.KERNEL_NAME in specs["kernelspecs"], sorted(specs["kernelspecs"])
    spec = specs["kernelspecs"][paths.KERNEL_NAME]["spec"]
    assert spec["language"] == "python" and spec["display_name"] == "Python (pak-afg-analysis)"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_opens(lab, notebook):
    status, model = lab.request("GET", f"/api/contents/notebooks/{notebook.name}?content=1")
    assert status == 200, model
    assert model["type"] == "notebook" and model["content"]["cells"]
    assert model["content"]["metadata"]["kernelspec"]["name"] == paths.KERNEL_NAME


def _message(session: str, code: str) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "test",
            "session": session,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": {},
        "channel": "shell",
        "buffers": [],
        "content": {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    }


class KernelSession:
    """A notebook session of the lab with its kernel's websocket channel open."""

    def __init__(self, lab: Lab, notebook: Path):
        status, self.session = lab.request(
            "POST",
            "/api/sessions",
            {
                "path": f"notebooks/{notebook.name}",
                "type": "notebook",
                "name": notebook.name,
                "kernel": {"name": paths.KERNEL_NAME},
            },
        )
        assert status == 201, self.session
        self.lab, self.kernel_id, self.client = lab, self.session["kernel"]["id"], uuid.uuid4().hex
        self.channel = websocket.create_connection(
            f"ws://127.0.0.1:{lab.port}/api/kernels/{self.kernel_id}/channels?session_id={self.client}",
            header=[f"Authorization: token {lab.token}"],
            timeout=300,
        )

    def run(self, code: str) -> dict[str, str]:
        """Execute code; return the text it sent to ``stdout``, ``stderr`` and ``display``
        (every text/plain and text/markdown output). Fails on an error."""
        request = _message(self.client, code)
        self.channel.send(json.dumps(request))
        texts = {"stdout": "", "stderr": "", "display": ""}
        reply, idle = None, False
        deadline = time.monotonic() + 300
        while (reply is None or not idle) and time.monotonic() < deadline:
            message = json.loads(self.channel.recv())
            if message.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "stream":
                texts[content["name"]] += content["text"]
            elif kind in ("display_data", "execute_result"):
                data = content.get("data", {})
                texts["display"] += data.get("text/plain", "") + data.get("text/markdown", "")
            elif kind == "error":
                pytest.fail(f"{code[:200]}\n" + "\n".join(content["traceback"]))
            elif kind == "execute_reply":
                reply = content
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True  # every output of the request has been sent
        assert reply is not None and reply["status"] == "ok", reply
        return texts

    def close(self) -> None:
        self.channel.close()
        self.lab.request("DELETE", f"/api/sessions/{self.session['id']}")
        status, kernels = self.lab.request("GET", "/api/kernels")
        assert self.kernel_id not in {k["id"] for k in kernels}  # the session's kernel was shut down


def test_a_cell_importing_analysis_runs_in_a_kernel_session(lab):
    kernel = KernelSession(lab, NOTEBOOKS[0])
    try:
        texts = kernel.run(
            "import analysis, analysis.paths\nprint(analysis.__version__, analysis.paths.PROJECT_ROOT)"
        )
    finally:
        kernel.close()
    from analysis import __version__

    assert texts["stdout"].strip() == f"{__version__} {paths.PROJECT_ROOT}"


def test_the_lab_serves_the_whole_project_and_opens_on_the_notebooks(lab):
    status, root = lab.request("GET", "/api/contents?content=1")
    assert status == 200, root
    names = {item["name"] for item in root["content"]}
    assert {"notebooks", "src", "data", "reports", "README.md"} <= names, sorted(names)
    status, package = lab.request("GET", "/api/contents/src/analysis?content=1")
    assert status == 200 and package["type"] == "directory", package
    assert {"__init__.py", "paths.py"} <= {item["name"] for item in package["content"]}
    request = urllib.request.Request(lab.base + "/", headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # follows the redirect
        assert response.geturl().endswith("/lab/tree/notebooks"), response.geturl()


QUIET_NOTEBOOK = paths.NOTEBOOKS_DIR / "04_claims_check.ipynb"  # the quickest to run


def test_a_notebook_runs_twice_in_one_kernel_with_nothing_spurious(lab):
    """A researcher's loop: run all, edit, run all again, in the same kernel."""
    import nbformat

    cells = [c.source for c in nbformat.read(QUIET_NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    kernel = KernelSession(lab, QUIET_NOTEBOOK)
    try:
        runs = [[kernel.run(code) for code in cells] for _ in range(2)]
    finally:
        kernel.close()
    for number, run in enumerate(runs, start=1):
        stderr = "".join(texts["stderr"] for texts in run)
        assert stderr == "", f"run {number} wrote to stderr:\n{stderr[:2000]}"
        everything = "".join(text for texts in run for text in texts.values())
        assert "already loaded" not in everything, f"run {number}"
        assert everything.strip(), f"run {number} showed nothing"
