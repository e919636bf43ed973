"""`frontwatch fetch URL`: a preview of a feed, one JSON line per item, that publishes and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from shared.broker import Bus

Cli = Callable[..., tuple[int, str, str]]
Serve = Callable[..., str]
FIXTURES = Path(__file__).parents[1] / "poller" / "fixtures"
RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>
<item><guid>g2</guid><title>Town taken</title><link>https://wire.example.org/2</link>
<pubDate>Wed, 06 Mar 2019 10:05:00 GMT</pubDate></item>
<item><title>No guid</title><link>https://wire.example.org/1?utm_source=x</link></item>
</channel></rss>"""


@pytest.fixture
def no_publishing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record any attempt to start or publish on a bus."""
    calls: list[str] = []

    async def publish(self: Bus, *args: object, **kwargs: object) -> None:
        calls.append("publish")

    async def start(self: Bus) -> None:
        calls.append("start")

    monkeypatch.setattr(Bus, "publish", publish)
    monkeypatch.setattr(Bus, "start", start)
    return calls


def test_fetch_prints_one_json_line_per_item_and_publishes_nothing(
    run_cli: Cli, feed_server: Serve, monkeypatch: pytest.MonkeyPatch, no_publishing: list[str], cli_env: Path
) -> None:
    """Each item is one JSON line with id, title, link, published and encoding; no bus is used, no store written."""
    monkeypatch.setenv("FRONTWATCH_ALLOW_PRIVATE_URLS", "true")
    url = feed_server("/wire.rss", RSS)
    code, out, err = run_cli("fetch", url)
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines == [
        {
            "id": "g2",
            "title": "Town taken",
            "link": "https://wire.example.org/2",
            "published": "2019-03-06T10:05:00+00:00",
            "encoding": "utf-8",
        },
        {
            "id": "https://wire.example.org/1",
            "title": "No guid",
            "link": "https://wire.example.org/1",
            "published": None,
            "encoding": "utf-8",
        },
    ]
    assert no_publishing == []
    assert not (cli_env / "data" / "frontwatch.db").exists()


def test_fetch_decodes_an_arabic_windows_1256_feed(
    run_cli: Cli, feed_server: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A windows-1256 feed previews as readable Arabic and names the encoding used."""
    monkeypatch.setenv("FRONTWATCH_ALLOW_PRIVATE_URLS", "true")
    url = feed_server("/ar.rss", (FIXTURES / "rss20_ar_windows1256.xml").read_bytes(), "text/xml")
    code, out, _ = run_cli("fetch", url)
    items = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and items
    assert all(i["encoding"] == "windows-1256" for i in items)
    assert any("\u0600" <= ch <= "\u06ff" for ch in items[0]["title"])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_fetch_obeys_the_private_address_setting(run_cli: Cli, feed_server: Serve, host: str) -> None:
    """Without FRONTWATCH_ALLOW_PRIVATE_URLS a loopback feed (IP literal or name) is refused in one line."""
    url = feed_server("/wire.rss", RSS).replace("127.0.0.1", host)
    code, out, err = run_cli("fetch", url)
    assert code == 1 and out == ""
    assert err.startswith("frontwatch fetch: private_address:") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("path", "body", "kind"),
    [
        ("/missing", None, "http_error"),
        ("/page.html", b"<html><body>hi</body></html>", "not_a_feed"),
    ],
)
def test_fetch_errors_are_one_line(
    run_cli: Cli,
    feed_server: Serve,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    body: bytes | None,
    kind: str,
) -> None:
    """A 404 or an HTML page instead of a feed fails with exit 1 and one line naming the kind."""
    monkeypatch.setenv("FRONTWATCH_ALLOW_PRIVATE_URLS", "true")
    url = feed_server(path, body, "text/html") if body else feed_server("/other", RSS).replace("/other", path)
    code, _, err = run_cli("fetch", url)
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"frontwatch fetch: {kind}:") and len(err.strip().splitlines()) == 1


def test_fetch_refuses_a_bad_scheme(run_cli: Cli) -> None:
    """`fetch file:///etc/passwd` is refused with one line, reading nothing."""
    code, out, err = run_cli("fetch", "file:///etc/passwd")
    assert (code, out) == (1, "")
    assert err.startswith("frontwatch fetch: bad_scheme:")


def test_fetch_decodes_with_the_charset_given(
    run_cli: Cli, feed_server: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--encoding` decodes as `feeds add --encoding` would, so an override can be tried first."""
    monkeypatch.setenv("FRONTWATCH_ALLOW_PRIVATE_URLS", "true")
    body = (
        '<rss version="2.0"><channel><title>T</title><item><guid>1</guid><title>سقوط البلدة</title>'
        "</item></channel></rss>".encode()
    )
    url = feed_server("/ar.rss", body, "application/rss+xml")
    plain = [json.loads(line) for line in run_cli("fetch", url)[1].splitlines()]
    forced = [json.loads(line) for line in run_cli("fetch", url, "--encoding", "Latin-1")[1].splitlines()]
    assert plain[0]["title"] == "سقوط البلدة" and plain[0]["encoding"] == "utf-8"
    # Web practice (WHATWG) reads Latin-1 labels as windows-1252: the Arabic comes out as mojibake.
    assert forced[0]["encoding"] == "windows-1252" and forced[0]["title"].startswith("Ø³")


@pytest.mark.parametrize(
    "args", [("fetch", "https://wire.example.org/rss"), ("feeds", "add", "https://wire.example.org/rss")]
)
def test_an_unknown_charset_is_refused_before_anything_runs(
    run_cli: Cli, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """A misspelt charset stops the command with exit 2 and says which, instead of being ignored."""
    with pytest.raises(SystemExit) as stopped:
        run_cli(*args, "--encoding", "windows-1265x")
    assert stopped.value.code == 2
    assert "unknown encoding 'windows-1265x'" in capsys.readouterr().err
