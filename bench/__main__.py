"""Run every benchmark part, print its table, then one JSON line per part at the very end."""

from __future__ import annotations

import importlib
import json
import sys

PARTS = ("bench.classifier", "bench.poller", "bench.notifier", "bench.pipeline")


def main(argv: list[str]) -> int:
    wanted = [p for p in PARTS if not argv or p.split(".")[-1] in argv]
    results = []
    for name in wanted:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            print(f"{name}: not written yet", file=sys.stderr)
            continue
        results.append(module.run())
    for result in results:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
