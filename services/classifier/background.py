"""Background: dated events and old tolls a text recalls rather than reports. A relative clause or an
aside dated to the past ("Raqqa, captured from IS in 2017, ..."), a year two or more years back in the
trigger's clause, a war's own toll ("the war, which has killed ..."), and, in an article's body, a
sentence set in the past (an old year or month and no fresh time anchor, an Arabic pluperfect).
"""

from __future__ import annotations

import re
from typing import Final

from .normalize import fold_pattern
from .numbers import find_numbers
from .scan import WordScanner, dispatch
from .units import MONTH_WORDS

__all__ = [
    "ASIDE_ENDS",
    "MONTHS_EN",
    "RELATIVE_AR",
    "anniversary_at",
    "aside_before",
    "clause_start",
    "dated_background",
    "dated_when",
    "fresh",
    "inquests",
    "old_year_after",
    "opens_in_past",
    "past_period",
    "same_clause",
    "stale_sentence",
    "war_scale",
    "war_toll",
    "war_toll_background",
]

# Background in a relative clause or aside dated to a year or a month: "the town, which IS seized in
# 2014, ...", "المدينة التي سيطر عليها التنظيم عام 2014", "the city, which the army took in June, ...".
MONTHS_EN: Final = "|".join(m for m in MONTH_WORDS if len(m) > 3 and m.isascii() and m != "march")
_MONTHS_AR: Final = "|".join(re.escape(m) for m in MONTH_WORDS if len(m) > 3 and not m.isascii())
_YEAR: Final = r"(?:19|20)\d\d\b"
_SEASONS: Final = r"(?:early|late|mid-?)\s*"
# A past date in the clause after the trigger: "in 2014", "in June 2017", "in January", "عام 2014", "في
# يونيو", "last year", "two years ago". Scanned from word starts (scan.WordScanner), first letters
# dispatched: the clause is scanned once, up to its first punctuation.
_PAST_DATE: Final = {
    "en": WordScanner(
        dispatch(
            rf"(?:in|since)\s+(?:{_SEASONS})?(?:[a-z]+\s+)?{_YEAR}"
            rf"|(?:in|since)\s+(?:{_SEASONS})?(?:{MONTHS_EN}|march(?!\s+(?:on|to)\b))\b"
            r"|(?:last|the previous)\s+(?:year|month|summer|winter|spring|autumn)\b|years?\s+ago\b"
        )
    ),
    "ar": WordScanner(
        dispatch(
            fold_pattern(
                rf"(?:في |منذ )(?:عام|سنة|العام)\s+{_YEAR}|(?:عام|سنة|العام)\s+{_YEAR}"
                rf"|(?:في |منذ )(?:شهر )?(?:{_MONTHS_AR})(?!\w)"
            )
        )
    ),
}
_CLAUSE_PUNCT: Final = re.compile(r"[,;:.()،؛]")


def _past_date_after(text: str, end: int, arabic: bool) -> bool:
    """A past date starts within 80 characters after `end`, before any punctuation."""
    limit = min(len(text), end + 80)
    stop = _CLAUSE_PUNCT.search(text, end, limit)
    hi = stop.start() if stop else min(len(text), end + 110)
    return _PAST_DATE["ar" if arabic else "en"].search(text, end, hi) >= 0


# A year two or more years back in the trigger's own clause, after it: "up to 15,000 people died in the
# city over the course of 2023", "accuses soldiers of killing civilians in Merawi in January 2024", "قتل
# فيها 300 شخص عام 2014". Last year stays news (an annual toll published in January); a year that opens
# the sentence is a timeline entry ("On 11 May 2016, IS seized ..."), not background.
_OLD_YEAR: Final = {
    "en": re.compile(
        r"\b(?:in|during|throughout|over the course of)\s+(?:(?:early|late|mid-?)\s*)?"
        r"(?:[a-z]+\s+)?((?:19|20)\d\d)\b(?!\s+(?:people|civilians|soldiers|fighters|homes|families))"
        # "between 2015 and 2017" (not "between 2000 and 3000 civilians")
        r"|\bbetween\s+((?:19|20)\d\d)\s+and\s+(?:19|20)\d\d\b"
    ),
    "ar": re.compile(
        # "الذين قتلهم التنظيم في آب 2014" too
        fold_pattern(
            r"(?<!\w)(?<!منذ )(?:في |خلال )?(?:عام|سنة|العام|(?:"
            + _MONTHS_AR
            + r")(?:/(?:"
            + _MONTHS_AR
            + r"))?)"
            r"\s+((?:19|20)\d\d)(?!\d)"
        )
    ),
}
_ON_DATE: Final = re.compile(r"\s+on\s+(?:[a-z]+\.?\s+\d{1,2}|\d{1,2}\s+[a-z]+\.?),?\s+((?:19|20)\d\d)\b")
_RECENT_YEARS: Final = 1
_SINCE_DATE_AR: Final = fold_pattern("منذ ")
# A relative clause or a comparison after the trigger dates something else ("a camp that was set up in
# 2019", "reminiscent of the one in 2016", "مخيم … التي أقيمت عام 2019").
_RELATIVE_EN: Final = "which|that|where|who|whose"
_RELATIVE_WORDS_AR: Final = "التي|الذي|الذين|حيث"
_OTHER_CLAUSE: Final = re.compile(
    fold_pattern(
        rf"\b(?:{_RELATIVE_EN}|reminiscent|similar to|like the one)\b"
        rf"|(?<!\w)(?:{_RELATIVE_WORDS_AR}|أقيم\S*|أنشئ\S*|بني\S*|شيد\S*)(?!\w)"
    )
)
# A comma-set relative clause, where a year dates the place it follows (see _in_relative_aside).
_RELATIVE_AFTER: Final = re.compile(fold_pattern(rf"\s*(?:{_RELATIVE_EN}|{_RELATIVE_WORDS_AR})(?!\w)"))
_COMPARISON: Final = re.compile(
    fold_pattern(
        r"\b(?:\w+iest|worst|biggest|largest|first|highest|heaviest|since)\b|(?<!\w)(?:أعنف|أكبر|أسوأ|أول)(?!\w)"
    )
)
# Any year before this one, anywhere in a sentence (see stale_sentence).
# A year in a date: after a preposition, a month or a day ("in 2022", "Nov. 18, 1991", "عام 2013",
# "آب 2013"), not a bare count ("more than 2000 people were displaced").
_ANY_YEAR: Final = re.compile(
    fold_pattern(
        rf"(?:\b(?:in|since|during|of|by|until|from|early|late|mid|between|and|to|the|spring|summer|autumn|fall"
        rf"|winter|{MONTHS_EN}|march"
        r"|jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)\.?,?\s+|\d{1,2},?\s+"
        r"|(?<!\w)[وف]?(?:عام|سنة|العام|منذ|في|خلال|مطلع|أواخر|أوائل|منتصف|ربيع|صيف|خريف|شتاء"
        rf"|{_MONTHS_AR})\s+)((?:19|20)\d\d)(?!\d)"
    )
)
# A time anchor that makes a sentence today's news: "on Monday", "overnight", "hours later", "اليوم".
_FRESH: Final = WordScanner(
    dispatch(
        fold_pattern(
            r"today|tonight|yesterday|overnight|this (?:morning|afternoon|evening|week|month)"
            r"|last (?:night|week)"
            r"|hours later|the next day|earlier today|(?:on )?(?:monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday)"
            r"|[وف]?(?:اليوم|أمس|بالأمس|الليلة|فجر|صباح|مساء|ظهر|ليل|الساعات|الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء"
            r"|الخميس|الجمعة|السبت)"
        )
    )
    + r"(?!\w)(?!\s*\d{1,2}\s+\S+\s+(?:19|20)\d\d)"  # "فجر 21 آب 2013" is a date, not today
)
# Words that set a sentence in the past however it is dated: the Arabic pluperfect opening a sentence
# ("وكانت قوات النظام قد قصفت ..."), "at the time", "آنذاك", "حينها".
_THEN: Final = re.compile(
    fold_pattern(
        r"^\s*[وف]?(?:كان|كانت|كانوا)\s+(?:\S+\s+){0,24}?قد\s"
        r"|\bat the time\b|\bthat year\b|\bduring the (?:[\w-]+ )?(?:siege|war|occupation)\b"
        r"|(?<!\w)(?:آنذاك|حينها|حينذاك|وقتها|في حينه)(?!\w)"
    )
)


# A past month or year named without a date: "clashes in October, which killed dozens", "last year".
_PAST_TIME: Final = re.compile(
    fold_pattern(
        r"\b(?:last (?:year|month|summer|winter|spring|autumn)|earlier this year|in (?:january|february"
        r"|march|april|may|june|july|august|september|october|november|december))\b"
        r"|(?<!\w)(?:العام الماضي|الشهر الماضي|مطلع العام)(?!\w)"
    )
)


def stale_sentence(text: str, s0: int, s1: int, year: int) -> bool:
    """The sentence text[s0:s1] names a year before this one and no fresh time anchor ("on Monday",
    "اليوم"): in the body of an article it is background ("The RSF seized El Fasher in late October 2025
    after ...", "Yemen's war began in 2014 when the Houthis seized Sanaa")."""
    sentence = text[s0:s1]
    if _THEN.search(sentence):
        return True
    old = any(
        int(m.group(1)) < year and not _in_relative_aside(sentence, m.start())
        for m in _ANY_YEAR.finditer(sentence)
    )
    return (old or _PAST_TIME.search(sentence) is not None) and not fresh(text, s0, s1)


def _in_relative_aside(sentence: str, at: int) -> bool:
    """The year at `at` sits in a relative clause set off by a comma: it dates a place named in the news
    ("... near the town of Akhtarin, which saw heavy fighting in 2016"), not the news itself."""
    comma = max(sentence.rfind(",", 0, at), sentence.rfind("،", 0, at))
    return comma >= 0 and _RELATIVE_AFTER.match(sentence, comma + 1) is not None


def fresh(text: str, s0: int, s1: int) -> bool:
    """text[s0:s1] names a fresh time: "on Monday", "overnight", "hours later", "اليوم", "فجر"."""
    return _FRESH.search(text, s0, s1) >= 0


def old_year_after(text: str, end: int, sentence_end: int, lang: str, year: int) -> bool:
    """A year two or more years back starts within 120 characters after `end`, before punctuation."""
    limit = min(sentence_end, end + 120)
    window = text[end:limit]
    if "19" not in window and "20" not in window:
        return False  # no year: the common case
    on = _ON_DATE.match(text, end, limit)  # "surrendered on Nov. 18, 1991": the date's own punctuation
    if on is not None:
        return int(on.group(1)) < year - _RECENT_YEARS
    stop = _CLAUSE_PUNCT.search(text, end, limit)
    hi = stop.start() if stop else limit
    other = _OTHER_CLAUSE.search(text, end, hi)  # "an offensive reminiscent of the one in 2016"
    m = _OLD_YEAR[lang].search(text, end, other.start() if other else hi)
    if m is None or int(m.group(1) or m.group(2)) >= year - _RECENT_YEARS:
        return False
    if lang == "ar" and _SINCE_DATE_AR in text[max(end, m.start() - 25) : m.start()]:
        return False  # "إلى 44211 شهيدا منذ السابع من أكتوبر 2023": a running total since then
    # "their deadliest attack during 2024 and 2025": a comparison with the past, not a date of the event
    return _COMPARISON.search(text, end, m.start()) is None


_RELATIVE_BEFORE: Final = re.compile(
    fold_pattern(
        r"(?:, (?:which|that|where|whom)|(?<!\w)(?:التي|الذي|اللتين|اللذين|الذين|حيث)"
        r"|\b(?:villages?|towns?|cit(?:y|ies)|areas?|territor(?:y|ies)|regions?|districts?|lands?|provinces?"
        r"|parts?) (?:that|which))"
        r"\s+(?:[^\s,،]+\s+){0,6}$"
    )
)
# Every Arabic relative cue holds one of these: a quick test before the regexes.
RELATIVE_AR: Final = tuple(
    fold_pattern(w + " ") for w in ("التي", "الذي", "اللتين", "اللذين", "الذين", "حيث")
)
# A participle set off by a comma after a noun: "Raqqa, captured from IS in 2017, is ...".
_ASIDE_ADVERBS: Final = (" first", " once", " later", " briefly", " originally", " largely")
ASIDE_ENDS: Final = (",", *_ASIDE_ADVERBS)
_PARTICIPLE: Final = re.compile(r"[a-z-]+(?:ed|en|run)\b")


def dated_background(text: str, start: int, end: int, before: str, arabic: bool) -> bool:
    """True when the trigger sits in a relative clause or a participle aside dated to a past year or
    month (historical background, not the news of the sentence). `before` is the clause up to the
    trigger (see _clause_left)."""
    relative = _RELATIVE_BEFORE.search(before) is not None
    if not relative and (arabic or not aside_before(before) or _PARTICIPLE.match(text, start) is None):
        return False
    return _past_date_after(text, end, arabic) and (relative or "," in text[end : end + 100])


# The toll of a whole war in a relative clause is background: "the war, which has killed tens of
# thousands", "a war that has left more than 2,000 people dead", "الحرب التي خلفت أكثر من 150 ألف قتيل".
_WAR_RELATIVE: Final = re.compile(
    fold_pattern(
        # "the war between the army and the RSF, which erupted in April 2023 and has killed"
        r"\b(?:war|conflict|insurgency|uprising)(?:\s+between\s+[^,.;]{0,60})?\s*,?\s+(?:which|that)\s+"
        r"(?:[^,.;]{0,50}?\s+and\s+)?(?:(?:has|had|have)\s+)?(?:seen\s+(?:[\w'-]+\s+){0,3})?"
        r"(?:(?:already|now|so far)\s+)?(?:left\s+(?:[\w,.-]+\s+){0,5})?$"
        r"|(?<!\w)(?:ال)?(?:حرب|نزاع|صراع)\S*\s+(?:\S+\s+){0,4}?(?:التي|الذي)\s+(?:\S+\s+){0,5}$"
    )
)


# A whole war as the subject of a toll: "The conflict has killed more than 150,000 people", "Sudan's war,
# which began in April 2023, has killed tens of thousands", "the 14-month war killed more than 4,000".
_WAR_SUBJECT: Final = re.compile(
    fold_pattern(
        # "the war between the army and the RSF had killed", "as war's toll passes 150,000 dead"
        r"\b(?:war|conflict|insurgency)(?:'s(?:\s+death|\s+(?:death\s+)?toll\s+[^.;]{0,30})?|\s+between\s+[^,.;]{0,60}"
        r"|,[^,]{0,90},)?\s+(?:has\s+|had\s+|have\s+)?"
        r"(?:(?:already|now|so far)\s+)?(?:left\s+(?:[\w,.-]+\s+){0,5})?$"
        # "النزاع الذي تفجر بعد انقلاب شباط/فبراير 2021 أسفر عن مقتل"
        r"|(?<!من )(?<!بدء )(?<!\w)(?:ال)?(?:حرب|نزاع|صراع)(?:\s+\S+)?(?:\s+(?:الذي|التي)\s+[^،.]{0,60}?)?\s+"
        r"(?:خلف\S*|أسفر\S* عن|أودى?\S* بحياة)\s+"
        r"(?:\S+\s+){0,3}$"
        # the war itself as the subject of the verb: "حرب قتلت عشرات الآلاف"
        r"|(?<!مخلفات )(?<!من )(?<!بدء )(?<!\w)(?:ال)?(?:حرب|نزاع|صراع)\s+$"
    )
)


_WAR_AFTER_VERB_AR: Final = re.compile(fold_pattern(r"[^\s]+ (?:ال)?(?:حرب|نزاع|صراع)(?!\w)"))
_WAR_WORDS: Final = ("war", "conflict", "insurgency", *(fold_pattern(w) for w in ("حرب", "نزاع", "صراع")))


def war_toll(text: str, start: int, sentence_start: int) -> bool:
    """The casualty trigger at `start` counts the toll of a whole war (see _WAR_SUBJECT)."""
    if _WAR_AFTER_VERB_AR.match(text, start):
        return True  # "حصدت الحرب أرواح أكثر من 150 ألف شخص": the war is the subject after its verb
    lo = max(sentence_start, start - 140)
    window = text[lo:start]
    # every _WAR_SUBJECT match holds one of these: substring tests before the regex
    if not any(w in window for w in _WAR_WORDS):
        return False
    # the subject, or a relative clause of it wider than the negation window ("the war between the army
    # and the RSF, which erupted in April 2023 and has killed")
    subject = _WAR_SUBJECT.search(text, lo, start)
    return subject is not None or _WAR_RELATIVE.search(text, lo, start) is not None


def war_toll_background(before: str) -> bool:
    """The trigger is in a relative clause of "the war" (see _WAR_RELATIVE); `before` is its clause."""
    return _WAR_RELATIVE.search(before) is not None


def aside_before(before: str) -> bool:
    """before ends with a comma after a word, possibly followed by an adverb ("Raqqa, once")."""
    rest = before.rstrip()
    if not rest.endswith(ASIDE_ENDS):
        return False  # the common case, decided in C
    if rest.endswith(_ASIDE_ADVERBS):
        rest = rest.rsplit(None, 1)[0] if " " in rest else ""
    return rest.endswith(",") and len(rest) > 1 and rest[-2].isalnum()


# A trial, a verdict or an exhumation is about past killings: "Trial opens over 2018 La Saline massacre
# that killed 71", "بدأت أولى جلسات محاكمة 14 متهما ... والتي وثقت اللجنة مقتل 1400 شخص خلالها".
_INQUEST: Final = WordScanner(
    dispatch(
        fold_pattern(
            r"trials?|tribunal|court-martial|[وف]?(?:ال)?محاكم(?:ة|ات)\S*|[وف]?[يت]حاكم\S*"
            # a court's verdict: "قضت المحكمة العسكرية بإعدام عنصرين", "court sentences three to death"
            r"|[وف]?(?:ال)?محكمة|courts?"
            # the dead exhumed: "مقبرة جماعية ... تضم رفات عشرات الضحايا", "a mass grave holding the remains"
            r"|mass graves?|exhum\w*|[وف]?(?:ال)?رفات|[وف]?(?:ال)?(?:مقبرة|مقابر) (?:ال)?جماعي\S*"
        )
    )
    + r"(?!\w)"
)


_INQUEST_STEMS: Final = (
    "tri",
    "court",
    "grave",
    "exhum",
    *(fold_pattern(w) for w in ("حاكم", "محكمة", "رفات", "جماعي")),
)


def inquests(text: str, s0: int, s1: int) -> tuple[int, ...]:
    """Where text[s0:s1] names a trial, a court's verdict or an exhumation: the killings after one in its
    clause are what it is about ("مقبرة جماعية جديدة، يعتقد أنها تضم رفات عشرات الضحايا")."""
    sentence = text[s0:s1]
    if not any(stem in sentence for stem in _INQUEST_STEMS):
        return ()  # every _INQUEST match holds one: the common case, decided in C
    found = []
    at = _INQUEST.search(text, s0, s1)
    while at >= 0:
        found.append(at)
        at = _INQUEST.search(text, at + 1, s1)
    return tuple(found)


# A toll of thousands without a count, in the body of an article, recalls a war ("the UN says thousands
# were killed in the rebel offensive on Goma alone", "قتلت وأصابت آلاف المدنيين"): a new attack's toll
# comes with a count. So does a toll for the year so far ("losses this year alone exceed 380,000").
_THOUSANDS: Final = re.compile(fold_pattern(r"\bthousands\b|(?<!\w)[وب]?(?:ال)?(?:آلاف|ألوف)(?!\w)"))
_YEAR_SO_FAR: Final = re.compile(
    fold_pattern(
        r"\b(?:this year alone|so far this year|since the (?:start|beginning) of (?:the|this) year)\b"
        r"|(?<!\w)منذ (?:بداية|مطلع) (?:العام|هذا العام|السنة)(?!\w)"
    )
)
_THOUSANDS_WINDOW: Final = 25  # the toll's own amount: "thousands were killed", "قتل وخطف الآلاف"
_YEAR_SO_FAR_WINDOW: Final = 60
_WAR_COUNT: Final = 100_000


def war_scale(text: str, start: int, end: int, s0: int, s1: int) -> bool:
    """A vague toll of thousands next to the trigger, or a toll for the year so far or of a hundred thousand
    or more near it, in text[s0:s1], and no fresh time anchor in the sentence."""
    m = _THOUSANDS.search(text, max(s0, start - _THOUSANDS_WINDOW), min(s1, end + _THOUSANDS_WINDOW))
    # the same clause only: "... killed in Sudan so far this year; two more drivers were wounded"
    lo, hi = _clause_around(
        text, start, end, max(s0, start - _YEAR_SO_FAR_WINDOW), min(s1, end + _YEAR_SO_FAR_WINDOW)
    )
    war = (m is not None and _vague_toll(text, start, end, m.start())) or _YEAR_SO_FAR.search(
        text, lo, hi
    ) is not None
    if not war and any(c.isdigit() for c in text[lo:hi]):
        # "estimates of up to 600,000 deaths": no single attack kills a hundred thousand
        war = any(n.value >= _WAR_COUNT for n in find_numbers(text, lo, hi))
    return war and not fresh(text, s0, s1)


_CLAUSE_BREAK: Final = re.compile(r"[;؛:،–—]|,(?!\d)")  # not the comma of "380,000"


def _clause_around(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """lo..hi narrowed to the clause around text[start:end] (no ",;:" inside)."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, lo, hi)]
    left = max((i for i in breaks if i < start), default=lo - 1)
    right = min((i for i in breaks if i >= end), default=hi)
    return left + 1, right


def _vague_toll(text: str, start: int, end: int, at: int) -> bool:
    """The "thousands" at `at` is the trigger's own amount: not a count ("5 آلاف"), and no clause break or
    other number between them ("مقتل 17 وإصابة 29 آخرين، فيما فر آلاف السكان")."""
    lo, hi = (at, start) if at < start else (end, at)
    between = text[lo:hi]
    return (
        not _counted(text, at)
        and _CLAUSE_BREAK.search(between) is None
        and not any(c.isdigit() for c in between)
    )


def _counted(text: str, at: int) -> bool:
    """The word at `at` ends a number that starts before it ("5 آلاف", "خمسة آلاف"): a count."""
    return any(n.start < at < n.end for n in find_numbers(text, max(0, at - 20), at + 8))


# A when- or relative clause right after an old date describes the dated event: "in August 2014, when IS
# fighters killed thousands", "overran Palma in March 2021 in an attack that killed dozens", "في آذار
# الماضي، الذي أسفر عن مقتل", "في آب 2014، حين قتل وخطف الآلاف".
_WHEN_AFTER_YEAR: Final = re.compile(
    fold_pattern(
        r"(?:((?:19|20)\d\d)|(?<!\w)(?:شهر )?(?:" + _MONTHS_AR + r")(?:/(?:" + _MONTHS_AR + r"))? الماضي)"
        r"(?:\s+[^\s,،.]+){0,4}?\s*[,،]?\s+"
        # not "that" after a verb of saying: "an investigation in May 2022 concluded that the strike killed"
        r"(?:(?<!said )(?<!says )(?<!concluded )(?<!found )(?<!reported )(?<!confirmed )(?<!announced )"
        r"(?<!showed )(?<!stated )(?<!claimed )that|حين|عندما|حينما|when|which|و?الذي|و?التي)"
        r"\s+(?:[^\s,،.]+\s+){0,6}$"
    )
)


_LAST_AR: Final = fold_pattern("الماضي")


def dated_when(text: str, start: int, sentence_start: int, year: int) -> bool:
    """The trigger at `start` is in a when- or relative clause right after a year two or more years back
    or "last <month>"."""
    lo = max(sentence_start, start - 90)
    window = text[lo:start]
    if "19" not in window and "20" not in window and _LAST_AR not in window:
        return False  # no year and no "الماضي": the common case
    m = _WHEN_AFTER_YEAR.search(text, lo, start)
    # any year before this one: a relative clause of a dated event is its background ("سيطرة الدعم السريع
    # على المدينة في أكتوبر 2025، والتي قالت الأمم المتحدة إن آلاف المدنيين قتلوا خلالها")
    if m is None or (m.group(1) is not None and int(m.group(1)) >= year):
        return False
    # a fresh time in the clause dates it anew: "which the army captured in 2022 and which fell back into
    # their hands on Tuesday", "التي سقطت عام 2023، والتي استعادها الجيش صباح الأحد بعد اشتباكات قتل فيها"
    return not fresh(text, m.start(), min(len(text), start + 80))


# An anniversary frames what follows as the past, across a headline's ".." too: "في ذكراها الحادية
# عشرة.. ناجون يروون تفاصيل مجزرة سبايكر التي قتل فيها نحو 1700", "On the tenth anniversary, survivors
# recall how militants killed 1,700 cadets".
_ANNIVERSARY: Final = WordScanner(
    dispatch(fold_pattern(r"anniversary|[وفبل]?(?:ال)?(?:ذكرى|ذكرا)(?:ها|ه)?")) + r"(?!\w)"
)


_MEMORY_AR: Final = (fold_pattern("ذكرى"), fold_pattern("ذكرا"))


def anniversary_at(text: str, lo: int, s0: int, s1: int) -> int:
    """Where text[lo:s1] first names an anniversary when the sentence text[s0:s1] names no fresh time,
    else -1: the triggers after it recall the past."""
    span = text[lo:s1]
    if "anniversar" not in span and _MEMORY_AR[0] not in span and _MEMORY_AR[1] not in span:
        return -1  # every _ANNIVERSARY match holds one of these
    at = _ANNIVERSARY.search(text, lo, s1)
    return at if at >= 0 and not fresh(text, s0, s1) else -1


# A period that has ended or runs up to now counts many events, not one: "آلاف المقاتلين سلموا أنفسهم خلال
# العامين الماضيين", "have surrendered in recent years".
_PAST_PERIOD: Final = re.compile(
    fold_pattern(
        r"\b(?:in recent years"
        r"|(?:over|in|during) the (?:past|last) (?:two|three|few|several|\d+) (?:years|decades))\b"
        r"|(?<!\w)(?:خلال|في|على مدى|طوال) (?:العامين|السنتين|السنوات|الأعوام|العقود|العقد)"
        r" (?:الماضيين|الماضية|الأخيرة"
        r"|الأخيرين|الماضي)(?!\w)"
    )
)


_PAST_AR: Final = (fold_pattern("الماضي"), fold_pattern("الأخير"))


def past_period(text: str, s0: int, s1: int) -> int:
    """Where text[s0:s1] first counts over a past period of years when it names no fresh time, else -1."""
    sentence = text[s0:s1]
    if "years" not in sentence and "decades" not in sentence and not any(w in sentence for w in _PAST_AR):
        return -1  # every _PAST_PERIOD match holds one of these
    m = _PAST_PERIOD.search(text, s0, s1)
    return m.start() if m is not None and not fresh(text, s0, s1) else -1


def clause_start(text: str, s0: int, start: int) -> int:
    """Where the clause holding `start` begins, after the last comma, semicolon, colon or dash from s0."""
    last = s0
    for m in _CLAUSE_BREAK.finditer(text, s0, start):
        last = m.end()
    return last


def same_clause(text: str, a: int, b: int) -> bool:
    """No comma, semicolon or colon between positions a and b (in either order)."""
    return _CLAUSE_BREAK.search(text, min(a, b), max(a, b)) is None


# A sentence that opens with how long ago it happened recalls the past: "قبل عام، اجتاحت قوات الدعم السريع
# المدينة", "A year ago, the RSF overran the city".
_AGO_OPENING: Final = re.compile(
    fold_pattern(
        r"\s*(?:[وف]?قبل (?:عام|عامين|سنة|سنتين|\S+ (?:سنوات|أعوام|أشهر|شهور))"
        r"|(?:a|one|two|three|four|five|six|ten|\d+|several|many) (?:years?|months|decades?) ago)\s*[,،]"
    )
)


def opens_in_past(text: str, s0: int, s1: int) -> bool:
    """text[s0:s1] opens with "a year ago," or "قبل عام،" and names no fresh time."""
    return _AGO_OPENING.match(text, s0, s1) is not None and not fresh(text, s0, s1)
