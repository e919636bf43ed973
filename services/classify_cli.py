"""`frontwatch classify` and `frontwatch eval`: the classifier on files and pipes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from services.classifier.rules import classify

__all__ = ["classify_stream", "evaluate_file", "result_line"]


def _number(count: float | None) -> float | int | None:
    return int(count) if count is not None and float(count).is_integer() else count


def result_line(item_id: Any, text: str, lang: str | None) -> dict[str, Any]:
    """The output object of `frontwatch classify` for one input."""
    result = classify(text, lang)
    return {
        "id": item_id,
        "labels": list(result.labels),
        "figures": [{"kind": f.kind, "count": _number(f.count), "who": f.who} for f in result.figures],
        "places": list(result.places),
        "actors": list(result.actors),
    }


def classify_stream(stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """One JSON line out per JSON line in, in order; stop with status 1 at a malformed line."""
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or "id" not in item:
                raise ValueError('expected an object with "id" and a string "text"')
            lang = item.get("lang")
            if lang is not None and not isinstance(lang, str):
                raise ValueError('"lang" must be a string')
        except ValueError as exc:
            stderr.write(f"frontwatch classify: line {number}: {exc}\n")
            return 1
        stdout.write(json.dumps(result_line(item["id"], item["text"], lang), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def evaluate_file(path: Path, stdout: TextIO, stderr: TextIO, year: int | None = None) -> int:
    """Print the evaluation report of a labelled JSON Lines file."""
    from services.classifier.evaluate import evaluate, format_report

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        stderr.write(f"frontwatch eval: cannot read {path}: {exc.strerror}\n")
        return 2
    records = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                stderr.write(f"frontwatch eval: {path}:{number}: {exc}\n")
                return 1
    stdout.write(format_report(evaluate(records, year)) + "\n")
    return 0
