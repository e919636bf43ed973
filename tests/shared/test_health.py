"""HealthServer over real HTTP on 127.0.0.1, and the container health probe as a real process."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import pytest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as parse_openmetrics,
)
from prometheus_client.parser import text_string_to_metric_families

from shared import health, metrics
from shared.health import Check, HealthServer

MakeServer = Callable[[Mapping[str, Check]], Awaitable[HealthServer]]

PRODUCT_METRICS = {
    "frontwatch_feeds_due": "gauge",
    "frontwatch_feed_checks": "counter",
    "frontwatch_fetch_latency_seconds": "histogram",
    "frontwatch_fetch_errors": "counter",
    "frontwatch_articles_published": "counter",
    "frontwatch_classification_latency_seconds": "histogram",
    "frontwatch_developments": "counter",
    "frontwatch_alerts_queued": "counter",
    "frontwatch_alerts_sent": "counter",
    "frontwatch_alerts_failed": "counter",
    "frontwatch_alerts_retried": "counter",
    "frontwatch_outbox_depth": "gauge",
    "frontwatch_end_to_end_latency_seconds": "histogram",
}


async def _ok() -> bool:
    return True


async def _down() -> bool:
    return False


async def _boom() -> bool:
    raise ConnectionRefusedError("postgresql://frontwatch:hunter2@db/frontwatch refused")


async def _hang() -> bool:
    await asyncio.sleep(30)
    return True


@pytest.fixture
async def make_server() -> AsyncIterator[MakeServer]:
    started: list[HealthServer] = []

    async def make(checks: Mapping[str, Check]) -> HealthServer:
        server = HealthServer(0, checks, host="127.0.0.1")
        await server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        await server.stop()


async def _get(server: HealthServer, path: str, **headers: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}{path}", headers=headers) as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def _get_json(server: HealthServer, path: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}{path}") as response,
    ):
        return response.status, await response.json()


async def test_healthz_answers_ok(make_server: MakeServer) -> None:
    """/healthz answers 200 "ok" while the event loop runs, whatever the readiness checks say."""
    server = await make_server({"broker": _down})
    status, _, body = await _get(server, "/healthz")
    assert (status, body) == (200, "ok")


async def test_port_zero_binds_a_free_port(make_server: MakeServer) -> None:
    """Port 0 binds a free port and `port` reports it."""
    server = await make_server({})
    assert server.port > 0


async def test_port_is_unknown_before_start() -> None:
    """Reading `port` before `start()` raises RuntimeError instead of returning a wrong port."""
    with pytest.raises(RuntimeError):
        _ = HealthServer(0, {}).port


async def test_stop_releases_the_port() -> None:
    """After `stop()` a new server can bind the same port, and a second `stop()` is harmless."""
    first = HealthServer(0, {}, host="127.0.0.1")
    await first.start()
    port = first.port
    await first.stop()
    await first.stop()
    second = HealthServer(port, {}, host="127.0.0.1")
    await second.start()
    try:
        assert second.port == port
    finally:
        await second.stop()


async def test_readyz_ok_when_every_check_passes(make_server: MakeServer) -> None:
    """/readyz answers 200 and lists each check as ok when all of them return True."""
    server = await make_server({"broker": _ok, "store": _ok})
    status, body = await _get_json(server, "/readyz")
    assert status == 200
    assert body == {"status": "ok", "failing": [], "checks": {"broker": "ok", "store": "ok"}}


async def test_readyz_names_a_check_that_returns_false(make_server: MakeServer) -> None:
    """/readyz answers 503 naming the check that returned False and only that one."""
    server = await make_server({"broker": _ok, "store": _down})
    status, body = await _get_json(server, "/readyz")
    assert status == 503
    assert body["failing"] == ["store"]
    assert body["checks"] == {"broker": "ok", "store": "failed"}


async def test_readyz_reports_a_raising_check_without_its_message(make_server: MakeServer) -> None:
    """A check that raises fails readiness and only its exception type, never its text, is shown."""
    server = await make_server({"store": _boom})
    status, text = (await _get(server, "/readyz"))[::2]
    assert status == 503
    assert "ConnectionRefusedError" in text
    assert "hunter2" not in text


async def test_readyz_times_out_a_hanging_check(
    make_server: MakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that does not answer within the readiness timeout counts as failing."""
    monkeypatch.setattr(health, "READY_TIMEOUT_S", 0.05)
    server = await make_server({"broker": _hang, "store": _ok})
    status, body = await _get_json(server, "/readyz")
    assert status == 503
    assert body["checks"] == {"broker": "timeout", "store": "ok"}


async def test_readyz_unready_after_drain(make_server: MakeServer) -> None:
    """After `drain()` /readyz answers 503 even though every check passes, and /healthz stays 200."""
    server = await make_server({"broker": _ok})
    server.drain()
    status, body = await _get_json(server, "/readyz")
    assert (status, body["failing"]) == (503, ["draining"])
    assert (await _get(server, "/healthz"))[0] == 200


async def test_metrics_exposes_every_product_metric(make_server: MakeServer) -> None:
    """/metrics serves the Prometheus text format, parseable, with every frontwatch metric typed."""
    metrics.DEVELOPMENTS.labels("new").inc()
    server = await make_server({})
    status, content_type, text = await _get(server, "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert {name: families[name].type for name in PRODUCT_METRICS} == PRODUCT_METRICS
    new = [s for s in families["frontwatch_developments"].samples if s.labels == {"status": "new"}]
    assert any(s.name == "frontwatch_developments_total" and s.value >= 1 for s in new)


async def test_metrics_negotiates_openmetrics(make_server: MakeServer) -> None:
    """/metrics answers in OpenMetrics format when the scraper asks for it."""
    server = await make_server({})
    accept = "application/openmetrics-text; version=1.0.0"
    status, content_type, text = await _get(server, "/metrics", Accept=accept)
    assert status == 200
    assert content_type.startswith("application/openmetrics-text")
    assert "frontwatch_end_to_end_latency_seconds" in {f.name for f in parse_openmetrics(text)}


async def test_metric_names_carry_the_prefix_and_help() -> None:
    """Every metric in shared.metrics is prefixed frontwatch_ and has a help text."""
    for name in metrics.__all__:
        metric = getattr(metrics, name)
        if isinstance(metric, tuple):
            continue
        described = metric.describe()[0]
        assert described.name.startswith("frontwatch_"), name
        assert len(described.documentation) > 20, name


async def _run_probe(port: int, *args: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shared.health",
        *args,
        env={"FRONTWATCH_HTTP_PORT": str(port), "PATH": ""},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await process.wait()


async def test_probe_process_exits_zero_when_healthy(make_server: MakeServer) -> None:
    """`python -m shared.health` (the image's HEALTHCHECK) exits 0 against a live server."""
    server = await make_server({"broker": _down})
    assert await _run_probe(server.port) == 0


async def test_probe_process_checks_a_given_path(make_server: MakeServer) -> None:
    """`python -m shared.health /readyz` exits 1 when the service is not ready."""
    server = await make_server({"broker": _down})
    assert await _run_probe(server.port, "/readyz") == 1


async def test_probe_process_exits_one_when_nothing_listens() -> None:
    """The probe exits 1 when no server listens on FRONTWATCH_HTTP_PORT."""
    server = HealthServer(0, {}, host="127.0.0.1")
    await server.start()
    port = server.port
    await server.stop()
    assert await _run_probe(port) == 1
