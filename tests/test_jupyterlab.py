"""JupyterLab check: a headless `jupyter lab` on a free 127.0.0.1 port with a token lists the
project's named kernel, opens every notebook, and runs a cell that imports `analysis` in a
kernel session (REST API + the kernel's websocket channel). The server is stopped at the end."""

from __future__ import annotations

import json
import os
import secrets
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
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = free_port(), secrets.token_hex(24)
    folder = tmp_path_factory.mktemp("jupyterlab")
    log = folder / "server.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
           "JUPYTER_CONFIG_DIR": str(folder / "config")}  # no user configuration leaks in
    command = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={paths.PROJECT_ROOT}",
               "--LabApp.extension_manager=readonly"]  # never asks a package index
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=paths.PROJECT_ROOT)
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
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "test", "session": session,
                       "msg_type": "execute_request", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}


def test_a_cell_importing_analysis_runs_in_a_kernel_session(lab):
    status, session = lab.request("POST", "/api/sessions", {
        "path": f"notebooks/{NOTEBOOKS[0].name}", "type": "notebook", "name": NOTEBOOKS[0].name,
        "kernel": {"name": paths.KERNEL_NAME}})
    assert status == 201, session
    kernel_id = session["kernel"]["id"]
    client_session = uuid.uuid4().hex
    channel = websocket.create_connection(
        f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?session_id={client_session}",
        header=[f"Authorization: token {lab.token}"], timeout=120)
    try:
        request = _message(client_session, "import analysis, analysis.paths\n"
                                           "print(analysis.__version__, analysis.paths.PROJECT_ROOT)")
        channel.send(json.dumps(request))
        stdout, reply, idle = [], None, False
        deadline = time.monotonic() + 120
        while (reply is None or not idle) and time.monotonic() < deadline:
            message = json.loads(channel.recv())
            if message.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
                continue
            kind = message["header"]["msg_type"]
            if kind == "stream":
                stdout.append(message["content"]["text"])
            elif kind == "error":
                pytest.fail("\n".join(message["content"]["traceback"]))
            elif kind == "execute_reply":
                reply = message["content"]
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True  # every output of the request has been sent
    finally:
        channel.close()
        lab.request("DELETE", f"/api/sessions/{session['id']}")
    assert reply is not None and reply["status"] == "ok"
    from analysis import __version__

    assert "".join(stdout).strip() == f"{__version__} {paths.PROJECT_ROOT}"
    status, kernels = lab.request("GET", "/api/kernels")
    assert kernel_id not in {k["id"] for k in kernels}  # the session's kernel was shut down
