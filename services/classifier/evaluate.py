"""Score classify() against labelled records (dev.jsonl schema): P/R/F1 per label and language,
figures (kind and count exact, as multisets per record) and the share of negatives given any label.

Items whose `source` says "written-for-eval" are also scored separately from real news text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .rules import classify

__all__ = ["EvalReport", "Score", "evaluate", "format_report"]

_LABELS = ("territorial_change", "surrender", "casualty_update")


@dataclass
class Score:
    """True positives, false positives and false negatives, with the derived rates."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter[object], pred: Counter[object]) -> None:
        """Count one record's gold and predicted items (multisets)."""
        hit = sum((gold & pred).values())
        self.tp += hit
        self.fp += sum(pred.values()) - hit
        self.fn += sum(gold.values()) - hit


@dataclass
class EvalReport:
    """Scores keyed by (group, label) where group is 'all', a language or 'written-for-eval'."""

    labels: dict[tuple[str, str], Score] = field(default_factory=dict)
    figures: dict[str, Score] = field(default_factory=dict)
    negatives: dict[str, tuple[int, int]] = field(default_factory=dict)  # group -> (flagged, total)
    errors: list[str] = field(default_factory=list)


def _groups(record: dict[str, object], lang: str) -> list[str]:
    groups = ["all", lang]
    if "written-for-eval" in str(record.get("source", "")):
        groups.append("written-for-eval")
    else:
        groups.append(f"{lang}-real")
    return groups


def evaluate(records: Iterable[dict[str, object]], year: int | None = None) -> EvalReport:
    """Classify every record's text and compare with its `labels` and `figures`. `year` is when the texts
    were published (a record's own "year" wins; default this year): see rules.classify."""
    report = EvalReport()
    for rec in records:
        text = str(rec.get("text", ""))
        lang_in = rec.get("lang")
        rec_year = rec.get("year")
        published = rec_year if isinstance(rec_year, int) else year
        result = classify(text, str(lang_in) if lang_in else None, published)
        lang = str(lang_in or result.lang)
        gold_labels = set(rec.get("labels") or [])  # type: ignore[call-overload]
        pred_labels = set(result.labels)
        gold_figs = Counter(
            (f["kind"], float(f["count"]))
            for f in rec.get("figures") or []  # type: ignore[attr-defined]
            if f.get("count") is not None
        )
        pred_figs = Counter((f.kind, float(f.count)) for f in result.figures if f.count is not None)
        for group in _groups(rec, lang):
            for label in _LABELS:
                score = report.labels.setdefault((group, label), Score())
                score.add(
                    Counter({label: int(label in gold_labels)}), Counter({label: int(label in pred_labels)})
                )
            report.figures.setdefault(group, Score()).add(gold_figs, pred_figs)  # type: ignore[arg-type]
            if not gold_labels:
                flagged, total = report.negatives.get(group, (0, 0))
                report.negatives[group] = (flagged + bool(pred_labels), total + 1)
        if gold_labels != pred_labels or gold_figs != pred_figs:
            report.errors.append(
                f"{rec.get('id')}: labels {sorted(gold_labels)} -> {sorted(pred_labels)}; "
                f"figures {sorted(gold_figs.items())} -> {sorted(pred_figs.items())}"
            )
    return report


def format_report(report: EvalReport) -> str:
    """A plain-text table: P/R/F1 per label per group, micro-averaged labels, figures, negative FP rate."""
    groups = sorted({g for g, _ in report.labels}, key=lambda g: (g != "all", g))
    lines = [f"{'group':<18}{'label':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for group in groups:
        micro = Score()
        for label in _LABELS:
            s = report.labels[(group, label)]
            micro.tp, micro.fp, micro.fn = micro.tp + s.tp, micro.fp + s.fp, micro.fn + s.fn
            lines.append(_row(group, label, s))
        lines.append(_row(group, "labels (micro)", micro))
        lines.append(_row(group, "figures", report.figures[group]))
        flagged, total = report.negatives.get(group, (0, 0))
        rate = flagged / total if total else 0.0
        lines.append(f"{group:<18}{'negatives flagged':<20}{rate:>7.1%}  ({flagged}/{total})")
    return "\n".join(lines)


def _row(group: str, name: str, s: Score) -> str:
    return f"{group:<18}{name:<20}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
