"""Console channel: prints each alert as a plain-text block (the `frontwatch run` default)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from itertools import count
from typing import TextIO

from services.notifier.channels.base import Delivery
from services.notifier.render import render_text
from shared.messages import Development

__all__ = ["ConsoleChannel"]

RULE = "─" * 60


class ConsoleChannel:
    """Writes one block per alert to `stream`; refs are "console:<n>" in sending order."""

    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._counter = count(1)

    def __repr__(self) -> str:
        return "ConsoleChannel()"

    async def send(self, delivery: Delivery) -> str:
        """Print the alert (with the ref it updates, if any) and return its ref. Never raises."""
        ref = f"console:{next(self._counter)}"
        header = f"[{ref}] {delivery.dev.development_id} r{delivery.dev.revision}"
        if delivery.previous_ref:
            header += f" (updates {delivery.previous_ref})"
        self._stream.write(f"{RULE}\n{header}\n{render_text(delivery.dev)}\n{RULE}\n")
        self._stream.flush()
        return ref

    async def send_digest(self, target: str, devs: Sequence[Development]) -> str:
        """Print a digest: every held development in one block. Never raises."""
        ref = f"console:{next(self._counter)}"
        body = f"\n{RULE}\n".join(render_text(dev) for dev in devs)
        self._stream.write(f"{RULE}\n[{ref}] digest of {len(devs)}\n{body}\n{RULE}\n")
        self._stream.flush()
        return ref

    async def close(self) -> None:
        """Flush the stream; it is not ours to close."""
        self._stream.flush()
