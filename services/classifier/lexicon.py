"""Trigger words and context cues, English and Arabic, compiled once over normalised text.

A trigger's *family* says what happened (kill, injure, execute, abduct, surrender, capture, recapture,
lose); `LABEL_OF` maps families to labels. Arabic entries are written in natural spelling and folded
by `fold_pattern`, and every Arabic trigger accepts the proclitics و ف ب ل ك and the article ال.
"""

from __future__ import annotations

import re
from typing import Final

from shared.messages import Label

from .normalize import fold_pattern
from .scan import WordScanner, dispatch, dispatch_alternation
from .scan import _split_top as split_top

__all__ = [
    "BOUND_ABOUT_WORDS",
    "BOUND_AT_LEAST_WORDS",
    "DENY",
    "DENY_VERB",
    "DENY_VERB_WORDS",
    "IMPERFECT_AR",
    "LABEL_OF",
    "NEGATION",
    "NEGATION_SCAN",
    "TRIGGERS",
    "TRIGGER_SCAN",
    "VAGUE",
    "kind_of_family",
]

LABEL_OF: Final[dict[str, Label]] = {
    "kill": "casualty_update",
    "injure": "casualty_update",
    "execute": "casualty_update",
    "abduct": "casualty_update",
    "surrender": "surrender",
    "capture": "territorial_change",
    "recapture": "territorial_change",
    "lose": "territorial_change",
}

_FIGURE_KIND: Final[dict[str, str]] = {
    "kill": "killed",
    "injure": "injured",
    "execute": "executed",
    "abduct": "abducted",
    "surrender": "surrendered",
}


def kind_of_family(family: str) -> str | None:
    """Figure kind for a casualty or surrender trigger family, None for territorial ones."""
    return _FIGURE_KIND.get(family)


_EN: Final[dict[str, str]] = {
    "injure": r"wound(?:s|ed|ing)?|injur(?:e|es|ed|ing|ies|y)|hurt",
    # "neutralised 19 terrorists": the military euphemism (a number of drones is materiel, figures._THINGS)
    "kill": r"kill(?:s|ed|ing)?|dead|died|dies|deaths?|death toll|toll|slain|murder(?:s|ed|ing)?"
    r"|neutrali[sz](?:e|ed|es|ing)"
    r"|massacr(?:e|ed|es|ing)|perish(?:ed|es)?|lost their lives|fatalities|bodies|martyred"
    # "as 4 more die in hospital", "two soldiers embraced martyrdom"
    r"|die(?!-)|embraced martyrdom"
    # "Insurgents behead six villagers": annotators count a beheading raid as a killing, not an execution
    r"|behead(?:s|ed|ing)?",
    "execute": r"execut(?:e|ed|es|ing|ions?)",
    "abduct": r"abduct(?:s|ed|ing|ions?)?|kidnapp?(?:s|ed|ing)?|taken hostage"
    # "marching 25 worshippers into the bush": led away by their captors
    r"|(?:marched|marching|herded|whisked|led)(?=(?: [\w-]+){1,4} (?:into the (?:bush|forest)"
    r"|to an unknown (?:location|destination)))",
    "surrender": r"surrender(?:s|ed|ing)?|hand(?:ed|s|ing)? (?:themselves|himself|herself) (?:over|in)"
    r"|turn(?:ed|s|ing)? (?:themselves|himself|herself) in"
    r"|(?:gave|given|giving|give) (?:themselves|himself|herself) up"
    r"|(?:laid|lay|lays|laying) down (?:their |his )?(?:arms|weapons)"
    # "Eight NPA rebels yield to Army"
    r"|yield(?:s|ed)?(?= to (?:the )?(?:[\w-]+ ){0,2}"
    r"(?:army|troops|soldiers|forces|police|military|authorities)\b(?! (?:pressure|demands?|calls?)\b))",
    "recapture": r"recaptur(?:e|es|ed|ing)|re-?took|re-?tak(?:e|es|en|ing)|regain(?:s|ed|ing)?"
    r"|reclaim(?:s|ed|ing)?|re-?seiz(?:e|ed|es)|won back|back under (?:the )?control",
    "capture": r"captur(?:e|es|ed|ing)|seiz(?:e|es|ed|ing)|(?:took|take|takes|taken|taking|gained?"
    r"|gains|seized|assumed?|wrest(?:ed)?) (?:full |complete |total )?control"
    r"|overr(?:an|un|uns|unning)|liberat(?:e|es|ed|ing|ion)"
    r"|fell(?=\s+(?:back\s+)?(?:to|into|under)\b|\s*[;,.]|\s*$)|fall of|falls to"
    r"|(?:declared?|declares|declaring|announced?) (?:a |the )?(?:final |total |full )?victory"
    r"|(?:declared?|declares|declaring|announced?|claim(?:s|ed|ing)?) (?:full |complete |total )?control"
    r" (?:of|over)"
    r"|(?:took|take|takes|taken|taking) over(?! as\b)"
    # The space goes inside the look-ahead: a trigger must end at a word's end (scan.WordScanner).
    r"|(?:took|taken|taking|takes?)(?= (?:"
    r"(?:(?:at least|about|some|more than|over|nearly|another|a further) )?"
    r"(?:[\w,'-]+ ){1,3}?(?:more )?"
    r"(?:villages?|towns?|hamlets?|localities|settlements|neighbou?rhoods|districts|wards)\b"
    # "has taken 85 percent of the district" (not a share of a vote or a market)
    r"|[\d.,]+ ?(?:percent|per cent|%) of"
    r" (?!(?:the |its |their )?(?:votes?|ballots?|market|shares?|seats?)\b)))"
    r"|(?:took|taken|taking|takes?) (?:the )?(?:town|city|village|district|neighbou?rhood)s? of"
    # "takes El Buur from al-Shabaab": a place object is checked in rules._not_territory
    r"|(?:took|takes?)(?= (?:[\w'-]+ ){1,3}from\b)"
    r"|c(?:ame|omes?|oming) under (?:the )?(?:full |complete |total )?(?:[\w-]+ )?control"
    r"|stormed|conquer(?:ed|s)?|advanced into|entered and|swept into|drove \w+ out"
    # "cleared Russian troops from two villages"
    r"|clear(?:ed|s|ing) (?:[\w-]+ ){0,3}?"
    r"(?:troops|forces|fighters|militants|rebels|insurgents|soldiers|units)(?= from\b)"
    r"|entered (?:the )?(?:town|city|village|district|neighbou?rhood)s?(?= of\b)"
    # "forces enter Deir Hafer after SDF withdrawal", "moved into the town ... after SDF fighters pulled out"
    r"|(?:enter(?:s|ed)?|mov(?:e|es|ed) into)(?=[^.;\n]{1,80}\bafter\b[^.;\n]{0,60}"
    r"\b(?:withdrawal|withdrew|pulled out|pull-out|pullout|retreat(?:ed)?)\b)"
    r"|expell(?:ed|ing) \w+ (?:fighters |militants |forces )?from"
    r"|(?:pushed|forced|chased|kicked|flushed|ousted) (?:[\w-]+ ){1,3}?out of",
    "lose": r"withdr(?:ew|awn|aws|awal) from|withdr(?:ew|awn|awal) (?:its|their|his) \w+ from"
    # passive: no object between the participle and "out of"/"from" ("had been pushed out of Kupiansk");
    # the active "pushed the militants out of" is a capture
    r"|(?:pushed|driven|forced|chased|kicked|flushed|ousted) out of"
    r"|(?:expelled|ousted|evicted|dislodged) from"
    r"|retreat(?:ed|s)? from|lost control|los(?:t|es|ing) (?:the )?(?:town|city|village)"
    r"|pull(?:ed|s)? out of|abandon(?:ed|s)",
}

# "سيطر ... على": not a mood or a feeling ("سيطرت حالة من الهلع على"), then the object after على.
_CONTROL_OVER: Final = (
    r"(?! (?:حالة|الهدوء|هدوء|الخوف|الهلع|الذعر|القلق|الترقب|الغضب|الحزن|الصمت|التوتر"
    r"|الفوضى|الظلام|أجواء|المخاوف|مشاعر)(?!\w))"
    # an aside between commas may part verb and object: "سيطرت الفصائل، فجر اليوم، على قرية"
    r"(?: [^\s.؛]+){0,8}? على(?:ها|ه|هم)?"
)
# "سلّم ثمانية من عناصر الحركة، بينهم قيادي، أنفسهم": the reflexive object may come many words later.
_SELF_AR: Final = r"(?=(?: \S+){0,18}? (?:نفسه|نفسها|أنفسهم|أنفسهن|نفسيهما)(?!\w))"
# Order matters inside one alternation: injuries before "toll" so "injury toll" is not a death toll.
_AR_WRITTEN: Final[dict[str, str]] = {
    # dual verbs too: "جنديين استشهدا وأصيب خمسة"
    "injure": r"جرح(?:ى|وا|ت)?|جريح(?:اً|ا|ان|ين)?|إصابة|إصابات|أصيب(?:ت|وا|ا|تا)?|مصاب(?:ا|ين|ون)?"
    r"|[يت]صيب(?:ون|ان)?"
    r"|حصيلة (?:الجرحى|المصابين|الإصابات)",
    # first person plural too: military statements say "قتلنا 60 من عناصر الميليشيا", "سيطرنا على"
    # "حيّدت نحو عشرين من المهاجمين": the military euphemism, as "neutralised"
    "kill": r"قتل(?:ى|ت|وا|نا|ا|تا)?|حيد(?:ت|وا|نا)|تحييد|[يت]قتل(?:ون|ان)?|مقتل|مصرع|قتيل(?:اً|ا|ان|ين)?"
    r"|قضوا|قضى|حصد(?:ت|وا)?(?=(?: \S+){0,3}? أرواح)"
    # "قضت على 30 «إرهابيا»", "القضاء على 30 مسلحا": killed, in an army's words
    r"|(?:قضت|قضى|قضوا|القضاء)(?: [^\s،.]+){0,6}? على(?= [«\"]?(?:\d|نحو|أكثر|ما لا يقل))"
    r"|لقي(?:ت|وا)?(?=(?: \S+){0,4}? (?:حتف|مصرع)\S*)|فارق(?:ت|وا)?(?=(?: \S+){0,4}? الحياة(?!\w))"
    r"|استشهاد|استشهد(?:ت|وا|ا|تا)?|شهيد(?:اً|ا|ان|ين)?|شهداء|ضحايا|ضحية|الوفيات|وفاة|وفيات"
    r"|جثة|جثث|جثمان(?:ا|اً)?|جثامين"
    r"|حصيلة|الخسائر البشرية|سقط(?:ت|وا)? (?:\S+ ){0,3}?قتلى",
    "execute": r"إعدام|أعدم(?:ت|وا)?|إعدامات|[يت]عدم(?:ون|ان)?",
    "abduct": r"اختطاف|اختطف(?:ت|وا|ا)?|خطف(?:ت|وا)?|[يت](?:ختطف|خطف)(?:ون|ان)?"
    # "اقتادوا خمسة سائقين إلى جهة مجهولة": led away to an unknown place
    r"|اقتاد(?:ت|وا)?(?=(?: \S+){1,4}? إلى جهة مجهولة)",
    "surrender": r"استسلم(?:ت|وا|ا)?|[يت]ستسلم(?:ون|ان)?|استسلام|المستسلمين|مستسلمين"
    rf"|سلم(?:ت|وا|ا|تا)?{_SELF_AR}|[يت]سلم(?:ون|ان)?{_SELF_AR}|تسليم (?:نفسه|أنفسهم)"
    r"|ألق(?:وا|ى|ت) (?:السلاح|أسلحتهم|سلاحهم|سلاحه)",
    "recapture": r"استعاد(?:ت|وا)?|استعدنا|استعادة|استرجع(?:ت|وا)?|استرجاع|إعادة السيطرة"
    r"|[يت](?:ستعيد|سترجع)(?:ون|ان)?(?: السيطرة على)?",
    "capture": rf"سيطر(?:ت|وا|نا)?{_CONTROL_OVER}|[يت]سيطر(?:ون|ان)?{_CONTROL_OVER}"
    r"|سيطرة(?: \S+){0,2}? على(?:ها|ه|هم)?"
    r"|سيطرت(?:ها|هم|ه|نا)(?: \S+){0,2}? على|طرد(?:ت|وا)?(?: \S+){0,3}? من"
    r"|(?:بسط|فرض)(?:ت|وا|نا)? (?:سيطرت\S*|السيطرة)|استول(?:ت|وا|ى)(?: [^\s،.؛]+){0,5}? على|الاستيلاء على"
    # "تطهير 4 أحياء من عناصر الميليشيا" (not "تطهير عرقي", ethnic cleansing)
    r"|تطهير(?! عرقي)|طهر(?:ت|وا)?|[يت]طهر(?:ون|ان)?"
    r"|حرر(?:ت|وا|نا)?|[يت]حرر(?:ون|ان)?|تحرير|انتزع(?:ت|وا)?|[يت]نتزع(?:ون|ان)?"
    r"|اقتحم(?:ت|وا)? (?:مدينة|بلدة|قرية)"
    # "قوة مشتركة تسلّمت المعسكر": took over a place handed to it
    r"|(?:تسلم(?:ت|وا)|[يت]تسلم(?:ون|ان)?)(?: \S+){0,3}? (?:ال)?"
    r"(?:معسكر|مدينة|بلدة|قرية|قاعدة|مطار|مقر|مواقع|موقع|منطقة|حي|معبر|ميناء)"
    r"|[يت]ستول(?:ي|ون|يان)(?: [^\s،.؛]+){0,5}? على|[يت]دخل(?:ون|ان)? (?:مدينة|بلدة|قرية|مركز)"
    r"|سقوط (?:مدينة|بلدة|قرية|مدن|بلدات|قرى|معقل|مطار|قاعدة|مركز|مقر|معسكر|حامية|ثكنة)"
    r"|سقطت? (?:\S+ ){0,3}?(?:بيد|في يد|بأيدي|في أيدي)"
    r"|(?:دخل(?:ت|وا)?(?: \S+){0,8}?|دخول(?:ها|هم|ه)?) (?:مدينة|بلدة|قرية|مركز)"
    # "مقاتلو وازاليندو يدخلون كامانيولا بعد انسحاب إم 23": entering after the other side withdrew
    r"|(?:دخل(?:ت|وا)?|[يت]دخل(?:ون|ان)?|دخول(?:ها|هم|ه)?)(?=(?: \S+){1,5}? بعد انسحاب)"
    # "مسلحو فانو يعلنون دخول مرطولا ماريام": entering a place by name, announced
    r"|(?:أعلن(?:ت|وا)?|[يت]علن(?:ون|ان)?) (?:\S+ )?دخول(?:ها|هم|ه)?(?= )"
    r"|(?:باتت|بات|أصبحت|أصبح|صارت|صار|أضحت|أضحى)(?: [^\s،.؛]+){0,3}? تحت (?:سيطرة|سيطرت)\S*",
    "lose": r"انسحب(?:ت|وا)?(?: [^\s،.؛]+){0,5}? من|[يت]نسحب(?:ون|ان)?(?: [^\s،.؛]+){0,5}? من|الانسحاب من"
    r"|انسحاب(?: \S+){0,2}? من|خسر(?:ت|وا)?|[يت]خسر(?:ون|ان)?"
    # "أقرت الفصائل بخسارة خمس قرى": the loss of places (not of a match, lives or money)
    r"|خسارة(?: \S+){0,2}? "
    r"(?:مدينة|مدن|بلدة|بلدات|قرية|قرى|قريتين|مواقع|موقع|مناطق|منطقة|حي|أحياء|قاعدة|مطار)"
    r"|فقد(?:ت|وا)? السيطرة",
}


def _imperfect_prefixes(pattern: str) -> str:
    """Spell out the imperfect prefix of each top-level alternative ("[يت]قتل" -> "يقتل|تقتل"), so that the
    scanner dispatches them by a literal first letter (scan.dispatch_alternation)."""
    alts = split_top(pattern)
    out = [f"{p}{alt[4:]}" if alt.startswith("[يت]") else alt for alt in alts for p in ("ي", "ت")]
    return "|".join(dict.fromkeys(out))


_AR: Final = {family: _imperfect_prefixes(pattern) for family, pattern in _AR_WRITTEN.items()}

# Words without which no denial can follow a report ("dismissed the reports as rumours", "وصفها بأنها
# شائعات"): scanned with the triggers as the pseudo-family "deny" (not a trigger), so a trigger knows in
# the same pass whether negation.is_negated needs to look for a denial after it.
_DENY_EN: Final = (
    r"false|untrue|baseless|unfounded|fake|fabricat\w*|rumou?rs?|propaganda|lies|groundless|nonsense"
    r"|disinformation"
)
_DENY_AR: Final = r"شائعات|كاذب\S*|عاري\S*|ملفق\S*|مفبرك\S*|أكاذيب|دعاي\S*|غير صحيح\S*|لا أساس"
DENY: Final = "deny"
# Verbs that deny a report named after them ("نفى ... ما تداولته وسائل إعلام عن سقوط"): the pseudo-family
# DENY_VERB, so negation.denied_report_before runs only in a sentence that has one before the trigger.
_DENY_VERB_EN: Final = r"den(?:y|ies|ied|ying)|dismiss\w*|reject\w*|refut\w*|rebuff\w*"
_DENY_VERB_AR: Final = r"نفى|نفت|ينفي|تنفي|نفوا|كذب\S*|يكذب\S*|تكذب\S*|فند\S*|يفند\S*|تفند\S*|دحض\S*"
# negation._DENIAL_OF_REPORT opens with one of these
DENY_VERB_WORDS: Final = {"en": _DENY_VERB_EN, "ar": _DENY_VERB_AR}
DENY_VERB: Final = "denyverb"
# Arabic imperfect (present-tense) trigger verbs: a headline event after its subject ("قسد تسيطر على
# بلدة") or a status ("المناطق التي تسيطر عليها"); negation.is_negated tells them apart.
IMPERFECT_AR: Final = re.compile(
    fold_pattern(
        r"[وف]?(?P<lam>[بلك])?[يت](?:قتل|صيب|خطف|ختطف|ستسلم|ستعيد|سترجع|سيطر|حرر|نتزع|ستول|دخل|نسحب|خسر|عدم|تسلم|سلم(?!ت|وا(?!\w)))"
    )
)

_AR_PROCLITICS = r"(?:[وف])?(?:[بلك])?(?:ال)?"


def _body(table: dict[str, str]) -> str:
    return "(?:" + "|".join(f"(?P<{family}>{fold_pattern(p)})" for family, p in table.items()) + ")"


# The prefix is factored out of the alternation so each position is tried once, not per family.
TRIGGERS: Final[dict[str, re.Pattern[str]]] = {
    "en": re.compile(rf"\b{_body(_EN)}\b"),
    "ar": re.compile(rf"(?<!\w){_AR_PROCLITICS}{_body(_AR)}(?!\w)"),
}
# The same triggers for scanning (see scan.py): start = first character of the trigger and its proclitics.
# Alternatives are regrouped by first character (scan.dispatch_alternation): read the family of a match
# with scan.family_of(match.lastgroup).
# The family DENY marks a denial word, not a trigger.
TRIGGER_SCAN: Final[dict[str, WordScanner]] = {
    "en": WordScanner(
        dispatch_alternation(
            {f: fold_pattern(p) for f, p in {**_EN, DENY: _DENY_EN, DENY_VERB: _DENY_VERB_EN}.items()}
        )
        + r"\b"
    ),
    "ar": WordScanner(
        _AR_PROCLITICS
        + dispatch_alternation(
            {f: fold_pattern(p) for f, p in {**_AR, DENY: _DENY_AR, DENY_VERB: _DENY_VERB_AR}.items()}
        )
        + r"(?!\w)"
    ),
}

# Cues in the clause before a trigger that make it a plan, call, denial, refusal or background.
_NEG_EN = (
    r"\b(?:deni(?:ed|es)|deny(?:ing)?|would|will|could|may|might|shall|plans?|planning|planned"
    r"|aim(?:s|ed|ing)?|seek(?:s|ing)?|sought|threat(?:en|ens|ened|ening)|vow(?:s|ed)?"
    r"|urg(?:e|ed|es|ing)|call(?:s|ed|ing)? (?:on|for|upon)|appeal(?:s|ed)? (?:to|for)"
    r"|press(?:es|ed|ing)? for (?:an?|the)"
    r"|demand(?:s|ed|ing)?|ultimatum|deadline|refus(?:e|ed|es|ing)|reject(?:s|ed|ing)?"
    r"|negotiat\w*|talks?|offer(?:s|ed)?|not|no|never|neither|nor|unless|if|whether|fail(?:ed|s)?"
    r"|expect(?:s|ed|ing)?|preparations?|prepar(?:e|es|ed|ing)|rumou?rs?|false(?:ly)?|hope[sd]?|intend\w*"
    r"|prior to|ahead of|in order|attempt(?:s|ed|ing)?|tr(?:y|ies|ied|ying)|bid|push|effort"
    r"|fear(?:s|ed)?|warn(?:s|ed|ing)?|prevent(?:s|ed)?|avoid(?:s|ed)?|possible|potential"
    # a correction of an earlier report
    r"|misstated|misreported|earlier version|previous version)\b"
    # a contracted negation right before the trigger: "we can't surrender the sky" (not "didn't say when
    # it retook the town")
    r"|\b(?:cannot|can't|won't|don't|didn't|doesn't|wouldn't|couldn't)\s+(?:[a-z]+ly\s+)?$"
    r"|\bto\s*$"
)
_NEG_AR_WORDS = fold_pattern(
    r"نفى|نفت|ينفي|تنفي|نفوا|لم|لن|سوف|تعتزم|يعتزم|تنوي|ينوي|تخطط|يخطط|خطة"
    r"|تهدف|يهدف|بهدف|تسعى|يسعى|سعيا|محاولة|لمحاولة|بمحاولة|محاولات|تحاول|يحاول|دعا|دعت|يدعو|تدعو|دعوة|دعوات"
    # circumstantial participles of calls, threats and pledges ("مطالبا الجنود بالاستسلام", "داعيا إلى")
    r"|مطالبا|مطالبين|داعيا|داعين|مناشدا|محذرا|متوعدا|متعهدا|مهددا"
    # wishes: "المقاتلين الراغبين في تسليم أنفسهم"
    r"|يرغب|ترغب|يرغبون|الراغبين|الراغبون|راغبين|راغبون|رغبة"
    r"|طالب|طالبت|يطالب|تطالب|مطالبة|ناشد|ناشدت|مهلة|أمهل|أمهلت|إنذار|إنذارا|رفض|رفضت|يرفض|ترفض|يرفضون"
    r"|رفضوا|مفاوضات|محادثات|شروط|إذا|لو|حال|ربما|المتوقع|يتوقع|تتوقع|متوقع|استعدادات"
    r"|تحضيرا|تمهيدا|بانتظار|يذكر|كان قد|كانت قد"
    r"|إمكانية|احتمال|عرض|عرضت|تهدد|يهدد|هدد|هددت|هددوا|تحذر|يحذر|حذر|حذرت|لمنع|شائعات"
    r"|توعد|توعدت|توعدوا|يتوعد|تتوعد|تعهد|تعهدت|يتعهد|تتعهد|وعد|وعدت|أقسم"
    r"|معركة|حملة|عملية|هجوما|هجوم"
    # talks about a withdrawal, terms that include one, "without entering it": no event
    # "without entering it"; a goal, an intent, doubts: "الهدف هو «تحرير ما تبقى من القرى»"
    r"|دون أن|بدون أن|الهدف هو|عزم|عزمها|عزمه|يشكك|تشكك|شكك"
    # an obligation or a choice put to them: "وعليهم أن يختاروا بين الاستسلام أو الهزيمة"
    r"|عليهم أن|عليه أن|يختاروا|خيار|الخيار"
    # negotiating over it: "يفاوضون على تسليم السلاح"
    r"|يفاوض|تفاوض|يفاوضون|يتفاوض|يتفاوضون|التفاوض"
    # right before the trigger only (PURPOSE_ONLY_AR): talks about a withdrawal, something in exchange for
    # it, a slogan ("بحث انسحاب القوات", "مقابل انسحاب", "شعار «لا استسلام»")
    r"|بحث|بحثت|يبحث|تبحث|ناقش|ناقشت|يناقش|تناقش|مناقشة|مقابل|شعار|ملف"
    # determined to ("ماضية في بسط سيطرة الدولة"); a correction of an earlier report ("ورد في خبر")
    r"|ماضية في|ماض في|ماضون في|ماضيا في|ورد في خبر|ورد في تقرير|ورد خطأ"
    # keeping control is no change; failing to take it is none; a question reports nothing
    r"|يحتفظ|تحتفظ|احتفظ|احتفظت|يحافظ|تحافظ|عجز|عجزت|عاجز|عاجزة|هل"
)
_NEG_AR = rf"(?<!\w)(?:[وف])?(?:{_NEG_AR_WORDS})(?!\w)"
NEGATION: Final[dict[str, re.Pattern[str]]] = {
    "en": re.compile(_NEG_EN),
    "ar": re.compile(_NEG_AR),
}
# The same cues for scanning (scan.py); every cue starts with a word character.
# Alternatives regrouped by first character (scan.dispatch): same matches, fewer tests per position.
NEGATION_SCAN: Final[dict[str, WordScanner]] = {
    "en": WordScanner(dispatch(_NEG_EN.removeprefix(r"\b").replace(r"|\bto\s*$", r"|to\s*$"))),
    "ar": WordScanner(rf"(?:[وف])?{dispatch(_NEG_AR_WORDS)}(?!\w)"),
}
# Arabic cues that only block a trigger when they come right before it ("معركة تحرير", "حملة السيطرة").
PURPOSE_ONLY_AR: Final = frozenset(
    fold_pattern(w)
    for w in (
        "معركة",
        "حملة",
        "عملية",
        "هجوما",
        "هجوم",
        "بحث",
        "بحثت",
        "يبحث",
        "تبحث",
        "ناقش",
        "ناقشت",
        "يناقش",
        "تناقش",
        "مناقشة",
        "مقابل",
        "شعار",
        *("ماضية في", "ماض في", "ماضون في", "ماضيا في"),
        "ملف",  # "ملف انسحاب إسرائيل من النقاط الخمس": the question of a withdrawal
    )
)
# "managed to capture", "forced to surrender": the infinitive reports a completed act.
TO_OK_EN: Final = re.compile(r"\b(?:managed|able|forced|compelled|succeeded|went on|continued)\s+to\s*$")

VAGUE: Final = re.compile(
    fold_pattern(
        r"\b(?:dozens|scores|hundreds|thousands|several|many|numerous)\b"
        r"|(?<!\w)(?:[وف])?(?:ال)?(?:عشرات|مئات|آلاف|عديد|العديد|عدد من)(?!\w)"
    )
)
# Phrases right before a number (possibly inside a longer word, as the regexes they replace read them).
BOUND_AT_LEAST_WORDS: Final = tuple(
    fold_pattern(w)
    for w in (
        "at least",
        "more than",
        "over",
        "no fewer than",
        "no less than",
        "upwards of",
        "in excess of",
        "أكثر من",
        "ما لا يقل عن",
        "لا يقل عن",
        "ما يزيد عن",
        "ما يزيد على",
        "يزيد عن",
        "ما يربو على",
        "أزيد من",
    )
)
BOUND_ABOUT_WORDS: Final = tuple(
    fold_pattern(w)
    for w in (
        "about",
        "around",
        "approximately",
        "nearly",
        "almost",
        "some",
        "roughly",
        "up to",
        "close to",
        "an estimated",
        "estimated",
        "less than",
        "fewer than",
        "under",
        "أقل من",
        "دون",
        "نحو",
        "حوالي",
        "قرابة",
        "ما يقارب",
        "ما يقرب من",
        "يقارب",
        "زهاء",
        "تقريبا",
        "قرابه",
        "ما يناهز",
        "يناهز",
    )
)
