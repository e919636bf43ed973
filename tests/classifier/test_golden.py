"""classify() output frozen over every text at hand: a speed-up must not change a single result.

The snapshot (fixtures/golden.json) holds, per corpus, the full Classification of each text: labels,
figures, places, actors, evidence spans and the extra fields developments.facts_from() reads.
Regenerate it only for a documented bug fix: `.venv/bin/python -m tests.classifier.test_golden`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from bench.classifier import _articles
from services.classifier.rules import Classification, classify

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = FIXTURES / "golden.json"
DEV = Path("/work/shared/data/eval/dev.jsonl")
SEED = Path("/work/shared/seeds/baghouz-2019-ar.txt")
TIMELINE = ROOT / "services" / "sample" / "timeline.json"

Corpus = list[tuple[str, str | None]]


def _jsonl(path: Path) -> Corpus:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [(str(r["text"]), r.get("lang")) for r in rows]


def _timeline() -> Corpus:
    out: Corpus = []
    for item in json.loads(TIMELINE.read_text("utf-8")):
        lang = item.get("lang")
        out += [(item["title"], lang), (item["summary"], lang)]
        out.append((f"{item['title']}\n\n{item['summary']}", lang))
    return out


def _mixed(texts: Corpus, n: int, seed: int) -> Corpus:
    """Multi-sentence articles made of real texts of one language (neighbour sentences interact)."""
    rng = random.Random(seed)
    out: Corpus = []
    for lang in ("en", "ar"):
        pool = [t for t, lg in texts if lg == lang]
        if pool:
            out += [(" ".join(rng.choices(pool, k=rng.randint(3, 9))), lang) for _ in range(n)]
    return out


def corpora() -> dict[str, Corpus]:
    """Every corpus available on this machine (dev.jsonl and the seed report may be absent)."""
    out: dict[str, Corpus] = {"bench": [(t, lg) for t, lg in _articles(400)]}
    for path in sorted(FIXTURES.glob("*.jsonl")):
        out[f"fixture:{path.name}"] = _jsonl(path)
    out["timeline"] = _timeline()
    if DEV.exists():
        out["dev"] = _jsonl(DEV)
    if SEED.exists():
        seed = SEED.read_text("utf-8")
        out["seed"] = [(seed, "ar"), (seed, None), *((p, "ar") for p in seed.split("\n") if p.strip())]
    real = [pair for name, corpus in out.items() if name != "bench" for pair in corpus]
    out["mixed"] = _mixed(real, 60, 7)
    return out


def snapshot(c: Classification) -> dict[str, Any]:
    """Everything classify() returns, as plain JSON."""
    return {
        "labels": list(c.labels),
        "figures": [[f.kind, f.count, f.who, f.bound] for f in c.figures],
        "places": c.places,
        "actors": c.actors,
        "evidence": [[e.label, e.start, e.end, e.text] for e in c.evidence],
        "lang": c.lang,
        "details": [
            [d.subgroup, d.mode, d.sentence, d.start, d.end, d.who_start, d.who_end] for d in c.details
        ],
        "mentions": [[m.kind, m.id, m.name, m.start] for m in c.mentions],
        "label_sentences": {k: list(v) for k, v in c.label_sentences.items()},
        "sentence_starts": c.sentence_starts,
    }


def _run(corpus: Corpus) -> list[dict[str, Any]]:
    # The texts are read as published in 2026, when the snapshot was taken: a later clock changes nothing.
    return [snapshot(classify(text, lang, 2026)) for text, lang in corpus]


def _golden() -> dict[str, list[dict[str, Any]]]:
    if not GOLDEN.exists():
        pytest.fail(f"missing {GOLDEN}; generate it with python -m tests.classifier.test_golden")
    data: dict[str, list[dict[str, Any]]] = json.loads(GOLDEN.read_text("utf-8"))
    return data


@pytest.mark.parametrize("name", ["bench", "fixture", "timeline", "dev", "seed", "mixed"])
def test_golden(name: str) -> None:
    golden = _golden()
    found = {k: v for k, v in corpora().items() if k == name or k.startswith(name + ":")}
    if not found:
        pytest.skip(f"corpus {name} is not available here")
    if name == "mixed" and not {"dev", "seed"} <= corpora().keys():
        pytest.skip("the mixed corpus is built from dev.jsonl and the seed report too")
    for key, corpus in found.items():
        assert key in golden, f"{key} missing from the snapshot"
        expected = golden[key]
        assert len(expected) == len(corpus), key
        got = _run(corpus)
        diffs = [i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]
        assert not diffs, (
            f"{key}: {len(diffs)} texts differ, first #{diffs[0]}: {corpus[diffs[0]][0][:200]!r}"
        )


def main() -> None:
    """Write the snapshot from the current code."""
    data = {name: _run(corpus) for name, corpus in corpora().items()}
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {GOLDEN}: {sum(len(v) for v in data.values())} texts")


if __name__ == "__main__":
    main()
