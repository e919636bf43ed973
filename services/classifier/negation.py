"""Is a trigger reported as done? Plans, calls, denials, refusals, predictions, death sentences and
background say it is not.

Windows: modal/denial/call cues anywhere in the clause before the trigger (up to 60 characters);
purpose/background cues only right before it ("offensive to recapture", "منذ سيطرة", "لتحرير", "since
rebels captured"); a relative clause or a participle aside dated to a past year or month ("Raqqa,
captured from IS in 2017, is ..."); a modal after a nominal trigger ("the fall of X would open ...");
a denial after a reported trigger ("dismissed reports of a withdrawal as rumours"). What the trigger acts
on is objects.py's concern; dated events and old tolls are background.py's.
"""

from __future__ import annotations

import re
from typing import Final

from .background import (
    ASIDE_ENDS,
    MONTHS_EN,
    RELATIVE_AR,
    dated_background,
    war_toll_background,
)
from .lexicon import DENY_VERB_WORDS, IMPERFECT_AR, NEGATION, NEGATION_SCAN, PURPOSE_ONLY_AR, TO_OK_EN
from .normalize import fold_pattern
from .scan import WordScanner, dispatch
from .tails import ends_with_word

__all__ = ["DENIAL_WINDOW", "denied_report_before", "is_negated"]

_WINDOW: Final = 60
_COORDINATED: Final = ("and", "or")
_CLAUSE_START: Final = re.compile(
    fold_pattern(
        r".*(?:[;؛:.!?]|,\s+(?:while|but|whereas)\b|،\s*(?:في حين|بينما|فيما)|\bwhile\b|\bwhereas\b)"
    ),
    re.S,
)
# Every clause start holds one of these: a quick test before _CLAUSE_START backtracks over the window (a
# lone class lets the engine skip to candidates in C; the two words are substring tests).
_CLAUSE_CUE: Final = re.compile(fold_pattern(r"[;؛:.!?,،]"))
_CLAUSE_WORDS: Final = ("while", "whereas")
_ADJ_EN: Final = WordScanner(
    dispatch(
        r"(?:since|prior to|ahead of|before|negotiations?\s+(?:on|over|for|about)"
        r"|talks\s+(?:on|over|for|about))\s+(?:its|the|their|his|a)?\s*$"
    )
)
# The last word of every _ADJ_EN match (it ends with `\s*$`): a quick test before the scan.
_ADJ_EN_LAST: Final = (
    *("its", "the", "their", "his", "a"),
    *("since", "to", "of", "before", "on", "over", "for", "about"),
)
_ADJ_AR: Final = WordScanner(
    fold_pattern(r"(?:و)?")
    + dispatch(
        fold_pattern(
            r"منذ|قبل|لمنع|معركة|معركه|حملة|عملية|هجوم|هجوما|بهدف|سعيا|محاولة|مفاوضات|محادثات|بشأن|حول"
            r"|بحث|بحثت|يبحث|تبحث|ناقش|ناقشت|يناقش|تناقش|مناقشة|مقابل|شعار|ملف|فكرة"
            # determined to: "ماضية في بسط سيطرة الدولة"
            r"|ماضية في|ماض في|ماضون في|ماضيا في"
        )
    )
    + r"(?: \S+)?\s*$"
)
# A masdar with lam is a purpose: "لتحرير", "للسيطرة", "لاستعادة" = "in order to take".
_AR_PURPOSE: Final = re.compile(
    fold_pattern(r"^[وف]?لل?(?:تحرير|تطهير|سيطرة|استعادة|استسلام|تسليم|انسحاب|استيلاء|استرجاع|إعادة)")
)
# A purpose masdar a few words before a coordinated trigger ("لتسليم أسلحتها والاستسلام").
_PURPOSE_BEFORE_AR: Final = re.compile(
    fold_pattern(
        r"(?<!\w)لل?(?:تحرير|تطهير|سيطرة|استعادة|استسلام|تسليم|انسحاب|استيلاء)\S*(?:\s+\S+){0,2}\s*$"
    )
)
_WA: Final = "و"
_MAY_MONTH: Final = re.compile(r"\d\s*may\b|\bmay\s*\d")

# "since IS captured the city": "since" opens a background clause that the trigger is part of (no comma
# between them); "since Monday", "since the start of the year", "منذ بدء الهجوم" are time spans, and a
# trigger after the comma that closes a "since" clause is the news ("Since the truce collapsed, 120 ...").
_SINCE_EN: Final = re.compile(
    r"\bsince\s+(?!(?:the\s+)?(?:start|beginning|outbreak|end|launch|onset|middle|eve|turn)\b"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|(?:march|" + MONTHS_EN + r")\b"
    r"|\d|(?:then|last|early|late|mid|yesterday|dawn|morning|midnight|noon|this|at least)\b)"
    r"(?:[^\s,]+\s+){0,7}$"
)
_SINCE_CLAUSE_AR: Final = fold_pattern("منذ أن")
# A generic or conditional subject: "any fighter who surrenders", "whoever lays down his arms".
_GENERIC_EN: Final = re.compile(
    r"\b(?:any|anyone|anybody|every|each|those|all\s+who)\b(?:\s+[\w'-]+){0,4}?\s+(?:who|that)\s+"
    r"(?:\w+\s+)?$|\bwhoever\s+(?:\w+\s+)?$"
)
_GENERIC_AR: Final = re.compile(
    fold_pattern(r"(?<!\w)[وف]?(?:كل|لكل|أي|لأي)(?: \S+){0,2}? (?:من |ممن )?[يت]\S+ (?:\S+ )?$")
)
# A verb with the future prefix س right before the trigger ("ستستعيد السيطرة", "سيعلن تحرير"); nouns that
# begin with سي/ست (سيطرة, سيارة, سياسة, ستة, ستين) are not verbs.
_FUTURE_BEFORE_AR: Final = re.compile(
    fold_pattern(r"(?<!\w)[وف]?س[يتن](?!طر|ار|اس|اد|ين|ون|ه(?!\w)|م[ئا]|نا|نو|ول|ناء)\w{3,}\s+$")
)
# Every _GENERIC_AR match holds one of these (a quick test before the regex).
_KUL: Final = fold_pattern("كل ")
_AYY: Final = fold_pattern("أي ")
_PAST_VERB: Final = frozenset(("took", "retook", "fell", "overran", "gave", "laid", "won", "drove", "swept"))
# A death sentence is not an execution: "sentenced 7 men to death", "أحكاماً بالإعدام على 7".
_SENTENCED_EN: Final = re.compile(r"\bsentenc\w*\b(?:\s+\S+){0,6}?\s+to(?:\s+be)?\s*$")
_SENTENCE_AFTER_EN: Final = re.compile(r"\s*(?:sentences?|penalty|row|verdicts?)\b")
# "الإعدام شنقاً لخمسة مدانين": a sentence passed on convicts, not an execution reported.
_CONVICTS_AFTER_AR: Final = re.compile(fold_pattern(r"(?:\s+\S+){0,3}?\s+\S*(?:مدان|محكوم|متهم)\S*"))
_SENTENCED_AR: Final = re.compile(
    fold_pattern(
        r"(?<!\w)[وف]?(?:حكم|حكما|حكمت|يحكم|الحكم|أحكام|أحكاما|الأحكام|بأحكام|قضت|قضى|تقضي|يقضي|عقوبة|بعقوبة"
        r"|العقوبة)(?: \S+){0,2}\s*$"
    )
)
# A nominal trigger that is the subject of a prediction: "the fall of X would open ...", "the capture of
# the strongholds was only a matter of time", "سقوط المدينة سيفتح الطريق".
_NOMINAL_EN: Final = re.compile(r"(?:\b(?:the|its|their|his|her|a|any|'s)\s+)(?:[\w-]+\s+)?$")
_NOMINAL_WORDS_EN: Final = ("capture", "recapture", "fall of", "liberation", "seizure", "takeover")
# A gerund that opens its clause is a nominal subject too: "Capturing the city won't end the war".
_GERUNDS_EN: Final = ("capturing", "recapturing", "seizing", "taking", "retaking", "liberating")
# Scanned from word starts, first letters dispatched (scan.WordScanner): a window costs one quick scan.
_MODAL_AFTER_EN: Final = WordScanner(
    dispatch(
        r"would|will|could|might|may|should|must|matter of time|matter of days|matter of weeks"
        r"|question of time|question of days|question of weeks|imminent|inevitable"
        r"|(?:is|are|was|were|seems?|looks?)\s+(?:likely|unlikely|expected|possible|feared|near)"
        r"|depends?|hinges?|won't|won’t|wont|cannot|can't|can’t"
    )
    + r"\b"
)
# Terms that include the masdar right after them: "يتضمن انسحاب القوات", "بما يشمل ... وانسحاب الجيش".
_INCLUDES_BEFORE: Final = re.compile(
    fold_pattern(r"(?<!\w)(?:يتضمن|تتضمن|يشمل|تشمل)\s+$|(?<!\w)بما (?:يشمل|في ذلك)\s")
)
_NOMINAL_AR: Final = re.compile(
    fold_pattern(
        r"[وفبلك]?(?:ال)?(?:سقوط|تحرير|استعادة|سيطرة|استيلاء|انسحاب|استسلام|تسليم|استرجاع|إعادة|تطهير)"
    )
)
# Future verbs that make a prediction of a nominal trigger ("سيفتح", "ستؤدي", "سيمهد").
_FUTURE_VERBS_AR: Final = r"(?:فتح|مهد|ؤدي|كون|شكل|غير|عني|تيح|سمح|منح|عزز|قطع|حرم|فقد|ضع|جعل)"
_MODAL_AFTER_AR: Final = WordScanner(
    dispatch(
        fold_pattern(
            rf"سوف|قد [يت]\S+|لن [يت]\S+|س(?:ي|ت){_FUTURE_VERBS_AR}\S*|ل(?:ي|ت){_FUTURE_VERBS_AR}\S*"
            r"|مسألة وقت"
            r"|مسألة أيام|وشيك\S*|بات قريبا|متوقع\S*"
            # "استعادة السيطرة على الطرق خلال الأشهر المقبلة": a time to come
            r"|(?:ال)?(?:أيام|أسابيع|أشهر|شهور|أعوام|سنوات|مرحلة|فترة) (?:المقبلة|القادمة)"
        )
    )
    + r"(?!\w)"
)
_AFTER_CLAUSE_END: Final = re.compile(r"[,،;؛:.!?()]")
# A denial that follows the report: "dismissed reports of a withdrawal as rumours", "وصف التقارير عن
# انسحاب القوات بأنها شائعات".
_REPORTS_BEFORE: Final = re.compile(
    fold_pattern(
        # "the claim circulating this morning that ... is false"
        r"\b(?:reports?|claims?|rumou?rs?|allegations?|accounts?|news)\s+(?:[\w-]+\s+){0,4}?(?:of|that|about|on)\b"
        r"|(?<!\w)[وف]?(?:ال)?(?:تقارير|أنباء|اخبار|أخبار|ادعاءات|مزاعم|شائعات|روايات)\s+(?:\S+\s+)?"
        r"(?:عن|بشأن|حول|تفيد|بأن|أن)(?!\w)"
    )
)
_DENIED_AFTER: Final = re.compile(
    fold_pattern(
        r"\bas\s+(?:(?:mere|pure|baseless|false|unfounded)\s+)?(?:rumou?rs?|false|baseless|fabricat\w*|fake"
        r"|untrue|propaganda|lies|groundless|unfounded|nonsense|disinformation)\b"
        r"|\b(?:was|were|is|are)\s+[\"“']?"
        r"(?:(?:pure|mere|simply|nothing but|totally|completely|utterly|entirely)\s+)?"
        r"(?:false|untrue|baseless|unfounded|fake|fabricated|propaganda|lies|nonsense|disinformation|rumou?rs?)\b"
        r"|\bcall(?:ing|ed|s)?\s+(?:them|it|the\s+(?:reports?|claims?))\s+[\"'“]?(?:(?:a|an|pure|mere)\s+)?"
        r"(?:false|untrue|baseless|unfounded|fake|fabricated|propaganda|lies|nonsense|disinformation|rumou?rs?)\b"
        r"|(?<!\w)(?:بأنها|بأنه|أنها|انها)\s+(?:مجرد\s+)?(?:شائعات|كاذب\S*|عاري\S*|ملفق\S*|مفبرك\S*|أكاذيب|دعاي\S*"
        r"|غير صحيح\S*|لا أساس)"
        r"|(?<!\w)عاري\S* (?:عن|من) الصحة|(?<!\w)لا أساس لها"
        # "... محض دعاية", "مجرد أكاذيب": a report called propaganda
        r"|(?<!\w)(?:محض|مجرد)\s+(?:شائعات|أكاذيب|كذب|افتراء\S*|دعاي\S*|تلفيق\S*|فبرك\S*)"
    )
)

# A denial verb whose object is the report of the trigger, however long the subject between them: "نفى
# المتحدث باسم الجيش ما تداولته وسائل إعلام عن سقوط المدينة", "rejected as false the claims of the
# rebels that they had taken the town".
_DENIAL_OF_REPORT: Final = re.compile(
    fold_pattern(
        rf"(?:(?<!\w)[وف]?(?:{DENY_VERB_WORDS['ar']})|\b(?:{DENY_VERB_WORDS['en']}))(?!\w)"
        # the gap stops at a new clause: "dismissed the army chief after reports that ..." is no denial
        r"(?:(?!\b(?:after|but|confirmed|said)\b|(?<!\w)(?:وقال|لكن|بعد)(?!\w))[^.!?؛;]){0,140}?"
        r"(?:\b(?:reports?|claims?|rumou?rs?|allegations?|accounts?|suggestions?)\s+(?:[\w-]+\s+){0,4}?"
        r"(?:of|that|about|on)\b"
        r"|(?<!\w)(?:صحة\s+)?ما\s+(?:(?:يجري|يتم|جرى|تم)\s+)?"
        r"(?:تداول|نشر|أورد|تناقل|ذكر|زعم|ادعى|ادعت|روج|بث|نقل|أشيع)\S*\s+"
        r"(?:\S+\s+){0,9}?(?:عن|حول|بشأن)(?!\w)"
        # "«المعلومات الكاذبة» المتداولة على مواقع التواصل عن انسحاب القوات"
        r"|(?<!\w)[وف]?[«\"]?(?:ال)?(?:تقارير|أنباء|اخبار|أخبار|ادعاءات|مزاعم|شائعات|روايات|معلومات)\s+(?:\S+\s+){0,6}?"
        r"(?:عن|بشأن|حول|تفيد|بأن|أن)(?!\w))"
        r"(?:\s+\S+){0,6}?\s*$"
    )
)
DENIAL_WINDOW: Final = 240


def denied_report_before(text: str, start: int, sentence_start: int) -> bool:
    """A denial verb before the trigger at `start` takes the report of it as its object (lexicon.DENY_VERB
    found one in the sentence, at most DENIAL_WINDOW characters back)."""
    lo = max(sentence_start, start - DENIAL_WINDOW)
    return _DENIAL_OF_REPORT.search(text, lo, start) is not None


# A short aside between commas after the nominal trigger: "the fall of X, if it happens, would ...".
_SHORT_ASIDE: Final = re.compile(r"\s*(?:[^\s,،.;؛:!?()]+\s+){0,3}[^\s,،.;؛:!?()]+\s*[,،]")


def _predicted(text: str, end: int, arabic: bool) -> bool:
    """A modal or a prediction governs the nominal trigger ending at `end` ("the fall of X would ...")."""
    limit = min(len(text), end + 90)
    stop = _AFTER_CLAUSE_END.search(text, end, limit)
    if stop and stop.group() in ",،" and (aside := _SHORT_ASIDE.match(text, stop.end(), limit)):
        stop = _AFTER_CLAUSE_END.search(text, aside.end(), limit)  # "سقوط المدينة، إن حدث، سيفتح"
    hi = stop.start() if stop else limit
    if arabic:
        return _MODAL_AFTER_AR.search(text, end, hi) >= 0
    after = text[end:hi]
    if "may" in after:
        after = _MAY_MONTH.sub(" ", after)
    return _MODAL_AFTER_EN.found_in(after)


def is_negated(
    text: str,
    start: int,
    end: int,
    sentence_start: int,
    lang: str,
    sentence_end: int | None = None,
    *,
    denials: bool = True,
) -> bool:
    """True when the clause around text[start:end] makes it a plan, call, denial, refusal, prediction,
    sentence (a death sentence) or background. `denials` False says no denial word (lexicon.DENY)
    follows the trigger in its sentence, so the denial regex need not run."""
    if denials and _denied_report(text, start, end, sentence_start, sentence_end):
        return True
    if lang == "ar":
        return _negated_ar(text, start, end, sentence_start)
    return _negated_en(text, start, end, sentence_start)


def _clause_left(text: str, start: int, sentence_start: int, wide: bool = False) -> str:
    """The clause before the trigger (60 characters, 120 when the trigger is coordinated or `wide`)."""
    left = text[max(sentence_start, start - _WINDOW) : start]
    if wide or ends_with_word(left, _COORDINATED) or text.startswith("و", start):
        # "urged them to lay down their arms and surrender": the cue governs both verbs.
        left = text[max(sentence_start, start - 2 * _WINDOW) : start]
    cue = _CLAUSE_CUE.search(left) or _CLAUSE_WORDS[0] in left or _CLAUSE_WORDS[1] in left
    clause = _CLAUSE_START.match(left) if cue else None
    return left[clause.end() :] if clause else left


def _denied_report(text: str, start: int, end: int, sentence_start: int, sentence_end: int | None) -> bool:
    """ "dismissed reports of a withdrawal as rumours": the report is denied after it ("X said it retook
    the town, a claim Y called false" stays X's report: no "reports of" before the trigger)."""
    s1 = len(text) if sentence_end is None else sentence_end
    return (
        _REPORTS_BEFORE.search(text, max(sentence_start, start - 80), start) is not None
        and _DENIED_AFTER.search(text, end, min(s1, end + 160)) is not None
    )


# Headline clauses end at these ("عاجل | الجيش يستعيد", "١٣:٢٠ – قوات ... تسيطر", "بعد معارك، الجيش ...").
_HEADLINE_CUT: Final = re.compile(r".*[:|–—؛.!?,،]", re.S)
# Words before an imperfect verb that make it a status, a habit, a plan or a subordinate clause: relative
# pronouns, "still" (لا يزال، ما زال), complementisers (أن، إن: folded alike), negation and auxiliaries.
_STATUS_WORDS_AR: Final = frozenset(
    fold_pattern(w)
    for w in (
        "أن",
        "إن",
        "لن",
        "لم",
        "لا",
        "ما",
        "مما",
        "لمن",
        "ممن",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللاتي",
        "اللواتي",
        "حيث",
        "قد",
        "سوف",
        "كان",
        "كانت",
        "كانوا",
        "يكون",
        "تكون",
        "زال",
        "زالت",
        "زالوا",
        "يزال",
        "تزال",
        "يزالون",
        "تزالان",
        "لازال",
        "لازالت",
        "مازال",
        "مازالت",
        "ظل",
        "ظلت",
        "ظلوا",
        "بقي",
        "بقيت",
        "تبقى",
        "يبقى",
        "عندما",
        "حين",
        "حينما",
        "بينما",
        "فيما",
        "إذا",
        "لو",
        "كي",
        "لكي",
        "حتى",
        "هي",
        "هو",
        "هم",
        "هن",
        "كيف",
        "هل",
        "متى",
        "عادة",
        "غالبا",
        "دائما",
    )
)
# "تسيطر عليها" with the pronoun right after the verb: the resumptive pronoun of a relative clause.
_RESUMPTIVE_AR: Final = tuple(fold_pattern(w) for w in ("عليها", "عليه", "عليهم", "منها", "منه", "منهم"))
_HEADLINE_WORDS: Final = 8
_PLURAL_IMPERFECT_AR: Final = re.compile(fold_pattern(r"[يت]\S{2,}(?:ون|ان)$"))
_BECAME_AR: Final = frozenset(
    fold_pattern(w)
    for w in ("بات", "باتت", "باتوا", "أصبح", "أصبحت", "أصبحوا", "صار", "صارت", "صاروا", "أضحت")
)


def _imperfect_is_status(text: str, start: int, end: int, sentence_start: int, lam: bool) -> bool:
    """An Arabic imperfect verb reports an event only as the main verb of a subject-first clause (the
    headline present: "قوات المعارضة تسيطر على بلدة", "مسلحون يخطفون 45 راكبا ويقتلون اثنين"). Verb-first
    ("يسيطر التنظيم على نصف المدينة"), after a relative pronoun, "still", a complementiser, negation or an
    auxiliary, with a resumptive pronoun ("تسيطر عليها"), or with ل/ب ("لتستعيد": purpose) it describes
    a state, a habit or a plan."""
    if lam or text[start:end].endswith(_RESUMPTIVE_AR):
        return True
    left = text[sentence_start:start]
    cut = _HEADLINE_CUT.match(left)
    if cut:
        left = left[cut.end() :]
    words = left.split()
    if words and words[-1] in _BECAME_AR:
        return False  # "باتوا يسيطرون على مطار غوما": they have come to control it
    if text.startswith(_WA, start) and any(_PLURAL_IMPERFECT_AR.match(w) for w in words[1:3]):
        # "مسلحون يقتحمون مدرسة ... فجر اليوم ويختطفون 25 طالبة": the headline's second verb
        return False
    if not words or len(words) > _HEADLINE_WORDS:
        return True
    # "يقضي التفاهم بأن تتسلم الوزارة": ب before the complementiser too
    return any(w in _STATUS_WORDS_AR or (w[1:] in _STATUS_WORDS_AR and w[0] in "وفب") for w in words)


def _masdar_not_done(text: str, start: int, end: int, left: str) -> bool:
    """An Arabic masdar trigger that is predicted, governed by a future verb, generic, or a deal's term."""
    if _predicted(text, end, True):
        return True  # "سقوط المدينة سيفتح الطريق"
    head = left.rstrip(_QUOTES)
    if head.endswith(_MASDAR_PREPS):
        head = head[: head.rfind(" ")]  # "ستساعد في «استعادة السيطرة»": the verb before في
    head += " "
    last = head.rstrip()
    last = last[last.rfind(" ") + 1 :]
    if (last[:1] == _SIN or last[1:2] == _SIN) and _FUTURE_BEFORE_AR.search(head, max(0, len(head) - 24)):
        return True  # "ستستعيد السيطرة على": a future verb governs the masdar
    if _UNTIL_BEFORE_AR.search(left, max(0, len(left) - 16)):
        return True  # "حتى «تطهير آخر شبر من أرض العراق»": a goal
    if (
        _WITHOUT_AR in left
        and not text.startswith(_WA, start)  # "دخول مدينة حمص دون قتال واستسلام مئات الجنود": a new conjunct
        and _WITHOUT_BEFORE_AR.search(left, max(0, len(left) - 40))
    ):
        return True  # "من دون الإعلان عن السيطرة عليها": without it
    if (_KUL in left or _AYY in left) and _GENERIC_AR.search(left):
        return True  # "لكل من يقوم بتسليم نفسه": anyone who would
    return _INCLUDES_BEFORE.search(left) is not None  # "اتفاق يتضمن انسحاب القوات": a deal's terms


def _clause_left_ar(text: str, start: int, sentence_start: int, nominal: bool) -> str:
    """The clause before an Arabic trigger: a past verb after "، و" opens its own ("أحبطت القوات محاولة
    تسلل، وقتل 5 من المهاجمين"); a masdar after إلى is the object of a call or a wish whose verb may open a
    long subject ("دعا قائد ... من تبقى من عناصر التنظيم إلى «تسليم أنفسهم»"), so look further back."""
    left = _clause_left(text, start, sentence_start)
    if not nominal and text.startswith(_WA, start) and left.rstrip().endswith("،"):
        return ""
    if nominal and left.rstrip(_QUOTES).endswith(_ILA):
        return _clause_left(text, start, sentence_start, wide=True)
    return left


def _negated_ar(text: str, start: int, end: int, sentence_start: int) -> bool:
    """Arabic: an imperfect verb that is not a headline event, background, a predicted or future masdar,
    then the cues in the clause before the trigger."""
    imperfect = IMPERFECT_AR.match(text, start, end)
    if (
        imperfect is not None
        and (_SINCE_AR not in text[start : end + 30] or _SINCE_NOW_AR.search(text, start, end + 30) is None)
        and _imperfect_is_status(text, start, end, sentence_start, imperfect.group("lam") is not None)
    ):
        return True
    nominal = _NOMINAL_AR.match(text, start, end) is not None
    left = _clause_left_ar(text, start, sentence_start, nominal)
    if nominal and _SAYTARA in text[start:end] and _RECIPROCAL_AR.found_in(left):
        return True  # "تتبادل الميليشيات والجيش السيطرة على الطرق": control changing hands, no event
    r0, r1, r2, r3, r4, r5 = RELATIVE_AR  # every relative cue holds one: quick tests before the regexes
    if (r0 in left or r1 in left or r2 in left or r3 in left or r4 in left or r5 in left) and (
        dated_background(text, start, end, left, True) or war_toll_background(left)
    ):
        return True  # "المدينة التي سيطر عليها التنظيم عام 2014", "الحرب التي خلفت أكثر من 150 ألف قتيل"
    if _WHAT_AR in left and _CALLS_IT_AR.search(left, max(0, len(left) - 30)):
        return True  # "لاستكمال ما تصفه بـ«تحرير دونباس»": a side's name for its goal
    if _COURT_OR_PAST_AR.found_in(_last_clause(left), text):
        return True  # "متهم بالمشاركة في قتل 27", "في ذكرى تحرير المدينة", "بعد 10 سنوات من سيطرة"
    if (
        _AR_PURPOSE.match(text[start:end])
        or (_ADJ_AR.found_in(left, text) and not _AGAINST_TOLL_AR.match(text, start, end))
        # "48 ساعة لتسليم أسلحتها والاستسلام": coordinated with a purpose
        or (nominal and text.startswith(_WA, start) and _PURPOSE_BEFORE_AR.search(left, len(left) - 40))
    ):
        return True
    if nominal:  # a masdar: "السيطرة على", "تسليم أنفسهم"
        if _masdar_not_done(text, start, end, left):
            return True
    elif _EXECUTE_STEM in text[start:end] and (
        _SENTENCED_AR.search(left) or _CONVICTS_AFTER_AR.match(text, end) is not None
    ):
        return True  # "حكما بالإعدام"
    if _SINCE_CLAUSE_AR in left and _SINCE_CLAUSE_AR in left[max(left.rfind("،"), left.rfind(",")) + 1 :]:
        return True  # "منذ أن دخلت القوات المدينة وسيطرت على أحيائها": inside a since-clause
    if _WITHOUT_WARNING in left:
        left = left.replace(_WITHOUT_WARNING, " ")  # "دون سابق إنذار": without warning, no ultimatum
    return NEGATION_SCAN["ar"].found_in(left, text) and not _only_purpose(left)


def _background_en(text: str, start: int, end: int, sentence_start: int, left: str) -> bool:
    """English background: a dated relative clause or aside, a war's own toll, a charge or a verdict, an
    anniversary, a since-clause, an explainer headline."""
    tail = left.rstrip()
    # A dated relative clause or aside: a comma, or "that"/"which" after a place noun (quick tests before
    # the regexes).
    if (
        (
            "," in left
            and (
                ", which" in left
                or ", that" in left
                or ", where" in left
                or ", whom" in left
                or tail.endswith(ASIDE_ENDS)
            )
        )
        or " that " in left
        or " which " in left
    ) and dated_background(text, start, end, left, False):
        return True
    if (" which " in left or " that " in left) and war_toll_background(left):
        return True  # "the war, which has killed tens of thousands"
    if _COURT_OR_PAST_EN.found_in(_last_clause(left)) or _verdict_before(text, start, sentence_start):
        return True  # "charged with killing 300", "the anniversary of the city's liberation"
    if "since" in left and _SINCE_EN.search(left):
        return True
    return _HOW_HEADLINE.match(text, sentence_start, start) is not None  # "How Palmyra fell": an explainer


def _negated_en(text: str, start: int, end: int, sentence_start: int) -> bool:
    """English: background, a predicted nominal trigger, then the cues in the clause before it (and
    "death sentence" after it)."""
    left = _clause_left(text, start, sentence_start)
    tail = left.rstrip()
    if _background_en(text, start, end, sentence_start, left):
        return True
    if (
        (
            text.startswith(_NOMINAL_WORDS_EN, start)
            and _NOMINAL_EN.search(text, max(sentence_start, start - 30), start) is not None
        )
        or (text.startswith(_GERUNDS_EN, start) and not left.strip())
    ) and _predicted(text, end, False):
        return True  # "the capture of X would ...", "the fall of the city was inevitable"
    if "what" in left and _CALLS_IT_EN.search(left, max(0, len(left) - 50)):
        return True  # "to complete what Moscow calls the liberation of Donbas": a side's name for its goal
    if tail.endswith(_ADJ_EN_LAST) and _ADJ_EN.found_in(left):
        return True
    if "like" in left and _LIKE_NP.search(left):
        return True  # "a truce that looks like the other side's surrender": a comparison
    if ("who" in left or "that" in left) and (
        (_GENERIC_EN.search(left) and (not _past(text, start, end) or _MODAL_AFTER.match(text, end)))
        or (text.startswith(_SURRENDER_PRESENT_EN, start) and _WHO_BEFORE_EN.search(left))
    ):
        return True  # "any fighter who surrenders", "amnesty for insurgents who surrender by March"
    if text.startswith(("death", "execut"), start) and (
        _SENTENCED_EN.search(left) or _SENTENCE_AFTER_EN.match(text, end)
    ):
        return True
    if "may" in left:
        left = _MAY_MONTH.sub(lambda m: " " * len(m.group()), left)  # "11 May" is a date, not a modal
        tail = left.rstrip()
    if "named" in left or "anonymity" in left:
        left = _ANONYMOUS.sub(" ", left)  # "residents, who didn't want to be named, said militants killed"
    ok = TO_OK_EN.search(left) if tail.endswith("to") else None  # it ends with `to\s*$`
    if ok:
        left = left[: ok.start()]
    if NEGATION_SCAN["en"].found_in(left):
        # "three militants who had rejected the process were killed": the cue is inside a relative clause
        # of the subject, and the trigger is the main verb after its auxiliary.
        rel = _RELATIVE_SUBJECT_EN.search(left) if "who" in left else None
        if rel is None and "who" in left and _past(text, start, end):
            # "200 soldiers who failed to withdraw in time surrendered": the cue governs the infinitive
            # inside the relative clause, and the past verb after it is the news.
            rel = _RELATIVE_INFINITIVE_EN.search(left)
        return rel is None or NEGATION_SCAN["en"].found_in(left[: rel.start()])
    return False


# A bare present surrender verb in a relative clause is a condition ("insurgents who surrender by March").
_SURRENDER_PRESENT_EN: Final = ("surrender ", "surrenders ", "hand ", "turn ", "give ", "lay down")
# "those who surrendered would be treated fairly": a condition, whatever the tense
_MODAL_AFTER: Final = re.compile(r"\s+(?:would|will|could|can|shall|may|must)\b")
_WHO_BEFORE_EN: Final = re.compile(r"\b(?:who|that)\s+(?:[a-z]+ly\s+)?$")
_RELATIVE_SUBJECT_EN: Final = re.compile(
    r"\bwho\s+(?:had\s+|have\s+|has\s+)?[a-z'-]+(?:\s+[\w'-]+){0,5}?"
    r"\s+(?:were|was|had been|have been|has been)\s+$"
)

_LIKE_NP: Final = re.compile(r"\blooks?\s+like\s+(?:the|a|an|his|her|their|its)\s+(?:[\w'-]+\s+){0,3}$")
# A headline that opens with "how" explains a past event: "Ten years on: how Palmyra fell".
_HOW_HEADLINE: Final = re.compile(r"\s*(?:[^.:\n]{0,60}:\s*)?how\s")
# A source's wish to stay anonymous is no negation of what it reports.
_ANONYMOUS: Final = re.compile(
    r"(?:who\s+)?(?:asked|wished|wanted|did\s*n[o']t\s+want|do\s*n[o']t\s+want)\s+(?:not\s+)?to\s+be\s+"
    r"(?:named|identified)|(?:speaking\s+)?on\s+condition\s+of\s+anonymity"
)
_RELATIVE_INFINITIVE_EN: Final = re.compile(
    r"\bwho\s+(?:had\s+)?[a-z'-]+\s+to\s+[a-z'-]+(?:\s+[\w'-]+){1,4}\s+$"
)


def _past(text: str, start: int, end: int) -> bool:
    """The trigger's first word is a past tense or participle ("surrendered", "took")."""
    word = text[start:end].split(" ", 1)[0]
    return word.endswith("ed") or word in _PAST_VERB


# A verdict's grounds, however long the charge between: "found the men guilty of crimes against humanity,
# including murder and persecution, for the killing of at least 72 civilians".
_VERDICT_EN: Final = re.compile(
    r"\b(?:guilty|convicted|sentenced|acquitted|jailed)\b[^.;]{0,160}\b(?:for|of|over)\s+(?:the\s+)?$"
)
_VERDICT_WORDS: Final = ("guilty", "convict", "sentenc", "acquit", "jailed")


def _verdict_before(text: str, start: int, sentence_start: int) -> bool:
    window = text[max(sentence_start, start - 200) : start]
    return any(w in window for w in _VERDICT_WORDS) and _VERDICT_EN.search(window) is not None


# A charge, a trial or a verdict names an accusation, not a reported toll ("charged with killing 300",
# "on trial for the murder of"); an anniversary or "N years after" looks back at a past event.
_COURT_OR_PAST_EN: Final = WordScanner(
    dispatch(
        r"(?:charged|accused|convicted|indicted|guilty|suspected|suspects|acquitted|charges?|trial|tried|jailed"
        r"|prosecuted|arrest(?:s|ed)?|detained|wanted|innocent)\s+(?:with|of|for|over|in)\s+(?:[\w'-]+\s+){0,3}$"
        r"|commemorat\w*|memorial\b"
        # "survivors recall how gunmen killed 130 people": a story of the past retold
        r"|(?:recall\w*|recount\w*|remember\w*)\s+how\s+(?:[\w'-]+\s+){0,3}$|years?\s+(?:after|since)\s+(?:[\w'-]+\s+){0,3}$|(?:years|decades?)\s+on\b"
    )
)
# (Word lists regrouped by first letter, scan.dispatch: the same matches, a few tests per position.)
_COURT_OR_PAST_AR: Final = WordScanner(
    "|".join(
        (
            fold_pattern(r"[وفبل]?(?:ال)?")
            + dispatch(
                fold_pattern(r"متهم\S*|اتهام\S*|تهمة|تهم|محاكمة|محاكمت\S*|إدانة|أدين\S*|مدان\S*|يحاكم|تحاكم")
            )
            + r"(?: \S+){0,3}\s*$",
            # an anniversary, a commemoration: "لاستذكار ضحايا الإبادة"
            fold_pattern(r"[وفبل]?(?:ال)?(?:استذكار|تأبين)(?:ها|ه)?(?!\w)|[وف]?[يتا]ستذكر\S*"),
            # "ناجون يروون كيف قتل المسلحون": the past retold
            fold_pattern(r"[وف]?(?:[يت]روون|[يت]روي|روى|روت|[يت]ستعيدون|[يت]تذكرون) كيف(?: \S+){0,3}\s*$"),
            fold_pattern(
                r"(?:بعد|منذ) (?:\S+ (?:سنوات|سنة|أعوام|عاما|عقد|عقود|أشهر|شهرا)|عامين|سنتين|عقدين|عام|سنة)"
                r"(?: \S+)? (?:من|على)(?: \S+)?\s*$"
            ),
        )
    )
)
_QUOTES: Final = " «\"'“"
# "مقابل مقتل أربعة جنود": a toll set against another, not a deal's term
_AGAINST_TOLL_AR: Final = re.compile(fold_pattern(r"(?:مقتل|إصابة|استشهاد|سقوط)"))
_UNTIL_BEFORE_AR: Final = re.compile(fold_pattern(r"(?<!\w)حتى\s*[«\"]?\s*$"))
_WITHOUT_AR: Final = fold_pattern("دون")
_SINCE_AR: Final = fold_pattern("منذ")
_WHAT_AR: Final = fold_pattern("ما ")
_WITHOUT_BEFORE_AR: Final = re.compile(fold_pattern(r"(?<!\w)(?:من دون|بدون|دون) (?:\S+ ){0,2}$"))
_MASDAR_PREPS: Final = tuple(" " + fold_pattern(w) for w in ("في", "على", "إلى"))
# "ما تصفه بـ«تحرير دونباس»", "what Moscow calls the liberation of Donbas": a name for a goal, no event.
_CALLS_IT_AR: Final = re.compile(fold_pattern(r"(?<!\w)ما [يت](?:صف|سمي)\S* ب\S*\s*[«\"'“]?\s*$"))
_CALLS_IT_EN: Final = re.compile(
    r"\bwhat\s+(?:[\w'-]+\s+){0,3}?(?:calls?|called|describes?\s+as|described\s+as|terms?|termed)\s+"
    r"(?:(?:the|a|its|their)\s+)?[\"'“]?\s*$"
)
# "مقاتليه يسيطرون منذ صباح الجمعة على المدينة": control that began this morning is an event.
_SINCE_NOW_AR: Final = re.compile(
    fold_pattern(
        r"(?<!\w)منذ (?:صباح|مساء|فجر|ليل|ظهر|أمس|ساعات|الساعات|اليوم|يوم|ال(?:أحد|اثنين|إثنين|ثلاثاء|أربعاء"
        r"|خميس|جمعة|سبت))(?!\w)"
    )
)
_ILA: Final = (" " + fold_pattern("إلى"), " " + fold_pattern("الى"))
_SAYTARA: Final = fold_pattern("سيطر")
# Exchanging or alternating control is a state of a contested area, not a change.
_RECIPROCAL_AR: Final = WordScanner(fold_pattern(r"[وف]?[يت]?(?:تبادل|تناوب|تداول|تبدل)\S*"))
_EXECUTE_STEM: Final = fold_pattern("اعد")  # إعدام, أعدم (folded: اعدام, اعدم)
_SIN: Final = "س"
_WITHOUT_WARNING: Final = fold_pattern("دون سابق إنذار")


def _last_clause(left: str) -> str:
    """left after its last comma: "As Syrians marked the anniversary, a drone strike killed three" reports
    a new strike beside the anniversary."""
    cut = max(left.rfind(","), left.rfind("،"))
    return left[cut + 1 :] if cut >= 0 else left


def _only_purpose(left: str) -> bool:
    """Arabic 'معركة/حملة/هجوم' block only when adjacent, which _ADJ_AR already checked."""
    return all(m.group().lstrip("وف") in PURPOSE_ONLY_AR for m in NEGATION["ar"].finditer(left))
