"""`frontwatch run` as a user runs it: alerts on the console, Ctrl-C stops everything, no orphan broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.embedded_nats import free_port

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> list[int]:
    """Direct child process ids of `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def start_run(tmp_path: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FRONTWATCH_DATA_DIR": str(tmp_path),
        "FRONTWATCH_SAMPLE_PORT": str(free_port()),
        "FRONTWATCH_SAMPLE_SPEED": "4",
        "FRONTWATCH_LOG_FORMAT": "json",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", "run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def wait_for_nats_child(proc: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        kids = [
            k for k in children(proc.pid) if "nats-server" in Path(f"/proc/{k}/cmdline").read_bytes().decode()
        ]
        if kids:
            return kids[0]
        time.sleep(0.1)
    raise AssertionError("frontwatch run did not start its nats-server")


@pytest.mark.timeout(90)
def test_run_prints_alerts_then_ctrl_c_stops_everything(tmp_path: Path) -> None:
    """`frontwatch run` prints a casualty alert within a minute; Ctrl-C exits 0 and leaves no nats-server."""
    with start_run(tmp_path) as proc:
        nats = wait_for_nats_child(proc)
        seen = read_until(proc, "388", timeout=60)
        assert any("388" in line for line in seen), "no casualty alert on the console within 60 s"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    assert not alive(nats)


def read_until(proc: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline and not any(needle in line for line in seen):
        line = proc.stdout.readline()
        if line:
            seen.append(line)
        else:
            time.sleep(0.1)
    return seen


@pytest.mark.timeout(60)
def test_killed_parent_takes_its_nats_server_along(tmp_path: Path) -> None:
    """If `frontwatch run` is killed outright (SIGKILL), its embedded nats-server does not outlive it."""
    with start_run(tmp_path) as proc:
        nats = wait_for_nats_child(proc)
        proc.kill()
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while alive(nats) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(nats)
