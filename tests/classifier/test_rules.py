"""classify(): each rule family in English and Arabic, with the precision traps from the issue."""

from __future__ import annotations

import pytest

from services.classifier.normalize import detect_lang, normalize
from services.classifier.rules import classify

T, S, C = "territorial_change", "surrender", "casualty_update"

POSITIVE = [
    ("en-capture", "SDF fighters took control of the town of Baghuz on Friday.", [T]),
    ("en-recapture", "Government troops recaptured the town of Khan Shaykhun after fierce clashes.", [T]),
    ("en-withdraw", "Rebels withdrew from Saraqib after a week of shelling.", [T]),
    ("en-fell", "The city of Mosul was attacked and later fell.", [T]),
    ("en-surrender", "About 150 ISIS fighters surrendered to the SDF.", [S]),
    ("en-handed-over", "Dozens of militants handed themselves over to the army.", [S]),
    ("en-killed", "A car bomb killed 14 people in Azaz.", [C]),
    ("en-vague-casualty", "Dozens of people were killed in clashes in Omdurman.", [C]),
    ("ar-capture", "وسيطرت القوات على نصف بلدة الباغوز فوقاني.", [T]),
    ("ar-capture-pronoun", "تمكنت قسد من السيطرة عليها بشكل كامل.", [T]),
    ("ar-recapture", "واستعادت القوات العراقية قضاء الشرقاط.", [T]),
    ("ar-withdraw", "وانسحبت الفصائل من قريتين في ريف الرقة.", [T]),
    ("ar-surrender", "استسلم العشرات من مقاتلي التنظيم.", [S]),
    ("ar-handed-selves", "سلّم ٣٥ مقاتلاً أنفسهم للقوات الحكومية.", [S]),
    ("ar-killed", "قُتل ٢٣ شخصاً في انفجار سيارة مفخخة.", [C]),
    ("ar-vague-casualty", "سقط المئات بين قتيل وجريح خلال الشهر الماضي.", [C]),
    ("ar-diacritics-tatweel", "وبـالـتـزامـن سَيْطَرَتِ القُوّاتُ على البلدة.", [T]),
]

NEGATIVE = [
    ("en-offensive-plan", "Iraqi forces launch an offensive to recapture the Al-Shirqat District from ISIL"),
    ("en-call-to-surrender", "The SDF called on ISIS fighters in Baghuz to surrender."),
    ("en-refused", "Hundreds of fighters refused to surrender."),
    ("en-denial", "The ministry denied that rebels had captured the airport."),
    ("en-status", "Manbij, held by the Kurds, is in northern Syria."),
    ("en-negotiation", "Negotiations over the surrender of the district have stalled."),
    ("en-prediction", "Analysts warn that the militants could seize Kabul within 90 days."),
    ("en-no-victims", "No Americans were injured or killed during the engagement."),
    ("en-force-size", "About 500 troops participated in the attack."),
    ("en-sports", "The club captured the league title with a 3-1 win."),
    ("en-deaths-no-number", "A hospital was hit in an air raid, aid groups said."),
    ("ar-denial", "نفى الجيش سيطرة الفصائل على المطار."),
    ("ar-call", "دعت قوات سوريا الديمقراطية عناصر داعش إلى الاستسلام."),
    ("ar-refusal", "يرفض مقاتلو التنظيم الاستسلام رغم الحصار."),
    ("ar-plan", "أعلنت الحكومة عزمها إطلاق عملية عسكرية لتحرير مدينة الموصل."),
    ("ar-status", "ظلت الرقة المدينة الوحيدة الخاضعة لسيطرة تنظيم داعش."),
    ("ar-status-imperfect", "وهي آخر بلدة يسيطر عليها تنظيم داعش في سوريا."),
    ("ar-ultimatum", "وأمهلت القوات المسلحين ٤٨ ساعة لتسليم أنفسهم."),
    ("ar-sports", "فاز فريق الجيش على فريق الشرطة بثلاثة أهداف مقابل هدف."),
    ("ar-no-number", "أعرب عن التعازي لأسر الضحايا وتمنى الشفاء لكافة المصابين."),
]


@pytest.mark.parametrize(("text", "labels"), [p[1:] for p in POSITIVE], ids=[p[0] for p in POSITIVE])
def test_reported_developments_are_labelled(text: str, labels: list[str]) -> None:
    """A sentence reporting a completed development gets exactly its label."""
    assert classify(text).labels == labels


@pytest.mark.parametrize("text", [n[1] for n in NEGATIVE], ids=[n[0] for n in NEGATIVE])
def test_plans_calls_denials_and_status_get_no_label(text: str) -> None:
    """Plans, calls, refusals, denials, status, predictions and non-conflict text are not developments."""
    assert classify(text).labels == []


FIGURES = [
    (
        "en-kills-wounds",
        "A bomb kills at least 60 people and wounds 70 others in Hillah.",
        [("killed", 60, "at_least"), ("injured", 70, "exact")],
    ),
    (
        "en-subject-number",
        "More than 100 pro-government fighters were killed.",
        [("killed", 100, "at_least")],
    ),
    ("en-agent-not-victim", "Two suicide bombers killed 45 worshippers.", [("killed", 45, "exact")]),
    (
        "en-subgroup",
        "The strike killed 80 people, including 64 civilians and 16 militants.",
        [("killed", 80, "exact"), ("killed", 64, "exact"), ("killed", 16, "exact")],
    ),
    ("en-toll-rose", "The death toll of civilians rose to 388.", [("killed", 388, "exact")]),
    (
        "en-area-remaining",
        "IS was reduced to four square kilometers of territory.",
        [("remaining_area_km2", 4, "exact")],
    ),
    (
        "en-villages",
        "Turkish forces announce the capture of seven villages, although the YPG recaptured two of them.",
        [("captured_villages", 7, "exact"), ("recaptured_villages", 2, "exact")],
    ),
    (
        "en-area-and-settlements",
        "Turkish forces capture an area of 4,820 square kilometres (1,860 sq mi), with 600 settlements",
        [("captured_area_km2", 4820, "exact"), ("captured_settlements", 600, "exact")],
    ),
    ("en-date-not-count", "On 9 March 2019, 30 people were killed in Douma.", [("killed", 30, "exact")]),
    ("en-vague-no-count", "Dozens of people were killed.", []),
    (
        "ar-toll-subgroups",
        "ارتفعت حصيلة القتلى المدنيين منذ العاشر من أيلول إلى ٣٨٨ بينهم ١٤١ طفلاً و٨٦ امرأة.",
        [("killed", 388, "exact"), ("killed", 141, "exact"), ("killed", 86, "exact")],
    ),
    (
        "ar-number-words",
        "أسفر الهجوم عن مقتل ثلاثة إسرائيليين وجرح ثلاثة آخرين.",
        [("killed", 3, "exact"), ("injured", 3, "exact")],
    ),
    ("ar-thousands", "قتل في المعركة ما يقرب من سبعون ألفا من الجنود.", [("killed", 70000, "about")]),
    ("ar-surrender-about", "سلم نحو ١٥٠ عنصراً من تنظيم داعش أنفسهم.", [("surrendered", 150, "about")]),
    ("ar-executed", "أعدم التنظيم أكثر من 713 معتقل لديه.", [("executed", 713, "at_least")]),
    ("ar-dual-villages", "وانسحبت الفصائل من قريتين.", [("lost_villages", 2, "exact")]),
    (
        "ar-area",
        "تراجعت المساحة الخاضعة للتنظيم إلى ما يقارب 10 كم مربع.",
        [("remaining_area_km2", 10, "about")],
    ),
    ("ar-hours-not-count", "استسلم ٣٥ مقاتلاً خلال الـ 48 ساعة الماضية.", [("surrendered", 35, "exact")]),
    ("ar-vague-no-count", "استسلم العشرات من مقاتلي التنظيم.", []),
]


@pytest.mark.parametrize(("text", "expected"), [f[1:] for f in FIGURES], ids=[f[0] for f in FIGURES])
def test_figures_kind_count_and_bound(text: str, expected: list[tuple[str, float, str]]) -> None:
    """Each number is attached to the right kind with its bound; dates, hours and vague amounts are not."""
    got = [(f.kind, f.count, f.bound) for f in classify(text).figures]
    assert got == [(k, float(c), b) for k, c, b in expected]


def test_subgroups_are_marked_as_subsets() -> None:
    """'including 141 children' is a sub-group of the toll, not extra deaths."""
    result = classify("ارتفع عدد القتلى إلى 388 بينهم 141 طفلاً و86 امرأة.")
    assert [d.subgroup for d in result.details] == [False, True, True]
    assert result.details[0].mode == "total"


def test_evidence_points_into_original_text() -> None:
    """Evidence offsets index the original string even after diacritics and tatweel are dropped."""
    text = "وبـالـتـزامـن سَيْطَرَتِ القُوّاتُ على نصف بلدة الباغوز فوقاني."
    result = classify(text)
    assert result.evidence
    for ev in result.evidence:
        assert text[ev.start : ev.end] == ev.text
        assert "سَيْطَرَتِ" in ev.text


@pytest.mark.parametrize(
    ("text", "places", "actors"),
    [
        ("SDF fighters took control of half of Baghuz Fawqani.", ["Baghuz Fawqani"], ["SDF"]),
        ("IS was reduced to four square kilometers near Baghuz.", ["Baghuz Fawqani"], ["ISIS"]),
        (
            "سيطرت قسد على الباغوز بعد انسحاب تنظيم الدولة",
            ["الباغوز فوقاني"],
            ["قوات سوريا الديمقراطية", "داعش"],
        ),
        ("وتقدمت قوات سوريا الديمقراطية نحو والرقة", ["الرقة"], ["قوات سوريا الديمقراطية"]),
    ],
    ids=["en", "en-case-sensitive-IS", "ar-aliases", "ar-clitic-and-actor-not-place"],
)
def test_places_and_actors_use_aliases(text: str, places: list[str], actors: list[str]) -> None:
    """Aliases map to one canonical name per language; an actor name is not also read as a place."""
    result = classify(text)
    assert result.places == places
    assert result.actors == actors


def test_english_is_not_read_as_islamic_state() -> None:
    """The lower-case word 'is' never matches the acronym IS."""
    assert classify("The situation is calm.").actors == []


@pytest.mark.parametrize(
    ("text", "lang"), [("قتل ٣ أشخاص", "ar"), ("Three killed", "en"), ("", "en")], ids=["ar", "en", "empty"]
)
def test_language_detection(text: str, lang: str) -> None:
    """Arabic script means Arabic; anything else is English."""
    assert detect_lang(text) == lang
    assert classify(text).lang == lang


def test_normalisation_folds_letters_and_digits() -> None:
    """Alef forms, alef maqsura, ta marbuta and Arabic-Indic digits fold to one spelling."""
    assert normalize("إلى أحد آخر ٣٨٨ قرية").text == "الي احد اخر 388 قريه"


@pytest.mark.parametrize("text", ["", " ", "٠", "ـــ", "كم مربع", "killed", "İstanbul KILLED 5"], ids=repr)
def test_classify_never_raises_on_odd_input(text: str) -> None:
    """Degenerate inputs return a Classification rather than raising."""
    assert isinstance(classify(text).labels, list)
