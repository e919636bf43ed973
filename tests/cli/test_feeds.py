"""`frontwatch feeds add|remove|list|import-opml|export-opml`, run through the real CLI on SQLite."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from shared.store import Store

Cli = Callable[..., tuple[int, str, str]]
OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>wires</title></head><body>
  <outline text="Syria">
    <outline type="rss" text="Wire EN" xmlUrl="https://wire.example.org/syria.rss"/>
    <outline type="rss" title="مرصد" text="x" xmlUrl="https://observatory.example.org/ar/rss"/>
  </outline>
  <outline type="rss" text="https://monitor.example.net/atom" xmlUrl="https://monitor.example.net/atom"/>
</body></opml>
"""


def _one_clear_line(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def _feeds(data_dir: Path) -> list[dict[str, object]]:
    async def read() -> list[dict[str, object]]:
        store = Store(f"sqlite+aiosqlite:///{data_dir / 'data' / 'frontwatch.db'}")
        await store.start()
        try:
            return await store.list_feeds()
        finally:
            await store.close()

    return asyncio.run(read())


def test_add_then_list_shows_status_rate_next_check_and_error(run_cli: Cli, cli_env: Path) -> None:
    """An added feed is listed as active, with an unknown rate, its next check and no error yet."""
    code, out, err = run_cli("feeds", "add", "https://wire.example.org/syria.rss", "--name", "Wire")
    assert (code, err) == (0, "")
    assert out.startswith("feed 1: https://wire.example.org/syria.rss")
    code, out, _ = run_cli("feeds", "list")
    header, row = out.strip().splitlines()
    assert header.split() == ["id", "status", "items/day", "next", "check", "last", "error", "url"]
    cols = row.split()
    assert cols[:3] == ["1", "active", "-"] and cols[-1] == "https://wire.example.org/syria.rss"
    assert cols[3] == datetime.now(UTC).strftime("%Y-%m-%d") and cols[5] == "-"


def test_list_shows_a_failing_feeds_error_and_rate(run_cli: Cli, cli_env: Path) -> None:
    """A dead feed's status, observed posting rate and last error appear in the list."""
    run_cli("feeds", "add", "https://wire.example.org/syria.rss")

    async def fail() -> None:
        store = Store(f"sqlite+aiosqlite:///{cli_env / 'data' / 'frontwatch.db'}")
        await store.update_feed(
            1, status="dead", items_per_day=12.5, last_error="timeout: No complete answer within 30 s."
        )
        await store.close()

    asyncio.run(fail())
    _, out, _ = run_cli("feeds", "list")
    row = out.strip().splitlines()[1]
    assert row.split()[1:3] == ["dead", "12.5"]
    assert "timeout: No complete answer" in row


def test_add_twice_keeps_one_feed(run_cli: Cli, cli_env: Path) -> None:
    """Adding a URL that is already there keeps the single existing feed."""
    run_cli("feeds", "add", "https://wire.example.org/syria.rss")
    code, out, _ = run_cli("feeds", "add", "https://wire.example.org/syria.rss")
    assert code == 0 and out.startswith("feed 1:")
    assert len(_feeds(cli_env)) == 1


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/feed", "http://10.1.2.3/rss", "http://[::1]/rss", "http://localhost/rss"]
)
def test_add_refuses_private_addresses_unless_allowed(
    run_cli: Cli, cli_env: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """A loopback or private URL (literal or a name resolving there) is refused in one line,
    and accepted once FRONTWATCH_ALLOW_PRIVATE_URLS is set."""
    code, out, err = run_cli("feeds", "add", url)
    assert code == 1 and out == ""
    _one_clear_line(err)
    assert "private_address" in err and "FRONTWATCH_ALLOW_PRIVATE_URLS" in err
    assert _feeds(cli_env) == []
    monkeypatch.setenv("FRONTWATCH_ALLOW_PRIVATE_URLS", "true")
    code, _, err = run_cli("feeds", "add", url)
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "url", ["ftp://wire.example.org/rss", "file:///etc/passwd", "wire.example.org/rss", "javascript:alert(1)"]
)
def test_add_refuses_other_schemes_with_one_line(run_cli: Cli, url: str) -> None:
    """A URL that is not http(s) is refused with a non-zero status and one clear line."""
    code, _, err = run_cli("feeds", "add", url)
    assert code == 1
    _one_clear_line(err)
    assert "bad_scheme" in err


def test_add_refusal_from_the_installed_command_has_no_traceback(cli_env: Path) -> None:
    """The `frontwatch` console script itself exits non-zero with one line for a refused URL."""
    exe = Path(sys.executable).parent / "frontwatch"
    proc = subprocess.run(
        [str(exe), "feeds", "add", "http://127.0.0.1/rss"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )
    assert proc.returncode == 1
    _one_clear_line(proc.stderr)
    assert proc.stderr.startswith("frontwatch: cannot add http://127.0.0.1/rss: private_address")


def test_remove(run_cli: Cli, cli_env: Path) -> None:
    """Removing a feed deletes it; removing an unknown URL says so and exits 1."""
    run_cli("feeds", "add", "https://wire.example.org/syria.rss")
    assert run_cli("feeds", "remove", "https://wire.example.org/syria.rss")[0] == 0
    assert _feeds(cli_env) == []
    code, _, err = run_cli("feeds", "remove", "https://wire.example.org/syria.rss")
    assert code == 1 and err.strip() == "frontwatch: no feed https://wire.example.org/syria.rss"


def test_opml_round_trip_adds_no_duplicates(run_cli: Cli, cli_env: Path) -> None:
    """Importing 3 feeds, exporting, and re-importing the export leaves the same 3 feeds and names;
    the export imports into an empty store as the same feeds."""
    source = cli_env / "wires.opml"
    source.write_text(OPML, encoding="utf-8")
    code, out, err = run_cli("feeds", "import-opml", str(source))
    assert (code, out.strip(), err) == (0, "imported 3 feeds", "")
    before = {(f["url"], f["name"]) for f in _feeds(cli_env)}
    assert before == {
        ("https://wire.example.org/syria.rss", "Wire EN"),
        ("https://observatory.example.org/ar/rss", "مرصد"),
        ("https://monitor.example.net/atom", ""),
    }
    code, exported, _ = run_cli("feeds", "export-opml")
    assert code == 0
    outlines = SafeET.fromstring(exported.encode()).iter("outline")
    assert {o.get("xmlUrl") for o in outlines} == {url for url, _ in before}
    again = cli_env / "export.opml"
    again.write_text(exported, encoding="utf-8")
    assert run_cli("feeds", "import-opml", str(again))[:2] == (0, "imported 3 feeds\n")
    assert {(f["url"], f["name"]) for f in _feeds(cli_env)} == before
    for url, _ in before:
        run_cli("feeds", "remove", url)
    run_cli("feeds", "import-opml", str(again))
    assert {(f["url"], f["name"]) for f in _feeds(cli_env)} == before


@pytest.mark.parametrize(
    "content",
    [
        "<opml><body><outline xmlUrl='https://a.example/rss'",
        "not xml at all",
        '<!DOCTYPE x [<!ENTITY e "boom">]><opml><body>&e;</body></opml>',
    ],
)
def test_malformed_opml_is_one_clear_line(run_cli: Cli, cli_env: Path, content: str) -> None:
    """A truncated, non-XML or entity-laden OPML file fails with one line naming the file; nothing is added."""
    bad = cli_env / "bad.opml"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run_cli("feeds", "import-opml", str(bad))
    assert code == 1 and out == ""
    _one_clear_line(err)
    assert err.startswith(f"frontwatch: {bad} is not valid OPML")
    assert _feeds(cli_env) == []


def test_missing_opml_file_is_one_clear_line(run_cli: Cli, cli_env: Path) -> None:
    """An OPML path that does not exist fails with one line and a non-zero status."""
    code, _, err = run_cli("feeds", "import-opml", str(cli_env / "nope.opml"))
    assert code == 1
    _one_clear_line(err)
    assert "cannot read" in err and "No such file" in err


def test_opml_import_skips_unpollable_urls_by_name(run_cli: Cli, cli_env: Path) -> None:
    """Entries with a bad scheme or a private address are skipped, each named once; the rest are added."""
    opml = cli_env / "mixed.opml"
    opml.write_text(
        """<opml><body>
      <outline text="ok" xmlUrl="https://wire.example.org/syria.rss"/>
      <outline text="ftp" xmlUrl="ftp://wire.example.org/rss"/>
      <outline text="lan" xmlUrl="http://192.168.1.10/rss"/>
    </body></opml>""",
        encoding="utf-8",
    )
    code, out, err = run_cli("feeds", "import-opml", str(opml))
    assert code == 0 and out.strip() == "imported 1 feeds, skipped 2"
    assert "Traceback" not in err and len(err.strip().splitlines()) == 2
    assert [f["url"] for f in _feeds(cli_env)] == ["https://wire.example.org/syria.rss"]
