"""Classifier throughput: classify() on generated 1-3 KB English and Arabic articles, against a
baseline of one compiled regex of all trigger words run over the same pre-normalised texts."""

from __future__ import annotations

import random
import re
import statistics
import time
from typing import Any

from services.classifier.lexicon import TRIGGERS
from services.classifier.normalize import normalize_text
from services.classifier.rules import classify

__all__ = ["run"]

_EN = [
    "SDF fighters took control of half of Baghuz Fawqani, the Syrian Observatory for Human Rights said.",
    "About 150 Islamic State fighters surrendered to the SDF over the past 48 hours.",
    "The death toll from the strikes rose to 388 civilians, including 141 children and 86 women.",
    "Aid convoys reached the camp on Tuesday as thousands of families fled the fighting.",
    "The UN envoy urged both sides to return to talks in Geneva next week.",
    "A car bomb killed at least 14 people and wounded 40 others near a market in Azaz.",
    "Officials said the army would launch an offensive to retake the town before winter.",
    "Convoys of armoured vehicles reached the front lines east of the Euphrates on Monday.",
    # Ordinary article prose without any trigger, as most sentences of a real report are.
    "Residents described a tense calm in the town, with shops shuttered and roads largely empty.",
    "The spokesman said the operation was proceeding according to plan despite the bad weather.",
    "Journalists were not allowed to enter the area, and the reports could not be independently verified.",
    "The camp at al-Hol, north of the town, is already sheltering more people than it was built for.",
]
_AR = [
    "وتمكنت قوات سوريا الديمقراطية من السيطرة على نصف بلدة الباغوز فوقاني وفقاً للمرصد السوري.",
    "وكشف مراسل جسر أن نحو ١٥٠ عنصراً من عناصر تنظيم داعش سلموا أنفسهم لقوات سوريا الديمقراطية.",
    "وارتفع عدد المدنيين الذين قضوا في القصف إلى 388 بينهم 141 طفلاً و86 مواطنة.",
    "دعت قوات سوريا الديمقراطية عناصر داعش المحاصرين إلى الاستسلام قبل انتهاء المهلة.",
    "وصل وفد من الأمم المتحدة إلى دمشق لبحث إدخال المساعدات إلى آلاف النازحين.",
    "قُتل ٢٣ شخصاً وأصيب ٤٠ آخرون في انفجار سيارة مفخخة في مدينة أعزاز.",
    "تدور اشتباكات عنيفة على أطراف البلدة وسط قصف متقطع من طيران التحالف الدولي.",
    "وشهدت الأسواق حركة نشطة مع اقتراب العيد رغم ارتفاع الأسعار في المدينة.",
    "وأفاد سكان محليون بأن الهدوء الحذر يسود المنطقة منذ صباح اليوم مع انتشار الحواجز على الطرق.",
    "وقال المتحدث باسم القوات إن العمليات تسير وفق الخطة المرسومة رغم سوء الأحوال الجوية.",
    "ولم يتسن التحقق بشكل مستقل من هذه المعلومات بسبب منع الصحفيين من دخول المنطقة.",
    "ويستضيف مخيم الهول شمال المدينة أعداداً كبيرة من النازحين تفوق طاقته الاستيعابية.",
]


def _articles(n: int, seed: int = 1) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang, pool = ("ar", _AR) if i % 2 else ("en", _EN)
        target = rng.randint(1000, 3000)
        parts: list[str] = []
        while sum(len(p.encode()) + 1 for p in parts) < target:
            parts.append(rng.choice(pool))
        out.append((" ".join(parts), lang))
    return out


def _baseline_pattern() -> re.Pattern[str]:
    # One alternation of every trigger of both languages, as a naive keyword spotter would do.
    return re.compile("|".join(re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in TRIGGERS.values()))


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


RUNS = 5


def run() -> dict[str, Any]:
    """Measure both rates RUNS times, alternating, and report the medians (each run times ours and the
    baseline back to back, so both see the same machine load); print a table, return the summary dict."""
    docs = _articles(400)
    classify(docs[0][0], docs[0][1])  # warm caches (lexicon, gazetteer) outside the timing
    pattern = _baseline_pattern()
    normalised = [normalize_text(t) for t, _ in docs]
    ours_runs: list[float] = []
    base_runs: list[float] = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for text, lang in docs:
            classify(text, lang)
        ours_runs.append(_rate(len(docs), time.perf_counter() - t0))
        t0 = time.perf_counter()
        for text in normalised:
            for _m in pattern.finditer(text):
                pass
        base_runs.append(_rate(len(docs), time.perf_counter() - t0))
    ours, base = statistics.median(ours_runs), statistics.median(base_runs)
    kb = sum(len(t.encode()) for t, _ in docs) / len(docs) / 1024
    print(f"{'classifier bench':<28}{'articles/s':>12}   (median of {RUNS} runs)")
    print(f"{'classify() (ours)':<28}{ours:>12.0f}")
    print(f"{'baseline trigger regex':<28}{base:>12.0f}")
    print(f"{'slowdown vs baseline':<28}{base / ours:>11.2f}x   (mean article {kb:.1f} KB, {len(docs)} docs)")
    return {
        "bench": "classifier",
        "articles_per_s": round(ours, 1),
        "baseline_articles_per_s": round(base, 1),
        "slowdown_vs_baseline": round(base / ours, 2),
        "runs": RUNS,
    }


if __name__ == "__main__":
    print(run())
