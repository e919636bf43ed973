"""`frontwatch classify` and start-up errors, through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FRONTWATCH = [sys.executable, "-m", "services.cli"]
ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    args: list[str], stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FRONTWATCH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_classify_answers_each_line_in_order_with_the_contract_shape() -> None:
    """Each input line gets one output line, in input order, with exactly the documented keys."""
    lines = [
        {"id": "e1", "text": "SDF fighters took control of the town of Baghuz from ISIS.", "lang": "en"},
        {"id": 2, "text": "ارتفع عدد القتلى المدنيين إلى 388 بينهم 141 طفلاً"},
        {"id": "e3", "text": "The football club won the cup final on Sunday."},
    ]
    out = run_cli(["classify"], "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    assert out.returncode == 0, out.stderr
    results = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["id"] for r in results] == ["e1", 2, "e3"]
    assert all(set(r) == {"id", "labels", "figures", "places", "actors"} for r in results)
    assert results[0]["labels"] == ["territorial_change"]
    assert "casualty_update" in results[1]["labels"]
    assert {"kind": "killed", "count": 388} in [
        {k: f[k] for k in ("kind", "count")} for f in results[1]["figures"]
    ]
    assert results[2]["labels"] == []


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("not json", "line 2"),
        ('{"id": 1}', "line 2"),
        ('{"id": 1, "text": 5}', "line 2"),
    ],
    ids=["not-json", "no-text", "text-not-string"],
)
def test_malformed_line_names_its_number_and_fails(bad: str, why: str) -> None:
    """A malformed line stops with a non-zero status and an error naming the line; earlier lines were answered."""
    out = run_cli(["classify"], '{"id": "ok", "text": "nothing"}\n' + bad + "\n")
    assert out.returncode != 0
    assert why in out.stderr and "Traceback" not in out.stderr
    assert len(out.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"FRONTWATCH_BROKER_URL": "kafka://localhost:9092"}, "FRONTWATCH_BROKER_URL"),
        ({"FRONTWATCH_CONFIG": "/nonexistent/frontwatch.toml"}, "FRONTWATCH_CONFIG"),
        (
            {"FRONTWATCH_SMTP_HOST": "mail.example.org", "FRONTWATCH_SMTP_PORT": "99999"},
            "FRONTWATCH_SMTP_PORT",
        ),
    ],
    ids=["broker-scheme", "unreadable-config", "smtp-port"],
)
def test_bad_config_stops_start_with_one_line(env: dict[str, str], named: str, tmp_path: Path) -> None:
    """A bad setting stops `frontwatch run` at once with one line naming it, not a traceback."""
    out = run_cli(["run"], env={"FRONTWATCH_DATA_DIR": str(tmp_path), "FRONTWATCH_SAMPLE_PORT": "0", **env})
    assert out.returncode == 2
    errors = [line for line in out.stderr.splitlines() if "configuration error" in line]
    assert len(errors) == 1 and named in errors[0]
    assert "Traceback" not in out.stderr
