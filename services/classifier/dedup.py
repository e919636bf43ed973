"""Near-duplicate detection for reports of the same fact from different outlets (MinHash of shingles).

Signatures are plain lists of ints so they can live in DevelopmentState JSON.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from datasketch import MinHash

from .normalize import normalize_text

__all__ = ["NEAR_DUPLICATE", "signature", "similarity"]

NUM_PERM: Final = 64
NEAR_DUPLICATE: Final = 0.6  # estimated Jaccard of word 3-shingles above which two texts are one report
_WORD: Final = re.compile(r"\w+")
# Drawing the permutations costs more than hashing a short report: draw them once.
_PROTOTYPE: Final = MinHash(num_perm=NUM_PERM, seed=7)


def signature(text: str) -> list[int]:
    """MinHash signature of the normalised word 3-shingles of text (NUM_PERM ints)."""
    return list(_signature(text))


# One report's text is signed when its fact is folded, and again for each candidate development
# find_match compares it with: keep the last few.
@functools.lru_cache(maxsize=256)
def _signature(text: str) -> tuple[int, ...]:
    words = _WORD.findall(normalize_text(text))
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    mh = MinHash(num_perm=NUM_PERM, seed=7, permutations=_PROTOTYPE.permutations, scheme=_PROTOTYPE.scheme)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return tuple(int(v) for v in mh.hashvalues)


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0.0 when either is empty or sizes differ)."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
