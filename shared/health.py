"""Health, readiness and metrics over HTTP for every service, plus the container health probe.

`HealthServer` is a tiny aiohttp server each service starts next to its broker consumers:

- `GET /healthz` answers 200 "ok" whenever the event loop is free to answer at all; a wedged loop
  makes the probe time out, which is exactly what a liveness probe should notice.
- `GET /readyz` runs every readiness check concurrently (broker reachable, store reachable, ...)
  and answers 200 only when each returns True within `READY_TIMEOUT_S`; otherwise 503 with a JSON
  body naming the failing checks. After `drain()` it always answers 503, so an orchestrator stops
  counting the instance as ready while it finishes in-flight work.
- `GET /metrics` serves prometheus_client's default registry (see `shared.metrics`).

`python -m shared.health [PATH]` is the probe the Docker image's HEALTHCHECK runs: it GETs
`http://127.0.0.1:$FRONTWATCH_HTTP_PORT/healthz` (or PATH) and exits 0 on 200, 1 otherwise, using
only the standard library so that it stays cheap.
"""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Mapping, Sequence

from aiohttp import web
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

__all__ = ["DEFAULT_PORT", "READY_TIMEOUT_S", "Check", "HealthServer", "main", "probe"]

Check = Callable[[], Awaitable[bool]]

# Kubernetes' default probe timeout is 1 s and ours is 3 s; a check that needs longer than 2 s
# to reach the broker or store counts as failing rather than making the probe itself time out.
READY_TIMEOUT_S = 2.0
DEFAULT_PORT = 8080
PROBE_TIMEOUT_S = 3.0


class HealthServer:
    """Serve /healthz, /readyz and /metrics on `host:port` until `stop()`.

    `checks` maps a name to an async callable returning True when that dependency is usable;
    a check that raises, returns False or exceeds `READY_TIMEOUT_S` makes the service unready.
    Port 0 binds a free port; read the bound one from `port` after `start()`.
    """

    def __init__(self, port: int, checks: Mapping[str, Check], host: str = "0.0.0.0",
                 routes: Sequence[web.RouteDef] = ()) -> None:
        self._host = host
        self._routes = list(routes)
        self._requested_port = port
        self._checks = dict(checks)
        self._draining = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The bound port; raises RuntimeError before `start()`."""
        if self._port is None:
            raise RuntimeError("HealthServer is not started")
        return self._port

    async def start(self) -> None:
        """Bind and start serving; raises OSError when the port is taken."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        app.router.add_routes(self._routes)
        # Probes hit these endpoints every few seconds; logging each would drown real events.
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    def drain(self) -> None:
        """Report unready from now on (call on SIGTERM, before draining in-flight messages)."""
        self._draining = True

    async def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _readyz(self, _request: web.Request) -> web.Response:
        if self._draining:
            return web.json_response(
                {"status": "unready", "failing": ["draining"], "checks": {}}, status=503
            )
        names = list(self._checks)
        results = await asyncio.gather(*(self._run_check(self._checks[n]) for n in names))
        checks = dict(zip(names, results, strict=True))
        failing = [name for name, result in checks.items() if result != "ok"]
        if failing:
            return web.json_response(
                {"status": "unready", "failing": failing, "checks": checks}, status=503
            )
        return web.json_response({"status": "ok", "failing": [], "checks": checks})

    @staticmethod
    async def _run_check(check: Check) -> str:
        # Only the exception type is reported: messages can carry DSNs or hostnames with secrets.
        try:
            async with asyncio.timeout(READY_TIMEOUT_S):
                ok = await check()
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            return f"error: {type(exc).__name__}"
        return "ok" if ok is True else "failed"

    async def _metrics(self, request: web.Request) -> web.Response:
        encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encoder(REGISTRY), headers={"Content-Type": content_type})


def probe(url: str, timeout_s: float = PROBE_TIMEOUT_S) -> bool:
    """Return True when GET `url` answers 200 within `timeout_s`; never raises for HTTP errors."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Probe this container's health endpoint; return the process exit code (0 healthy, 1 not)."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = args[0] if args else "/healthz"
    port = os.environ.get("FRONTWATCH_HTTP_PORT") or str(DEFAULT_PORT)
    url = f"http://127.0.0.1:{port}{path}"
    if probe(url):
        return 0
    print(f"unhealthy: {url}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
