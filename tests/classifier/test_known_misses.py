"""Known misses fixed with general rules: coordinated subjects, the nearer trigger, asides, dated background."""

from __future__ import annotations

import pytest

from services.classifier.rules import classify

Fig = tuple[str, float, str]

COORDINATED = [
    (
        "is-and-sdf",
        "1,168 Islamic State fighters and 630 SDF fighters were killed",
        [("killed", 1168, "Islamic State fighters"), ("killed", 630, "SDF fighters")],
    ),
    (
        "soldiers-and-rebels",
        "200 government soldiers and 45 rebel fighters were killed in the clashes.",
        [("killed", 200, "government soldiers"), ("killed", 45, "rebel fighters")],
    ),
    (
        "died",
        "12 policemen and 3 civilians died in the blast.",
        [("killed", 12, "policemen"), ("killed", 3, "civilians")],
    ),
    (
        "have-been",
        "About 90 Taliban fighters and 20 Afghan soldiers have been killed since Friday.",
        [("killed", 90, "Taliban fighters"), ("killed", 20, "Afghan soldiers")],
    ),
]

NEARER_TRIGGER = [
    (
        "five-others-wounded",
        "Two soldiers were killed and five others wounded",
        [("killed", 2, "soldiers"), ("injured", 5, "")],
    ),
    (
        "others-injured",
        "Three civilians were killed and 12 others injured in the shelling.",
        [("killed", 3, "civilians"), ("injured", 12, "")],
    ),
    (
        "were-wounded",
        "One soldier died and two others were wounded in the attack.",
        [("killed", 1, "soldier"), ("injured", 2, "")],
    ),
    (
        "people-wounded",
        "Four people were killed on Monday and 20 people wounded by the blast.",
        [("killed", 4, "people"), ("injured", 20, "people")],
    ),
]

SURRENDERED = [
    (
        "and-families",
        "About 40 militants and their families surrendered to the army",
        [("surrendered", 40, "militants")],
    ),
    (
        "including-aside",
        "1,200 members, including foreign fighters, have handed themselves over",
        [("surrendered", 1200, "members")],
    ),
    (
        "including-aside-long-subject",
        "Some 1,200 Islamic State members, including foreign fighters, have handed themselves over to the SDF.",
        [("surrendered", 1200, "Islamic State members")],
    ),
    (
        "and-relatives",
        "Some 60 fighters and their relatives surrendered to the SDF.",
        [("surrendered", 60, "fighters")],
    ),
    (
        "and-commanders",
        "Around 150 gunmen and several local commanders handed themselves over to police.",
        [("surrendered", 150, "gunmen")],
    ),
    (
        "most-of-them-aside",
        "More than 500 members, most of them foreign fighters, have surrendered to the Kurdish forces.",
        [("surrendered", 500, "members")],
    ),
]

# Neighbouring readings the new rules must leave alone.
UNCHANGED = [
    ("verb-before-and", "5 people were arrested and 3 killed in the raid.", [("killed", 3, "")]),
    (
        "coordinated-verbs",
        "The attack killed 3 soldiers and 2 civilians and wounded 10 others.",
        [("killed", 3, "soldiers"), ("killed", 2, "civilians"), ("injured", 10, "")],
    ),
    (
        "killed-and-surrendered",
        "The army said 20 militants were killed and 15 surrendered.",
        [("killed", 20, "militants"), ("surrendered", 15, "")],
    ),
]

CASES = COORDINATED + NEARER_TRIGGER + SURRENDERED + UNCHANGED

BACKGROUND = [
    ("is-seized", "The town, which IS seized in 2014, was hit by airstrikes"),
    ("is-seized-ruins", "The town, which Islamic State seized in 2014, remains largely in ruins."),
    ("month-year", "The city, which the army recaptured in June 2017, was shelled on Monday."),
    ("captured", "Mosul, which ISIS captured in 2014, held elections on Sunday."),
    ("ar-alladhi", "قرية الباغوز التي سيطر عليها التنظيم عام 2014 تعرضت لقصف عنيف."),
]

STILL_DEVELOPMENTS = [
    ("relative-no-year", "The rebels, who seized the airport on Tuesday, now control the city."),
    ("year-not-in-relative", "The SDF captured the town, which lies on the Euphrates, in 2019."),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_figures_go_to_the_trigger_that_counts_them(text: str, expected: list[Fig]) -> None:
    """Each number is linked to the trigger its clause shares, with its own kind and group."""
    got = [(f.kind, f.count, f.who) for f in classify(text, "ar" if text[0] > "\u0600" else "en").figures]
    assert got == [(k, float(n), w) for k, n, w in expected]


@pytest.mark.parametrize("text", [b[1] for b in BACKGROUND], ids=[b[0] for b in BACKGROUND])
def test_capture_in_a_dated_relative_clause_is_background(text: str) -> None:
    """A capture in a relative clause dated to a year is history, not a territorial change."""
    assert classify(text).labels == []


@pytest.mark.parametrize("text", [s[1] for s in STILL_DEVELOPMENTS], ids=[s[0] for s in STILL_DEVELOPMENTS])
def test_captures_outside_a_dated_relative_clause_still_count(text: str) -> None:
    """A relative clause without a year, or a year outside it, leaves the capture a development."""
    assert classify(text).labels == ["territorial_change"]


# --- Families found on the second blind set (each with new English and Arabic sentences). ---


def _lang(text: str) -> str:
    return "ar" if any("\u0600" <= ch <= "\u06ff" for ch in text) else "en"


YEAR = 2026  # the sentences are read as published in 2026, when they were written


def _labels(text: str) -> list[str]:
    return list(classify(text, _lang(text), YEAR).labels)


def _figures(text: str) -> list[tuple[str, float]]:
    return sorted((f.kind, f.count or 0.0) for f in classify(text, _lang(text), YEAR).figures)


# Territorial verbs the lexicon missed: "took over" a place, "declared full control", passive expulsion,
# "came under the control of"; Arabic verb-first sentences with a long subject before على/من/أنفسهم.
TERRITORY_VERBS = [
    ("took-over-town", "Houthi fighters took over the port city of Hodeidah after a week of clashes."),
    ("took-over-name", "Taliban fighters took over Kunduz on Sunday after government troops fled."),
    ("declared-control", "The army declared complete control over the district on Friday."),
    ("driven-out", "Islamic State fighters were driven out of the last neighbourhoods of the city."),
    ("forced-out", "Wagner mercenaries have been forced out of the gold-mining town, officials said."),
    ("came-under-control", "The town came under the control of Kurdish forces on Wednesday."),
    ("fell-to-militants", "The city fell to Islamist militants on Saturday."),
    ("abandoned-positions", "The army abandoned its positions around the town overnight."),
    ("ar-became-under-control", "أصبحت المدينة تحت سيطرة الجيش بعد انسحاب المسلحين منها."),
    ("ar-long-subject-sitar", "سيطر مقاتلو المعارضة المسلحة في الجنوب على بلدة بصرى الشام."),
    ("ar-long-subject-istawla", "استولت قوات الدعم السريع على مقر الفرقة السادسة."),
    ("ar-long-subject-withdrew", "انسحبت القوات الحكومية والميليشيات الموالية لها من مدينة سنجة."),
    ("ar-lost-town", "خسر الجيش بلدة استراتيجية في الشمال بعد معارك عنيفة."),
    # a main clause keeps its label whatever its date (dev.jsonl convention)
    ("took-over-parts", "ISIS took over large parts of Iraq last summer."),
]

# A single fighter surrendering ("gave himself up"), and Arabic "سلّم ... أنفسهم" across a long subject.
SURRENDER_FORMS = [
    ("gave-himself-up", "A senior ISIS commander gave himself up to Iraqi forces near Hawija.", []),
    (
        "turned-himself-in-with-men",
        "A militia leader turned himself in to police along with 45 of his men.",
        [("surrendered", 45.0)],
    ),
    (
        "ar-long-subject",
        "سلّم نحو مئتي مقاتل من فصائل المعارضة في ريف المدينة أنفسهم للقوات الحكومية.",
        [("surrendered", 200.0)],
    ),
]

# Non-conflict senses and objects: a portfolio taken over, a currency or an output that fell, talks
# withdrawn from, plans abandoned, goods seized, a fire or a match "controlled", a match lost.
NOT_TERRITORY = [
    ("took-over-portfolio", "The new minister took over the defence portfolio on Monday."),
    ("took-over-as", "He took over as commander of the brigade last month."),
    ("currency-fell", "The lira fell to a new low of 35 against the dollar on Monday."),
    ("exports-fell", "Wheat exports fell by 12 percent last month."),
    ("withdrew-from-talks", "The opposition withdrew from the peace talks in Geneva on Monday."),
    ("abandoned-plans", "The government abandoned plans to raise fuel prices."),
    ("seized-drugs", "Police seized 2 tonnes of cocaine at the port."),
    ("seized-trucks", "The militants seized three aid trucks on the highway."),
    ("ar-fire", "سيطرت فرق الإطفاء على الحريق بعد ساعات."),
    ("ar-panic", "سيطرت حالة من الهلع على سكان المدينة بعد الانفجار."),
    ("ar-lost-match", "خسر الفريق أمام منافسه بهدفين دون رد."),
    ("ar-stock-market", "خسرت البورصة 3% من قيمتها في تعاملات اليوم."),
    ("ar-withdrew-from-talks", "انسحب الوفد الحكومي من المفاوضات احتجاجا على الخروقات."),
    ("ar-withdrew-from-deal", "انسحبت الولايات المتحدة من الاتفاق النووي عام 2018."),
    ("took-over-security", "The army took over security in the province from the police."),
    ("forced-out-of-homes", "Thousands of residents were forced out of their homes by the fighting."),
    ("ar-forced-out-of-homes", "أجبر القصف آلاف السكان على الخروج من منازلهم."),
    ("people-captured", "Two soldiers were captured by militants near the border."),
    ("people-seized-by", "Three journalists seized by gunmen last week were freed."),
    ("ar-people-captured", "أسر المسلحون ثلاثة جنود قرب الحدود."),
]

# Background set off from the news: a participle aside or a relative clause dated to a past year or
# month (also with a long Arabic subject between the relative and its verb).
DATED_ASIDES = [
    ("aside-year", "Palmyra, retaken by government forces in 2017, reopened its museum on Sunday."),
    ("aside-last-year", "Kherson, recaptured by Ukraine last year, was shelled again overnight."),
    ("relative-month", "Mosul, which the group overran in June, was shelled on Tuesday."),
    (
        "ar-relative-month",
        "تعاني مدينة الموصل، التي استعادتها القوات العراقية في يوليو 2017، من نقص الخدمات.",
    ),
    (
        "ar-relative-long-subject",
        "تشهد البلدة، التي انتزعت قوات المعارضة السورية المسلحة السيطرة عليها عام 2016، هدوءا حذرا.",
    ),
]

# Not reported as done: predictions about a nominal trigger, vows and threats, anyone who would
# surrender, death sentences, reports dismissed as false, a future verb before the trigger.
NOT_DONE = [
    ("would-give", "The capture of Avdiivka would give Russian forces a foothold in the region."),
    ("inevitable", "Analysts said the fall of the city was inevitable."),
    ("expects", "The government expects the capture of the town within days."),
    ("any-who", "The president promised a pardon to any rebel who surrenders his weapons."),
    ("anyone-who", "Anyone who surrenders before Friday will be spared, the commander said."),
    ("sentenced", "A court in Baghdad sentenced 12 men to death for the bombing."),
    (
        "reports-as-propaganda",
        "The ministry dismissed reports of the army's withdrawal from the town as propaganda.",
    ),
    ("reports-were-false", "Reports that 20 soldiers were killed in the raid were false, the army said."),
    ("ar-future-nominal", "سقوط المدينة سيفتح الطريق أمام القوات نحو العاصمة."),
    ("ar-vow", "توعدت الحركة بالسيطرة على المزيد من المدن خلال الأيام المقبلة."),
    ("ar-threat", "هدد قائد الفصيل بالسيطرة على المطار."),
    ("ar-anyone-who", "أعلنت الحكومة العفو عن كل من يقوم بتسليم نفسه من المسلحين."),
    ("ar-death-sentence", "أصدرت محكمة الجنايات حكما بالإعدام على خمسة متهمين."),
    ("ar-reports-untrue", "وصفت الحكومة الأنباء عن انسحاب الجيش من المدينة بأنها عارية عن الصحة."),
    ("ar-future-verb", "وأكد القائد أن قواته ستستعيد السيطرة على البلدة قريبا."),
]

# Neighbours of those rules that are still developments.
STILL_DONE = [
    (
        "aside-weekday",
        "The village, captured by rebels on Tuesday, was shelled by government jets.",
        "territorial_change",
    ),
    (
        "capture-cut",
        "The capture of the airport on Monday cut the rebels' supply line.",
        "territorial_change",
    ),
    ("executed", "Authorities executed 12 prisoners on Thursday, rights groups said.", "casualty_update"),
    (
        "claim-disputed",
        "Ukraine said its troops had retaken the village, a claim Moscow described as false.",
        "territorial_change",
    ),
    ("since-span", "Since Monday, 40 people have been killed in the city.", "casualty_update"),
    ("ar-relative-weekday", "القرية التي سيطر عليها المسلحون يوم الثلاثاء تعرضت لقصف.", "territorial_change"),
    ("ar-executed", "أعدمت السلطات 12 سجينا يوم الخميس.", "casualty_update"),
    ("ar-since-span", "منذ بداية العام قتل 45 مدنيا في غارات على ريف إدلب.", "casualty_update"),
    (
        "since-start",
        "Since the start of the year, more than 300 fighters have surrendered to the authorities.",
        "surrender",
    ),
    ("ar-after-since-clause", "منذ أن بدأ الهجوم على المدينة، قتل 300 مدني.", "casualty_update"),
]

# "since" right before its verb opens background in both languages.
SINCE_BACKGROUND = [
    ("since-captured", "It was the first time since rebels captured the town that aid arrived."),
    ("ar-since-masdar", "منذ سيطرة التنظيم على المدينة فر آلاف السكان."),
    ("ar-inside-since-clause", "منذ أن دخلت قوات النظام إلى المدينة وسيطرت على أحيائها، نزح الآلاف."),
]

# Numbers and the trigger they count: a long subject with modifiers, a comma that ends a subject, a
# clause joined by a bare comma, a number word that counts nothing ("one family"), bounds after "rose
# to", thousands glued to "و", Arabic number words with "و", "-ed" adjectives in a coordinated subject,
# "reducing" an area and "wards".
FIGURE_LINKS = [
    (
        "long-subject",
        "About 40 soldiers stationed at the remote border post surrendered to the insurgents.",
        [("surrendered", 40.0)],
    ),
    (
        "long-subject-participle",
        "Twenty soldiers trapped in the besieged hospital for weeks surrendered on Friday.",
        [("surrendered", 20.0)],
    ),
    (
        "ar-long-subject-name-with-wa",
        "نحو ٣٠٠ من عناصر الفصائل المسلحة والميليشيات الموالية سلموا أنفسهم للجيش.",
        [("surrendered", 300.0)],
    ),
    (
        "comma-ends-subject",
        "The death toll from three days of fighting between rival groups in the capital rose to 55, with 146"
        " people injured.",
        [("injured", 146.0), ("killed", 55.0)],
    ),
    (
        "ar-comma-ends-subject",
        "ارتفعت حصيلة ضحايا الاشتباكات بين الفصائل المتناحرة في أحياء العاصمة إلى 55، مع 146 مصابا.",
        [("injured", 146.0), ("killed", 55.0)],
    ),
    (
        "bare-comma-clause",
        "Six soldiers were killed, nine others were wounded in the ambush.",
        [("injured", 9.0), ("killed", 6.0)],
    ),
    (
        "ar-bare-comma-clause",
        "قتل ستة جنود، تسعة آخرون أصيبوا في الكمين.",
        [("injured", 9.0), ("killed", 6.0)],
    ),
    (
        "comma-before-verb",
        "The bombing killed 20, wounded 35 and left dozens missing.",
        [("injured", 35.0), ("killed", 20.0)],
    ),
    (
        "ar-comma-before-noun",
        "أسفر التفجير عن 20 قتيلا، 35 جريحا وعشرات المفقودين.",
        [("injured", 35.0), ("killed", 20.0)],
    ),
    (
        "comma-new-subject",
        "Twelve people were killed, 30 were injured in the blast.",
        [("injured", 30.0), ("killed", 12.0)],
    ),
    ("ar-comma-new-subject", "قتل 12 شخصا، 30 أصيبوا في الانفجار.", [("injured", 30.0), ("killed", 12.0)]),
    (
        "one-family",
        "The blast killed six members of one extended family, including three women.",
        [("killed", 3.0), ("killed", 6.0)],
    ),
    ("ar-one-family", "قتل خمسة أفراد من عائلة واحدة بينهم ثلاثة أطفال.", [("killed", 3.0), ("killed", 5.0)]),
    (
        "bringing-to-more-than",
        "Nearly 40 fighters surrendered in Bama on Monday, the army said, bringing the total this month to"
        " more than 900.",
        [("surrendered", 40.0), ("surrendered", 900.0)],
    ),
    (
        "ar-rose-to-more-than",
        "استسلم 40 مسلحا يوم الاثنين، ليرتفع عدد المستسلمين منذ بداية الشهر وفق الجيش إلى أكثر من 900.",
        [("surrendered", 40.0), ("surrendered", 900.0)],
    ),
    ("thousands", "The toll rose to 150 dead and 1,240 wounded.", [("injured", 1240.0), ("killed", 150.0)]),
    (
        "ar-glued-thousands",
        "ارتفع عدد القتلى إلى 150 قتيلا و1,240 جريحا.",
        [("injured", 1240.0), ("killed", 150.0)],
    ),
    (
        "and-number-word",
        "Forty people were killed, including ten children and seven women.",
        [("killed", 7.0), ("killed", 10.0), ("killed", 40.0)],
    ),
    (
        "ar-wa-number-word",
        "قتل 40 شخصا بينهم عشرة أطفال وسبع نساء.",
        [("killed", 7.0), ("killed", 10.0), ("killed", 40.0)],
    ),
    (
        "ed-adjective",
        "30 armed men and 4 policemen were killed in the clashes.",
        [("killed", 4.0), ("killed", 30.0)],
    ),
    ("ar-coordinated", "قتل 30 مسلحا و4 من رجال الشرطة في الاشتباكات.", [("killed", 4.0), ("killed", 30.0)]),
    (
        "shrinking-area",
        "The SDF took 12 villages near the river, shrinking the area held by IS to about 30 square kilometres.",
        [("captured_villages", 12.0), ("remaining_area_km2", 30.0)],
    ),
    (
        "ar-shrinking-area",
        "تقلص الجيب الذي يسيطر عليه التنظيم إلى نحو 12 كيلومترا مربعا.",
        [("remaining_area_km2", 12.0)],
    ),
    ("wards", "Government troops recaptured three wards of the city.", [("recaptured_neighbourhoods", 3.0)]),
    (
        "ar-neighbourhoods",
        "استعادت القوات الحكومية ثلاثة أحياء في المدينة.",
        [("recaptured_neighbourhoods", 3.0)],
    ),
    (
        "taken-villages",
        "Rebels said they had taken 9 villages north of the city in two days.",
        [("captured_villages", 9.0)],
    ),
    (
        "ar-area-long-subject",
        "سيطرت القوات التركية وفصائل المعارضة على مساحة تقدر بنحو 300 كيلومتر مربع.",
        [("captured_area_km2", 300.0)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in TERRITORY_VERBS], ids=[t[0] for t in TERRITORY_VERBS])
def test_territorial_verbs_and_long_arabic_subjects(text: str) -> None:
    """A place taken over, control declared, forces driven out, a town that came under control."""
    assert _labels(text) == ["territorial_change"]


@pytest.mark.parametrize(
    ("text", "expected"), [t[1:] for t in SURRENDER_FORMS], ids=[t[0] for t in SURRENDER_FORMS]
)
def test_surrender_of_one_fighter_and_across_a_long_subject(
    text: str, expected: list[tuple[str, float]]
) -> None:
    """ "gave himself up", "turned himself in along with 45 of his men", "سلّم ... أنفسهم"."""
    assert _labels(text) == ["surrender"]
    assert _figures(text) == expected


@pytest.mark.parametrize("text", [t[1] for t in NOT_TERRITORY], ids=[t[0] for t in NOT_TERRITORY])
def test_non_conflict_senses_are_not_territory(text: str) -> None:
    """Markets, portfolios, talks, goods, fires and matches are not places changing hands."""
    assert _labels(text) == []


@pytest.mark.parametrize("text", [t[1] for t in DATED_ASIDES], ids=[t[0] for t in DATED_ASIDES])
def test_dated_asides_and_relatives_are_background(text: str) -> None:
    """A capture in an aside or a relative clause dated to a past year or month is history."""
    assert _labels(text) == []


@pytest.mark.parametrize("text", [t[1] for t in NOT_DONE], ids=[t[0] for t in NOT_DONE])
def test_predictions_vows_generics_sentences_and_denied_reports(text: str) -> None:
    """Nothing happened yet, or the report is denied: no label."""
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_DONE], ids=[t[0] for t in STILL_DONE])
def test_neighbouring_reports_still_count(text: str, label: str) -> None:
    """A weekday aside, a capture that cut a road, an execution, a disputed claim, a time span."""
    assert _labels(text) == [label]


@pytest.mark.parametrize("text", [t[1] for t in SINCE_BACKGROUND], ids=[t[0] for t in SINCE_BACKGROUND])
def test_since_right_before_its_verb_is_background(text: str) -> None:
    """ "since rebels captured the town", "منذ سيطرة التنظيم": the capture is background."""
    assert _labels(text) == []


@pytest.mark.parametrize(
    ("text", "expected"), [t[1:] for t in FIGURE_LINKS], ids=[t[0] for t in FIGURE_LINKS]
)
def test_numbers_link_to_the_trigger_that_counts_them(text: str, expected: list[tuple[str, float]]) -> None:
    """Kinds and counts of every figure, in both languages."""
    assert _figures(text) == expected


# --- Families found on the third blind set (headlines, live blogs, wire ledes; new sentences). ---

# Arabic present-tense headline verbs after their subject report an event; verb-first, relative, "still",
# complementised, resumptive-pronoun and purpose forms describe a state or a plan.
HEADLINE_PRESENT = [
    ("ar-impf-control", "مقاتلو العشائر يسيطرون على قرية الصبحة شرق النهر", "territorial_change"),
    ("ar-impf-recapture", "الجيش يستعيد ثلاث بلدات في ريف المدينة الشمالي", "territorial_change"),
    ("ar-impf-withdraw", "عاجل | القوات الحكومية تنسحب من مطار المدينة", "territorial_change"),
    ("ar-impf-kill", "غارة جوية تقتل ٩ مدنيين وتصيب ١٥ آخرين في ريف حماة", "casualty_update"),
    ("ar-impf-coordinated", "مسلحون يقتحمون بلدة حدودية ويخطفون ٣٠ شخصا", "casualty_update"),
    (
        "take-neighbourhoods",
        "Government troops take four districts of the city after heavy fighting",
        "territorial_change",
    ),
    ("takes-from", "Army takes Al-Karama from rebels after three-day battle", "territorial_change"),
]
HEADLINE_STATUS = [
    ("ar-verb-first-status", "يسيطر التنظيم على أجزاء واسعة من الصحراء الشرقية."),
    ("ar-still", "ما زالت الفصائل تسيطر على الطريق الدولي رغم القصف."),
    ("ar-complementiser", "أكد المتحدث أن قواته تسيطر على كامل المنطقة."),
    ("ar-resumptive", "قرى يسيطر عليها المتمردون تتعرض لقصف مدفعي."),
    ("ar-purpose", "حشدت الفصائل قواتها لتستعيد المواقع التي خسرتها."),
    ("took-money-from", "The gang took money from the bank vault."),
]

# Deaths from nature, disease or accident are not conflict casualties; a violent cause keeps them.
NON_CONFLICT_DEATHS = [
    ("quake", "Powerful quake kills at least 300 in mountain villages"),
    ("ferry", "Overloaded ferry capsizes on Lake Kivu; 40 dead"),
    ("measles", "Measles outbreak kills 85 children in displacement camps"),
    ("ar-floods", "مقتل ٣٠ شخصا جراء فيضانات مفاجئة في ولاية كسلا"),
    ("ar-crash", "حادث تصادم بين حافلتين يودي بحياة ١٢ راكبا ويصيب ٢٠"),
]
CONFLICT_DEATHS_WITH_SUCH_WORDS = [
    ("landmine", "A landmine killed 4 shepherds near the border, the ministry said."),
    ("strike-collapse", "An air strike flattened a building, killing 12 people as it collapsed."),
    ("ar-shelling-collapse", "قصف مدفعي يتسبب بانهيار منزل ومقتل ٥ من سكانه"),
    # the raid in a "when" clause is the circumstance of the deaths, not a territorial change
    ("stormed-when", "Eleven villagers were killed when gunmen stormed a hamlet at dawn, residents said."),
]

# Figurative senses: markets, matches and bills; accusations and trials; anniversaries and "N years
# after"; a gerund or masdar subject with "won't"/"لن"; a village "that X overran in 2014".
FIGURATIVE_AND_BACKGROUND = [
    ("shares-surrender", "Tech shares surrender early gains as bond yields climb"),
    ("team-surrender", "Visitors surrender 10-point lead in final quarter"),
    ("senate-kills", "Senate kills $12bn farm subsidy package"),
    ("film-captures", "New thriller captures $40 million at weekend box office"),
    ("charged", "Former commander charged with killing 45 prisoners appears in court"),
    ("anniversary", "City marks fifth anniversary of its liberation from the militants"),
    ("gerund-wont", "Analysis: Seizing the port won't end the blockade"),
    ("restrictive-relative", "Families return to the towns that the militants seized in 2015"),
    ("ar-team-surrender", "الفريق يستسلم أمام منافسه في نصف النهائي"),
    ("ar-currency", "العملة المحلية تستعيد جزءا من قيمتها أمام اليورو"),
    ("ar-price-liberation", "الحكومة تقرر تحرير سعر الوقود"),
    ("ar-accused", "محاكمة ضابط سابق متهم بقتل ١٥ متظاهرا"),
    ("ar-anniversary", "الأهالي يحيون ذكرى تحرير المدينة من التنظيم"),
    ("ar-years-after", "بعد خمس سنوات من سيطرة المتمردين على البلدة.. السكان يعودون"),
    ("ar-masdar-lan", "السيطرة على الموانئ لن تنهي الحصار"),
]

# Numbers that are not counts: clock times in live blogs, "UPDATE 2-", "الساعات الـ48", unit names; and
# "martyred", "جثمانا" as deaths.
NOT_COUNTS = [
    ("clock-time", "14:45 GMT – Health officials say 6 killed in strike on Khan Younis", [("killed", 6.0)]),
    ("update-n", "UPDATE 3-Shelling kills 9 in Donetsk, local officials say", [("killed", 9.0)]),
    ("brigade", "Clashes with Brigade 301 leave 7 dead in the capital", [("killed", 7.0)]),
    ("martyred", "Twelve of our men were martyred in the assault, the group said.", [("killed", 12.0)]),
    ("ar-clock", "٠٩:٣٥ – مقتل ٤ أشخاص في قصف على بلدة جنوبية", [("killed", 4.0)]),
    ("ar-definite-hours", "٧ قتلى في غارات خلال الساعات الـ٤٨ الماضية", [("killed", 7.0)]),
    ("ar-brigade", "اشتباكات مع الفرقة ١٧ تخلف ٦ قتلى", [("killed", 6.0)]),
    ("ar-bodies", "فرق الإنقاذ تنتشل ٢٢ جثة من تحت الأنقاض بعد القصف", [("killed", 22.0)]),
]


@pytest.mark.parametrize(
    ("text", "label"), [t[1:] for t in HEADLINE_PRESENT], ids=[t[0] for t in HEADLINE_PRESENT]
)
def test_headline_present_tense_is_an_event(text: str, label: str) -> None:
    """Subject-first present-tense headlines report what happened."""
    assert label in _labels(text)


@pytest.mark.parametrize("text", [t[1] for t in HEADLINE_STATUS], ids=[t[0] for t in HEADLINE_STATUS])
def test_present_tense_status_is_not_an_event(text: str) -> None:
    """Verb-first, "still", complementised, relative and purpose present tenses describe a state or plan."""
    assert _labels(text) == []


@pytest.mark.parametrize("text", [t[1] for t in NON_CONFLICT_DEATHS], ids=[t[0] for t in NON_CONFLICT_DEATHS])
def test_non_conflict_deaths_are_negative(text: str) -> None:
    """Earthquakes, floods, crashes, shipwrecks and disease are not conflict casualties."""
    assert _labels(text) == []


@pytest.mark.parametrize(
    "text",
    [t[1] for t in CONFLICT_DEATHS_WITH_SUCH_WORDS],
    ids=[t[0] for t in CONFLICT_DEATHS_WITH_SUCH_WORDS],
)
def test_violent_cause_keeps_the_casualty(text: str) -> None:
    """A landmine, a strike or shelling named in the sentence keeps it a casualty update (and only that)."""
    assert _labels(text) == ["casualty_update"]


@pytest.mark.parametrize(
    "text", [t[1] for t in FIGURATIVE_AND_BACKGROUND], ids=[t[0] for t in FIGURATIVE_AND_BACKGROUND]
)
def test_figurative_senses_charges_and_background(text: str) -> None:
    """Markets, matches, bills, accusations, anniversaries and predictions are not developments."""
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in NOT_COUNTS], ids=[t[0] for t in NOT_COUNTS])
def test_times_revisions_and_unit_names_are_not_counts(text: str, expected: list[tuple[str, float]]) -> None:
    """Only the toll is a figure."""
    assert _figures(text) == expected


# Blind set 4 families, each with new sentences in both languages.
# "Liberation"/"تحرير" inside an organisation's name is no capture.
ORGANISATION_NAMES = [
    ("en-army", "A spokesman for the Oromo Liberation Army said the talks would resume next week."),
    ("en-front-for", "The Popular Front for the Liberation of the Ogaden held a rally in the capital."),
    ("ar-front", "أصدرت جبهة التحرير الوطني بياناً انتقدت فيه قانون الانتخابات الجديد."),
    ("ar-party", "عقد حزب التحرير مؤتمراً صحفياً في العاصمة مساء الخميس."),
]
# Control verbs whose object is a fire, seats, a club or a board; "took N percent of the vote".
NOT_A_TERRITORY = [
    ("en-federation", "The ruling party took control of the national football federation after the vote."),
    ("en-company", "Creditors seized the shipping company on Monday after it missed a payment."),
    ("en-vote-share", "The opposition has taken 40 percent of the vote in the capital."),
    ("ar-fire", "رجال الإطفاء يسيطرون على حريق اندلع في مستودع للأخشاب"),
    ("ar-seats", "الحزب الحاكم يستولي على أغلب المقاعد في البرلمان الجديد"),
]
# Amnesties, calls and wishes: nobody has surrendered yet.
CALLS_AND_OFFERS = [
    ("en-amnesty", "Amnesty extended for fighters who surrender within 30 days"),
    ("en-immunity", "A new law grants immunity to militants who voluntarily hand themselves over to police."),
    ("ar-participle", "وأصدر قائد الشرطة بياناً مطالباً المسلحين بتسليم أنفسهم فوراً."),
    ("ar-wish", "وأعلنت الحكومة فتح مراكز لاستقبال العناصر الراغبين في تسليم أنفسهم للسلطات."),
    (
        "ar-long-subject",
        "ودعا وزير الداخلية في كلمة متلفزة مساء أمس المسلحين المتحصنين في جبال المنطقة الشمالية إلى تسليم أنفسهم.",
    ),
]
# Sport, alternating control and reports called propaganda.
FIGURATIVE_RECIPROCAL_DENIED = [
    ("en-hyphenated-lead", "Visitors surrender three-goal advantage in dramatic draw"),
    ("ar-goal", "الحارس يستسلم لهدف متأخر في الدقيقة الأخيرة"),
    ("en-traded", "The two sides have traded control of the hilltop several times this year."),
    ("ar-exchange", "ويتبادل الطرفان السيطرة على التلال المطلة على الطريق الدولي منذ أشهر."),
    (
        "en-propaganda",
        "The army said reports that 30 soldiers died in the ambush were nothing but propaganda.",
    ),
    ("ar-propaganda", "وقال المتحدث إن الأنباء عن مقتل 40 جندياً في الهجوم محض دعاية."),
]
# Still developments: a cue inside the subject's relative clause, a share of territory, a real liberation.
STILL_REPORTED = [
    (
        "en-relative-cue",
        "Four fighters who had refused to disarm were killed in the raid, the police said.",
        "casualty_update",
    ),
    (
        "en-percent",
        "Rebels say they have taken 60 percent of the province since January's offensive.",
        "territorial_change",
    ),
    (
        "en-liberation",
        "Government troops completed the liberation of the town on Sunday.",
        "territorial_change",
    ),
    ("ar-liberation", "أعلن الجيش تحرير بلدة الحميدية بالكامل بعد معارك استمرت يومين.", "territorial_change"),
    ("ar-participle-done", "واستسلم 30 مسلحاً للقوات الحكومية، وفق بيان للجيش.", "surrender"),
]


@pytest.mark.parametrize(
    "text",
    [t[1] for t in ORGANISATION_NAMES + NOT_A_TERRITORY + CALLS_AND_OFFERS + FIGURATIVE_RECIPROCAL_DENIED],
    ids=[
        t[0] for t in ORGANISATION_NAMES + NOT_A_TERRITORY + CALLS_AND_OFFERS + FIGURATIVE_RECIPROCAL_DENIED
    ],
)
def test_names_objects_calls_sport_and_denials_are_negative(text: str) -> None:
    """Names, non-place objects, amnesties and calls, sport, alternating control and denied reports."""
    assert _labels(text) == []


@pytest.mark.parametrize(
    ("text", "label"), [t[1:] for t in STILL_REPORTED], ids=[t[0] for t in STILL_REPORTED]
)
def test_developments_next_to_those_cues_stay(text: str, label: str) -> None:
    """The rules above do not swallow the developments they sit next to."""
    assert label in _labels(text)


# Figures: more ways to say died, the construct dual "ألفي", asides and adverbs inside the subject, the
# object of "استعاد" several words back, and another fate ("and 30 arrested") that continues no toll.
FIGURE_FORMS = [
    ("en-die", "Two more hostages die in captivity", [("killed", 2)]),
    ("en-martyrdom", "Three policemen embraced martyrdom in the attack, the police said.", [("killed", 3)]),
    ("ar-left-life", "وفارق 4 أشخاص الحياة متأثرين بجروحهم", [("killed", 4)]),
    ("en-thousand", "Two thousand fighters surrendered to the army last month.", [("surrendered", 2000)]),
    ("ar-construct-dual", "سلم ألفي مسلح أنفسهم للجيش خلال أسبوع", [("surrendered", 2000)]),
    (
        "en-participle-aside",
        "Some 80 militants, accompanied by their families, surrendered to the army.",
        [("surrendered", 80)],
    ),
    ("en-adverb", "350 fighters have voluntarily surrendered to the army.", [("surrendered", 350)]),
    ("ar-adverb", "سلم 40 مسلحاً أنفسهم طوعاً للجيش", [("surrendered", 40)]),
    ("en-other-fate", "Twelve rebels were killed and 30 arrested in the raid.", [("killed", 12)]),
    ("ar-other-fate", "قتل 12 مسلحاً و30 معتقلاً في المداهمة", [("killed", 12)]),
    ("en-regained", "Troops regained control of five villages on Monday.", [("recaptured_villages", 5)]),
    ("ar-regained-aside", "استعاد الجيش، بدعم من الطيران، السيطرة على خمس قرى", [("recaptured_villages", 5)]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [t[1:] for t in FIGURE_FORMS], ids=[t[0] for t in FIGURE_FORMS]
)
def test_figure_forms(text: str, expected: list[tuple[str, float]]) -> None:
    """Each sentence gives exactly its figures."""
    assert _figures(text) == sorted(expected)


def test_dual_surrender_is_a_surrender() -> None:
    """The dual "سلّما نفسيهما" (two fighters handed themselves over)."""
    assert _labels("وقال مصدر أمني إن مسلحَين سلّما نفسيهما للشرطة صباح اليوم") == ["surrender"]


# A non-place noun blocks a capture only as the head of the object: a council's building and part
# of a city are places ("seized the council building", "استعاد جزءا من مدينة"), a board and part of
# one's losses are not.
HEAD_OF_OBJECT = [
    (
        "en-council-building",
        "Rebels seized the council building in the provincial capital.",
        ["territorial_change"],
    ),
    (
        "en-union-hq",
        "The militia took control of the union headquarters in the port city.",
        ["territorial_change"],
    ),
    ("en-board", "The new government took control of the football federation on Monday.", []),
    ("ar-part-of-city", "استعادت القوات الحكومية جزءا من مدينة حلب بعد معارك عنيفة", ["territorial_change"]),
    ("ar-part-of-losses", "استعادت الأسهم جزءا من خسائرها في ختام التداولات", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [t[1:] for t in HEAD_OF_OBJECT], ids=[t[0] for t in HEAD_OF_OBJECT]
)
def test_the_head_of_the_object_decides(text: str, expected: list[str]) -> None:
    """Labels follow the object's head noun, not a word inside it."""
    assert _labels(text) == expected


# Set 5 families. A match, a market or a vote with no armed force in the sentence; crime and disease
# deaths; a denial verb whose object is the report, however long its subject; a year two or more years
# back in the trigger's clause; talks about a withdrawal.
NOT_NEWS_5 = [
    ("en-title-race", "Arsenal seized control of the title race with a 2-0 win at Villa Park on Sunday."),
    ("en-point", "The national team captured a precious point against Ghana in the qualifier."),
    ("en-market", "The Korean brand has captured a quarter of Europe's heat-pump market in three years."),
    ("en-politics", "The chancellor surrendered to backbenchers on the budget after a week of revolt."),
    ("ar-match", "استسلم النادي الأهلي لضغط منافسه في الشوط الثاني وخسر المباراة بهدف."),
    ("ar-election", "انتزع الحزب 14 مقعدا في الانتخابات البلدية وسقطت معاقل منافسيه في الشمال."),
    (
        "en-robbery",
        "Two robbers were shot dead by security guards after an armed robbery at a jewellery store.",
    ),
    ("en-infection", "Drug-resistant infections killed 1,200 patients in the region's hospitals last year."),
    (
        "ar-denied-long-subject",
        "نفت قيادة العمليات المشتركة في بيان مساء الأحد صحة ما نشرته حسابات على مواقع التواصل عن سقوط مدينة تلعفر.",
    ),
    (
        "en-rejected-claims",
        "The defence ministry on Friday rejected as fabricated the militants' claims that they had captured the base.",
    ),
    (
        "en-old-year",
        "Government forces are rebuilding the town, which changed hands twice, after rebels took it in 2019.",
    ),
    ("en-old-year-clause", "Investigators say about 300 villagers were killed in the district during 2022."),
    ("ar-old-year", "ويستذكر السكان كيف سيطر التنظيم على البلدة عام 2015 قبل أن يطرد منها."),
    ("ar-talks", "وناقش الاجتماع انسحاب القوات الأجنبية من المواقع الحدودية خلال الأشهر المقبلة."),
    ("ar-years-after", "بعد ثلاثة أعوام على سيطرة الحركة على العاصمة، لا تزال المدارس مغلقة."),
]
STILL_NEWS_5 = [
    (
        "en-soldiers-at-stadium",
        "Rebels seized the football stadium and the airport on Saturday.",
        "territorial_change",
    ),
    (
        "en-robbery-militants",
        "Militants killed four guards during a bank robbery in the border town.",
        "casualty_update",
    ),
    (
        "en-timeline-year",
        "In June 2014, IS fighters captured Mosul after a four-day battle.",
        "territorial_change",
    ),
    (
        "en-this-year-toll",
        "A UN report said at least 4,000 people had been killed in the war by the end of May.",
        "casualty_update",
    ),
    (
        "en-failed-to-flee",
        "About 60 soldiers who failed to escape in time surrendered to the rebels.",
        "surrender",
    ),
    ("ar-comma-aside", "سيطرت الفصائل، بعد منتصف الليل، على قرية تل حدية في ريف حلب.", "territorial_change"),
    (
        "ar-imposed-control",
        "وفرضت القوات الحكومية سيطرتها على بلدة الطيبة بعد اشتباكات.",
        "territorial_change",
    ),
    ("ar-entering", "أعلنت القوات دخولها مدينة سرت بعد انسحاب المسلحين منها.", "territorial_change"),
    ("ar-loss-of-villages", "واعترف التنظيم بخسارة ثلاث قرى في ريف دير الزور.", "territorial_change"),
    ("ar-handed-over-camp", "وتسلمت قوة أمنية المعسكر بعد انسحاب الكتيبة منه.", "territorial_change"),
    (
        "en-cleared-from",
        "Government troops cleared the militants from two villages near the lake.",
        "territorial_change",
    ),
]
FIGURES_5 = [
    (
        "en-ordinal",
        "Thirty soldiers surrendered to the 5th Mechanised Brigade near Izium.",
        [("surrendered", 30)],
    ),
    ("en-up-from", "The toll rose to 41 on Sunday, up from an earlier count of 25.", [("killed", 41)]),
    (
        "en-long-including",
        "Twelve fighters, including a commander wanted for a string of attacks on the highway, surrendered.",
        [("surrendered", 12)],
    ),
    ("ar-vehicles", "قتل 15 مسلحاً ودمرت 9 آليات في الهجوم.", [("killed", 15)]),
    (
        "ar-aside-subject",
        "وقال الجيش إن خمسة من المسلحين، بينهم قيادي بارز، سلموا أنفسهم.",
        [("surrendered", 5)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_5], ids=[t[0] for t in NOT_NEWS_5])
def test_set5_contexts_are_not_developments(text: str) -> None:
    """Sport, markets, votes, crime, disease, denied reports, old background and talks."""
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_5], ids=[t[0] for t in STILL_NEWS_5])
def test_set5_developments_stay(text: str, label: str) -> None:
    """Armed forces in the sentence, a timeline date, a recent toll, and the new verb forms."""
    assert label in _labels(text)


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_5], ids=[t[0] for t in FIGURES_5])
def test_set5_figures(text: str, expected: list[tuple[str, float]]) -> None:
    """Ordinals, earlier tolls and materiel are not counts; a long aside stays inside the subject."""
    assert _figures(text) == sorted(expected)


# Set 6 families: war tolls in a relative clause, corrections and explainers, "N years on", a goal or an
# intent, the victims' relatives, purpose of a clearing operation, road accidents; and forms that report
# a change: "باتوا يسيطرون", the imperfect يعدم / يسلمون أنفسهم, سيطرتها الكاملة على, تطهير أحياء.
NOT_NEWS_6 = [
    (
        "en-war-relative",
        "The blockade of the city, imposed by a war that has killed tens of thousands, is in its second year.",
    ),
    (
        "en-correction",
        "Correction: an earlier version misstated the date on which the rebels captured the airport.",
    ),
    ("en-years-on", "Five years on: the battle that saw the port change hands and fall to the militia."),
    ("ar-war-relative", "وتعاني المدينة من آثار الحرب التي خلفت أكثر من 150 ألف قتيل منذ اندلاعها."),
    ("ar-goal", "وقال الوزير إن الهدف هو «تحرير ما تبقى من البلدات» قبل نهاية العام."),
    ("ar-relatives", "وطالبت عائلات الضحايا بمحاسبة المسؤولين عن مئات حالات الاختفاء."),
    ("ar-clearing-purpose", "أعلنت القيادة بدء عملية واسعة لتطهير الوديان من بقايا التنظيم."),
    ("ar-road", "لقي 6 أشخاص مصرعهم بانقلاب حافلة على الطريق الدولي، بحسب مديرية المرور."),
]
STILL_NEWS_6 = [
    (
        "ar-became-controlling",
        "قال متحدث أممي إن المتمردين باتوا يسيطرون على مطار المدينة بعد هجوم خاطف.",
        "territorial_change",
    ),
    ("ar-imperfect-execute", "التنظيم يعدم خمسة رعاة في البادية الشرقية", "casualty_update"),
    ("ar-imperfect-surrender", "عشرات المسلحين يسلمون أنفسهم للجيش في ريف المدينة", "surrender"),
    (
        "ar-control-pronoun",
        "أعلنت الفصائل، في بيان مصور، سيطرتها الكاملة على بلدة السفيرة.",
        "territorial_change",
    ),
    ("ar-cleared", "وتمكنت القوات من تطهير ثلاثة أحياء من عناصر الميليشيا.", "territorial_change"),
    (
        "en-neutralised",
        "Troops neutralised 11 insurgents in an ambush near the border, the army said.",
        "casualty_update",
    ),
]
FIGURES_6 = [
    ("en-name-digits", "About 30 soldiers surrendered to M23 fighters near the lake.", [("surrendered", 30)]),
    ("en-rescued", "Soldiers killed 8 gunmen and rescued 14 kidnapped passengers.", [("killed", 8)]),
    ("ar-list-marker", "عاجل\n١- مقتل خمسة مسلحين في كمين.\n٢- ضبط أسلحة.", [("killed", 5)]),
    ("ar-klm", "تحرير مساحة تتجاوز 900 كلم مربع شمال المدينة", [("captured_area_km2", 900)]),
    (
        "ar-no-longer",
        "لم تعد الميليشيا تسيطر سوى على 60 كيلومترا مربعا بعد استعادة الجيش للمدينة.",
        [("remaining_area_km2", 60)],
    ),
    (
        "ar-raises-total",
        "اختطف المسلحون 4 عمال إضافيين، ما يرفع عدد المختطفين إلى 19.",
        [("abducted", 4), ("abducted", 19)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_6], ids=[t[0] for t in NOT_NEWS_6])
def test_set6_background_goals_and_accidents_are_not_developments(text: str) -> None:
    """War tolls as background, corrections, anniversaries, goals, relatives, purposes, road accidents."""
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_6], ids=[t[0] for t in STILL_NEWS_6])
def test_set6_forms_that_report_a_change(text: str, label: str) -> None:
    """ "Became controlling", headline imperfects, control with a pronoun, clearing districts, "neutralised"."""
    assert label in _labels(text)


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_6], ids=[t[0] for t in FIGURES_6])
def test_set6_figures(text: str, expected: list[tuple[str, float]]) -> None:
    """Names with digits, rescued people and list markers are no counts; كلم, سوى and يرفع are read."""
    assert _figures(text) == sorted(expected)


# Set 7: whole articles. The news sits in the headline and lede; the body's background paragraphs (an
# old year and no fresh time, an Arabic pluperfect, "at the time") recount old battles and tolls.
_ARTICLE_EN = (
    "Rebels seize border town after two-day battle\n\n"
    "GOMA (Reuters) - Rebels took control of the border town of Bunagana on Tuesday after two days of "
    "fighting, residents said.\n\n"
    "The army did not comment.\n\n"
    "The rebels first captured Bunagana in 2022 and held it for a year. Fighting there in 2022 "
    "killed more than 3,000 people.\n\n"
    "The war, which began in 2021, has killed tens of thousands of people."
)
_ARTICLE_AR = (
    "الجيش يستعيد السيطرة على بلدة في ريف حلب\n\n"
    "أعلن الجيش اليوم استعادة السيطرة على بلدة دير حافر بعد اشتباكات عنيفة.\n\n"
    "وقال مصدر عسكري إن العمليات مستمرة.\n\n"
    "وكانت الفصائل قد سيطرت على البلدة قبل أشهر، ما أدى إلى مقتل 40 شخصا."
)
_BODY_NEWS_EN = (
    "Drone strike hits market\n\n"
    "KHARKIV - A Russian drone hit a market in Kharkiv, officials said.\n\n"
    "The region has seen heavy fighting since 2022.\n\n"
    "Hours later, a second strike killed four people in the suburb of Pisochyn."
)


def test_background_paragraphs_of_an_article_are_not_news() -> None:
    """The lede's capture is reported once; the 2022 capture, its toll and the war's toll are not."""
    result = classify(_ARTICLE_EN, "en", YEAR)
    assert result.labels == ["territorial_change"]
    assert [f.count for f in result.figures] == []


def test_arabic_pluperfect_paragraph_is_background() -> None:
    """ "وكانت الفصائل قد سيطرت ... ما أدى إلى مقتل 40": an old capture and its toll, not today's news."""
    result = classify(_ARTICLE_AR, "ar", YEAR)
    assert result.labels == ["territorial_change"]
    assert [f.kind for f in result.figures] == []


def test_a_body_sentence_with_a_fresh_time_is_news() -> None:
    """ "Hours later, a second strike killed four": a fresh time keeps a body sentence's toll."""
    assert _figures(_BODY_NEWS_EN) == [("killed", 4)]


def test_a_repeated_figure_is_listed_once() -> None:
    """The headline's toll and the lede's are one figure; two different tolls stay two."""
    text = "Strike kills 12 in Sumy\n\nA missile strike killed 12 people in Sumy on Monday and wounded 30."
    assert _figures(text) == [("injured", 30), ("killed", 12)]


NOT_NEWS_7 = [
    ("en-abbreviated-date", "After the garrison surrendered on Nov. 18, 1991, troops moved in."),
    ("en-war-subject", "The conflict has killed more than 150,000 people, according to monitors."),
    (
        "en-verdict",
        "Judges found the men guilty of war crimes, including torture, for the killing of 40 villagers.",
    ),
    (
        "en-called-fabricated",
        "A spokesman dismissed reports that troops had abandoned the town, calling them fabricated.",
    ),
    ("en-pressed-for", "Beirut pressed for an Israeli withdrawal from the five hilltops."),
    ("ar-relative-of-victim", "وقال والد أحد الضحايا إن العائلات تنتظر العدالة منذ سنوات."),
    ("ar-obligation", "وقال القائد إن عليهم أن يختاروا بين الاستسلام أو الهزيمة."),
    ("en-figurative-bank", "A lawmaker accused the central bank of surrendering to speculators."),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_7], ids=[t[0] for t in NOT_NEWS_7])
def test_set7_old_dates_war_tolls_verdicts_and_rebuttals(text: str) -> None:
    """Old dates written with abbreviations, a war's own toll, verdicts, rebutted reports, demands."""
    assert _labels(text) == []


# Set 8: first-person military statements, "yield to the army", "lay down arms", the construct dual
# "قريتي", the fall of a headquarters; negotiations, a government "surrendering" to a lender, informants.
STILL_NEWS_8 = [
    ("ar-we-took", "الجيش: سيطرنا على معسكر الشجرة وقتلنا 25 من عناصر الميليشيا", "territorial_change"),
    ("ar-we-killed", "بيان: قتلنا 25 من عناصر الميليشيا في محور بابنوسة", "casualty_update"),
    ("en-yield", "Twelve rebels yield to government troops in the hills", "surrender"),
    ("en-lay-down", "Forty militants lay down arms before the district governor", "surrender"),
    ("ar-fall-of-hq", "سقوط مقر اللواء الثالث في المدينة بيد الفصائل", "territorial_change"),
]
NOT_NEWS_8 = [
    ("ar-negotiating", "الأهالي يفاوضون على تسليم السلاح مقابل انسحاب القوات من محيط البلدة"),
    ("ar-lender", "نائب: الحكومة «استسلمت» لإملاءات المقرضين الدوليين"),
    ("en-war-past-simple", "The war, which killed more than 300,000 people, left the economy in ruins."),
]
FIGURES_8 = [
    ("ar-construct-dual", "القوات سيطرت على قريتي الدبسية والمزرعة غرب المدينة", [("captured_villages", 2)]),
    (
        "en-informants",
        "Gunmen killed 9 villagers and wounded 14 others, two local sources said.",
        [("injured", 14), ("killed", 9)],
    ),
]


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_8], ids=[t[0] for t in STILL_NEWS_8])
def test_set8_forms_that_report_a_development(text: str, label: str) -> None:
    """First-person statements, "yield to", "lay down arms", the fall of a headquarters."""
    assert label in _labels(text)


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_8], ids=[t[0] for t in NOT_NEWS_8])
def test_set8_negotiations_and_figures_of_speech(text: str) -> None:
    """Negotiations, a government giving in to lenders, a war's past toll in a relative clause."""
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_8], ids=[t[0] for t in FIGURES_8])
def test_set8_figures(text: str, expected: list[tuple[str, float]]) -> None:
    """ "قريتي X وY" counts two villages; informants are not counted."""
    assert _figures(text) == sorted(expected)


def test_the_publication_year_decides_what_is_old() -> None:
    """A body sentence dated 2022 is background in an article of 2026 and news in an article of 2022."""
    assert classify(_ARTICLE_EN, "en", 2026).labels == ["territorial_change"]
    assert "casualty_update" in classify(_ARTICLE_EN, "en", 2022).labels


def test_equal_figures_of_two_events_are_both_kept() -> None:
    """Only a restatement of a headline figure is merged; two attacks of five dead are two."""
    text = (
        "Attacks in Borno and Yobe\n\n"
        "Gunmen killed 5 soldiers in Borno on Monday. In a separate attack in Yobe, militants killed 5 villagers."
    )
    assert _figures(text) == [("killed", 5), ("killed", 5)]


REVIEW_STILL_NEWS = [
    ("en-officials", "Taliban gunmen killed three officials in an ambush on Monday.", "casualty_update"),
    (
        "en-place-with-election",
        "Gangs seized control of the town of Mirebalais on Monday, dealing a blow to plans for elections.",
        "territorial_change",
    ),
    (
        "en-place-with-brussels",
        "Russia captured the town of Kurakhove, drawing condemnation from Brussels.",
        "territorial_change",
    ),
    (
        "en-how-witnesses",
        "Witnesses described how militants killed 12 villagers on Monday.",
        "casualty_update",
    ),
    (
        "en-anonymous",
        "Residents, who didn't want to be named, said militants killed 15 people.",
        "casualty_update",
    ),
    (
        "en-dismissed-after",
        "The president dismissed the army chief after reports that militants had killed 40 soldiers.",
        "casualty_update",
    ),
    (
        "ar-since-year",
        "سيطرت قوات الدعم السريع على مدينة بارا للمرة الأولى منذ عام 2023",
        "territorial_change",
    ),
    (
        "ar-denial-then-result",
        "كذب الجيش رواية المسلحين وقال إن قواته صدت الهجوم ما أسفر عن مقتل 12 مسلحا",
        "casualty_update",
    ),
    ("ar-since-war", "في أعنف يوم منذ بدء الحرب قتل 90 شخصا في غارات على المدينة", "casualty_update"),
    ("ar-fire-on-them", "أطلق القناصة النار عليهم وقتلوا خمسة مدنيين", "casualty_update"),
    ("ar-without-resistance", "اقتحمت القوات البلدة دون مقاومة تذكر وسيطرت على مركزها", "territorial_change"),
    ("ar-toll-includes", "تشمل الحصيلة 12 طفلا قتلوا في القصف", "casualty_update"),
    (
        "ar-purpose-then-perfect",
        "دفع الجيش بتعزيزات لاستعادة المدينة واستعاد حيين منها",
        "territorial_change",
    ),
    (
        "en-market-town",
        "Islamists seized the market town of Djibo on Sunday, residents said.",
        "territorial_change",
    ),
    (
        "en-separatists-company",
        "Separatists surrendered to Azerbaijan on Wednesday, the company said.",
        "surrender",
    ),
    (
        "ar-place-with-election",
        "أعلنت روسيا السيطرة على بلدة أفدييفكا قبل أسابيع من الانتخابات الرئاسية.",
        "territorial_change",
    ),
    (
        "ar-in-order-to",
        "استعادت أوكرانيا السيطرة على قرية روبوتينه بهدف قطع خطوط الإمداد.",
        "territorial_change",
    ),
    ("en-didnt-say-when", "The army didn't say when it retook the town of Bakhmut.", "territorial_change"),
    ("ar-without-warning", "دون سابق إنذار قصفت الطائرات السوق وقتلت 7 مدنيين.", "casualty_update"),
    (
        "en-deadliest-during",
        "Fighters killed 11 soldiers in their deadliest attack during 2024 and 2025, a monitor said.",
        "casualty_update",
    ),
    (
        "en-reminiscent",
        "Troops retook Palmyra in an offensive reminiscent of the one in 2016.",
        "territorial_change",
    ),
    ("ar-camp-built", "قتل 7 مدنيين في غارة على مخيم للنازحين أقيم عام 2019 شمال إدلب.", "casualty_update"),
    (
        "ar-aside-in-body",
        "مقتل 12\n\nقتل 12 شخصا في غارة على غزة.\n\nوسيطرت الفصائل على 3 قرى قرب بلدة أخترين، التي شهدت معارك عنيفة في 2016.",
        "territorial_change",
    ),
]


@pytest.mark.parametrize(
    ("text", "label"), [t[1:] for t in REVIEW_STILL_NEWS], ids=[t[0] for t in REVIEW_STILL_NEWS]
)
def test_review_cases_stay_developments(text: str, label: str) -> None:
    """Real developments an independent review found the new rules dropped."""
    assert label in _labels(text)


def test_a_year_like_count_is_a_count() -> None:
    """ "more than 2000 people", "2019 militants": a bound before or people after make it a count."""
    assert _figures("Strikes killed more than 2000 people in the city, the ministry said.") == [
        ("killed", 2000)
    ]
    assert _figures("The army said it killed 2019 militants this year.") == [("killed", 2019)]


def test_my_village_is_not_two_villages() -> None:
    """ "قريتي" alone is "my village"; "قريتي X وY" is two villages."""
    assert _figures("سيطر المسلحون على قريتي") == []


# Set 10: hunger deaths, a surrender offer weighed, a death sentence on convicts, mines cleared.
NOT_NEWS_10 = [
    (
        "en-malnutrition",
        "Thirty children died of severe malnutrition in the camp's feeding centre last month.",
    ),
    ("en-surrender-offer", "The besieged garrison is weighing a surrender offer brought by church leaders."),
    ("ar-sentence-convicts", "الإعدام شنقا لسبعة مدانين بتفجير سيارة مفخخة في سوق شعبي"),
    ("ar-mines", "فرق الهندسة تنتزع أكثر من 900 لغم من الأراضي الزراعية خلال شهر"),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_10], ids=[t[0] for t in NOT_NEWS_10])
def test_set10_hunger_offers_sentences_and_mines(text: str) -> None:
    """Deaths from hunger, the terms of a surrender, a sentence passed on convicts, mines cleared."""
    assert _labels(text) == []


# Set 11: trials, rescues, conditions, a side's name for its goal, war-wide and year-to-date tolls, money.
NOT_NEWS_11 = [
    (
        "en-trial",
        "A military court in Juba opened the trial of six officers over the 2016 Terrain hotel attack that killed a journalist.",
    ),
    ("en-rescue-present", "Police rescue 17 kidnapped travellers on the Abuja-Kaduna highway"),
    ("en-arrest-present", "Army arrests four suspects over killing of village head in Plateau"),
    (
        "en-those-who-would",
        "The governor urged the gangs to disarm, saying those who surrendered would receive an amnesty.",
    ),
    (
        "en-calls-it",
        "Moscow says the offensive will go on until it completes what it calls the liberation of Zaporizhzhia.",
    ),
    ("en-war-possessive", "UN appeal seeks $2.8bn as conflict's death toll passes 20,000"),
    (
        "en-war-between",
        "The war between the junta and the resistance had killed thousands of civilians, the envoy noted.",
    ),
    (
        "en-commemoration",
        "Survivors gathered at a memorial for the 2014 massacre in which militants killed 1,700 cadets.",
    ),
    ("ar-trial", "انطلاق محاكمة 9 متهمين بتفجير سوق شعبي أسفر عن مقتل 40 شخصا"),
    ("ar-calls-it", "تواصل القوات هجومها لاستكمال ما تسميه بـ«تحرير الجنوب» بحسب البيان"),
    ("ar-commemoration", "أهالي حلبجة يستذكرون ضحايا القصف الكيميائي الذي قتل الآلاف عام 1988"),
    ("ar-when-after-year", "يحيي الأهالي ذكرى سقوط المدينة في حزيران 2014، حين قتل وخطف المئات من سكانها."),
    ("ar-minaret", "بعد سنوات من الدمار.. حلب القديمة تستعيد مئذنة الجامع الأموي"),
    (
        "ar-anniversary-headline",
        "في ذكراها العاشرة.. ناجون يروون كيف قتل المسلحون نحو 600 من نزلاء سجن بادوش",
    ),
    (
        "en-anniversary-headline",
        "Ten years on.. On the anniversary, survivors recall how gunmen killed 130 people in Paris",
    ),
    ("ar-patients", "أكثر من 12 ألف جريح ومريض ينتظرون فتح المعبر للعلاج في الخارج"),
    ("en-backbench-rebels", "Chancellor surrenders to backbench rebels over the budget"),
    ("en-gang-feud", "Three men shot dead outside a Malmo nightclub in a suspected gang feud, police said"),
]
STILL_NEWS_11 = [
    ("ar-announce-entry", "فصائل المعارضة تعلن دخول مدينة حماة بعد انسحاب قوات النظام", "territorial_change"),
    (
        "ar-since-this-morning",
        "قال قيادي إن مقاتليه يسيطرون منذ فجر اليوم على مطار المدينة",
        "territorial_change",
    ),
    ("ar-dual-verb", "وأفاد مصدر طبي بأن مدنيين اثنين استشهدا وأصيب ثلاثة آخرون في القصف", "casualty_update"),
    (
        "en-a-soldier",
        "A Ukrainian soldier was killed and two were wounded in a drone strike near Kupiansk on Friday.",
        "casualty_update",
    ),
    ("ar-one-child", "مقتل طفل برصاص قناص في حي الروضة بتعز", "casualty_update"),
    (
        "en-body-fresh-thousands",
        "Strikes hit Kharkiv\n\nDrones struck the city overnight.\n\nOn Tuesday, thousands fled after shelling killed 12 people in the market.",
        "casualty_update",
    ),
]
FIGURES_11 = [
    ("money-is-no-count", "Donors pledged $3bn as shelling killed 6 people in Kherson", [("killed", 6.0)]),
    (
        "ar-dual-verb",
        "وأفاد مصدر طبي بأن جنديين استشهدا وأصيب ثلاثة آخرون في القصف",
        [("injured", 3.0), ("killed", 2.0)],
    ),
    ("ar-nominative-dual", "إرهابيان يسلمان نفسيهما للقوات الأمنية في كركوك", [("surrendered", 2.0)]),
    (
        "ar-fallen-one",
        "غارة بمسيرة على سيارة أدت إلى سقوط شهيد وإصابة اثنين",
        [("injured", 2.0), ("killed", 1.0)],
    ),
    ("ar-one-of-the", "مسلحون يختطفون 12 راكبا ويقتلون أحد السائقين", [("abducted", 12.0), ("killed", 1.0)]),
    (
        "en-a-farmer",
        "Gunmen shot dead a farmer and abducted 5 women in Zamfara",
        [("abducted", 5.0), ("killed", 1.0)],
    ),
    (
        "en-of-them",
        "Strikes kill 19, including seven children\n\nStrikes killed 19 people on Saturday, seven of them children.",
        [("killed", 7.0), ("killed", 19.0)],
    ),
    ("en-rescued", "Troops rescue 42 kidnapped villagers and kill 3 bandits", [("killed", 3.0)]),
    (
        "en-range-of-year-like-counts",
        "Militias killed between 1500 and 2500 civilians in the town",
        [("killed", 1500.0), ("killed", 2500.0)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_11], ids=[t[0] for t in NOT_NEWS_11])
def test_set11_trials_rescues_conditions_and_recalled_tolls(text: str) -> None:
    """A trial's killings, people rescued or arrested, a condition, a side's name for its goal, a war's toll
    and a commemoration name no new development."""
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_11], ids=[t[0] for t in STILL_NEWS_11])
def test_set11_forms_that_report_a_development(text: str, label: str) -> None:
    assert label in _labels(text)


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_11], ids=[t[0] for t in FIGURES_11])
def test_set11_figures(text: str, expected: list[tuple[str, float]]) -> None:
    """Money is no count; dual verbs and nouns count two; one person named alone counts one."""
    assert _figures(text) == expected


def test_thousands_recalled_in_a_body_are_background() -> None:
    """In an article's body, "thousands were killed" with no fresh time recalls the war."""
    text = (
        "Talks stall in Doha\n\nThe two sides failed to agree on Sunday.\n\n"
        "The conflict has displaced millions, and the UN says thousands were killed in the offensive on Goma."
    )
    assert _labels(text) == []


# Set 12: relative clauses of old events, year tallies, corrections, rescues, courts, the war as subject.
NOT_NEWS_12 = [
    (
        "en-relative-after-old-year",
        "Work resumed at the mine that jihadists overran in June 2020 in a raid that killed 40 guards.",
    ),
    ("en-court-over-old-bombing", "Baghdad court jails five over 2017 market bombing that killed 35"),
    (
        "en-that-year",
        "Peace talks resume\n\nDelegates met on Monday.\n\nAt least 80 villagers were killed in the raid, one of the worst that year.",
    ),
    (
        "en-war-relative-wide",
        "The conflict between the junta and the ethnic armies, which broke out in 2021 and has killed thousands of civilians, continues.",
    ),
    (
        "en-past-years-tally",
        "Officials say 4,000 fighters have surrendered over the past three years under the programme.",
    ),
    ("en-earlier-version", "An earlier version of this story said 14 people were killed in the strike."),
    (
        "ar-relative-after-last-month",
        "أوقفت السلطات مشتبها بهم في الهجوم على حاجز في نيسان الماضي، الذي أسفر عن مقتل 6 عناصر.",
    ),
    ("ar-denial-being-circulated", "نفى الجيش صحة ما يتم تداوله عن سقوط بلدة الطينة بيد المتمردين."),
    ("ar-court-verdict", "قضت محكمة عسكرية بإعدام ثلاثة عناصر أدينوا بتفجير أسفر عن مقتل 20 شخصا"),
    ("ar-war-relative-subject", "قال المبعوث إن الحرب التي اندلعت قبل ثلاث سنوات أسفرت عن مقتل عشرات الآلاف"),
    ("ar-determined-to", "قال الوزير إن الحكومة ماضية في بسط سيطرة الدولة على كامل المحافظة"),
    ("ar-future-help", "قال القائد إن الآليات ستساعد في استعادة السيطرة على الطرق خلال الأشهر المقبلة"),
    ("ar-without", "أعلنت الوزارة تقدم قواتها نحو البلدة من دون الإعلان عن السيطرة عليها."),
    ("ar-freed-abductees", "أعلنت الشرطة تحرير 14 شخصا كانوا قد اختطفوا الشهر الماضي من قرية قرب كادونا"),
    ("ar-past-years-tally", "تقول السلطات إن آلاف المقاتلين سلموا أنفسهم خلال السنوات الماضية"),
]
FIGURES_12 = [
    (
        "en-hospital-status",
        "A drone strike killed 6 and injured 30, 12 of whom remain in hospital.",
        [("injured", 30.0), ("killed", 6.0)],
    ),
    (
        "ar-two-then-coordinated",
        "أدى القصف إلى مقتل مدنيين اثنين وإصابة خمسة آخرين",
        [("injured", 5.0), ("killed", 2.0)],
    ),
    ("ar-led-away", "أحرق المسلحون عشرين صهريجا واقتادوا ثلاثة سائقين إلى جهة مجهولة", [("abducted", 3.0)]),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_12], ids=[t[0] for t in NOT_NEWS_12])
def test_set12_old_events_tallies_corrections_and_courts(text: str) -> None:
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_12], ids=[t[0] for t in FIGURES_12])
def test_set12_figures(text: str, expected: list[tuple[str, float]]) -> None:
    assert _figures(text) == expected


def test_a_body_count_of_a_hundred_thousand_is_a_war_toll() -> None:
    text = (
        "Mediators meet in Addis\n\nThe talks opened on Monday.\n\n"
        "Mediators have cited estimates of up to 400,000 deaths from fighting and hunger."
    )
    assert _labels(text) == []


# Set 13: a thing that fell, whoever would surrender, the remains of the dead, led away, a town named in a
# list, the wounded already counted.
NOT_NEWS_13 = [
    ("en-where-it-fell", "Rubble\n\nHe returned home.\n\nThe minaret still lies where it fell."),
    ("ar-whoever-surrenders", "قائد الجيش يدعو المسلحين إلى إلقاء السلاح: الأبواب مفتوحة لمن يسلم نفسه"),
    ("ar-mass-grave", "فرق الطب العدلي تفتح مقبرة جماعية تضم رفات عشرات الضحايا الذين قتلهم التنظيم"),
    ("ar-month-year", "عثر على رفات الضحايا الذين قتلهم مسلحون في تموز 2015 قرب البلدة"),
    (
        "en-mass-grave",
        "Investigators exhumed a mass grave holding the remains of 40 people killed by militants.",
    ),
]
FIGURES_13 = [
    (
        "en-marched-away",
        "Gunmen shot two people dead and marched 14 worshippers into the bush.",
        [("abducted", 14.0), ("killed", 2.0)],
    ),
    (
        "en-beheading-is-a-killing",
        "Insurgents beheaded five villagers near Macomia on Sunday.",
        [("killed", 5.0)],
    ),
    ("ar-neutralised", "أعلن الجيش أن قواته حيدت 15 مسلحا في هجوم على موقع عسكري", [("killed", 15.0)]),
    (
        "ar-towns-are-villages",
        "قال الجيش إن قواته سيطرت على ثلاث بلدات في ريف حماة",
        [("captured_villages", 3.0)],
    ),
    (
        "ar-two-towns-named",
        "القوات الروسية حررت بلدتي كوراخوفو في دونيتسك وفيليكا في خاركيف",
        [("captured_villages", 2.0)],
    ),
    (
        "en-including-a-civilian",
        "Four people, including a civilian, were killed in the clashes.",
        [("killed", 1.0), ("killed", 4.0)],
    ),
    (
        "ar-two-of-the-wounded",
        "أصيب 9 أشخاص في القصف، ونقل طفلين من المصابين نقلا إلى المستشفى",
        [("injured", 9.0)],
    ),
    (
        "en-lede-repeated-in-body",
        "Strike kills 12\n\nA strike killed 12 people, including 3 children, on Monday.\n\nDoctors said 3 of the dead were children.",
        [("killed", 3.0), ("killed", 12.0)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_13], ids=[t[0] for t in NOT_NEWS_13])
def test_set13_things_that_fell_offers_and_graves(text: str) -> None:
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_13], ids=[t[0] for t in FIGURES_13])
def test_set13_figures(text: str, expected: list[tuple[str, float]]) -> None:
    assert _figures(text) == expected


# Set 14: raids, refusals, a fire brought under control, false reports denied, a kill zone.
NOT_NEWS_14 = [
    ("en-stormed-a-post", "Jihadists stormed an army outpost near Djibo on Sunday."),
    (
        "en-stormed-then-killed",
        "Gunmen stormed the village of Kadisau, killing residents and torching homes.",
    ),
    ("ar-stormed-then-abducted", "مسلحون على دراجات نارية اقتحموا قرية في منطقة مارو وخطفوا عددا من السكان"),
    ("en-surrender-not-on-the-table", "Rebel leader: 'Surrender is not on the table'"),
    ("ar-fire-under-control", "سقطت مسيرة قرب خزان للنفط ما أدى إلى حريق جرت السيطرة عليه من دون إصابات"),
    (
        "ar-false-information-denied",
        "نفى الجيش «المعلومات المغلوطة» المتداولة على مواقع التواصل عن انسحاب قواته من بلدة ليري",
    ),
    ("ar-to-attempt", "الكرملين يحشد قواته لمحاولة السيطرة على ما تبقى من المقاطعة"),
    ("ar-kill-zone", "تحليل: «منطقة القتل» التي تغطيها المسيرات باتت تمتد لأكثر من 20 كيلومترا خلف الجبهة"),
]
STILL_NEWS_14 = [
    (
        "en-entered-after-withdrawal",
        "Government forces enter Tabqa after SDF withdrawal under deal",
        "territorial_change",
    ),
    (
        "en-moved-into-after-pullout",
        "Army units moved into the town on Saturday, hours after rebel fighters pulled out.",
        "territorial_change",
    ),
]
FIGURES_14 = [
    ("ar-finished-off", "أعلن الجيش أن وحداته قضت على 25 «إرهابيا» في هجوم مضاد", [("killed", 25.0)]),
    (
        "ar-two-policemen",
        "قتل المسلحون 9 أشخاص بينهم شرطيان في هجوم على البلدة",
        [("killed", 2.0), ("killed", 9.0)],
    ),
    (
        "en-one-of-them-critically",
        "The strike killed two and injured five others, one of them critically.",
        [("injured", 5.0), ("killed", 2.0)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_14], ids=[t[0] for t in NOT_NEWS_14])
def test_set14_raids_refusals_fires_and_denied_reports(text: str) -> None:
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_14], ids=[t[0] for t in STILL_NEWS_14])
def test_set14_entering_after_a_withdrawal(text: str, label: str) -> None:
    assert label in _labels(text)


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_14], ids=[t[0] for t in FIGURES_14])
def test_set14_figures(text: str, expected: list[tuple[str, float]]) -> None:
    assert _figures(text) == expected


# Set 15: a war that had seen, a false claim, a filling station, control kept, failed or asked about.
NOT_NEWS_15 = [
    (
        "en-war-had-seen",
        "Mediators hailed the deal as the end of a war that had seen the rebels seize two provincial capitals.",
    ),
    (
        "en-claim-is-false",
        "UPDATE — The claim circulating online that troops had withdrawn from Siversk is false, the army said.",
    ),
    ("en-filling-station", "Odesa: 2 dead after explosion at a petrol station, emergency service says"),
    ("ar-keeps-control", "وفي المقابل، يحتفظ الجيش بسيطرته على معظم المحافظة"),
    ("ar-unable", "وسط عجز الحكومة عن بسط سيطرتها الكاملة على المدينة"),
    ("ar-question", "هل تتحول الغارات إلى سيطرة دائمة على الأرض؟"),
    ("ar-file-of-withdrawal", "وناقش الوفد ملف انسحاب القوات من النقاط الحدودية"),
    ("ar-freed-of", "الشرطة: تحرير 12 من الركاب المختطفين في عملية أمنية"),
]
STILL_NEWS_15 = [
    (
        "ar-enter-after-withdrawal",
        "مقاتلون موالون للحكومة يدخلون بلدة روتشورو بعد انسحاب المتمردين منها",
        "territorial_change",
    ),
    (
        "ar-take-over-positions",
        "وحدات من الجيش تتسلم مواقع قسد في بلدة الطبقة بعد انسحاب عناصرها صباح اليوم",
        "territorial_change",
    ),
    (
        "ar-second-headline-verb",
        "مسلحون يهاجمون قرية في ولاية النيجر فجر اليوم ويختطفون 30 شخصا",
        "casualty_update",
    ),
    ("ar-foiled-then-killed", "أحبطت القوات محاولة تسلل، وقتل 5 من المهاجمين", "casualty_update"),
]
FIGURES_15 = [
    (
        "en-corrected-figure",
        "CORRECTION: the toll is 11 dead, not 8 as we posted earlier.",
        [("killed", 11.0)],
    ),
    (
        "ar-corrected-figure",
        "تصويب: الحصيلة ثلاثة قتلى، وليس خمسة قتلى كما ورد في الخبر السابق",
        [("killed", 3.0)],
    ),
    (
        "ar-breakdown",
        "وثق المرصد مقتل 12 شخصا، هم 7 من عناصر الأمن و5 من المسلحين",
        [("killed", 5.0), ("killed", 7.0), ("killed", 12.0)],
    ),
    ("ar-m23-is-a-name", "مقاتلو «إم 23» يقتلون 4 مدنيين في قرية قرب غوما", [("killed", 4.0)]),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_15], ids=[t[0] for t in NOT_NEWS_15])
def test_set15_status_failures_questions_and_false_claims(text: str) -> None:
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_15], ids=[t[0] for t in STILL_NEWS_15])
def test_set15_forms_that_report_a_development(text: str, label: str) -> None:
    assert label in _labels(text)


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_15], ids=[t[0] for t in FIGURES_15])
def test_set15_figures(text: str, expected: list[tuple[str, float]]) -> None:
    assert _figures(text) == expected


# Set 16: people seized, weapons seized, a goal after حتى, an idea, a club named for the army, a dated
# relative clause of last year, thousands with no count.
NOT_NEWS_16 = [
    # people seized are no place taken (their abduction is a known miss: "seized" is no abduction word)
    (
        "en-people-seized",
        "Suspected Boko Haram fighters seized 14 women near Gwoza on Tuesday, local sources said.",
    ),
    ("en-weapons-seized", "The group published photographs of weapons it said had been seized."),
    ("ar-until-goal", "وقال القائد إن العمليات مستمرة حتى «تطهير آخر شبر من أرض المحافظة»"),
    ("ar-the-idea-of", "تخلى مقاتلو التنظيم عن فكرة السيطرة على المدن وتحولوا إلى مجموعات متنقلة"),
    (
        "ar-club-named-army",
        "انتزع الفريق فوزا ثمينا في الجولة العاشرة من البطولة ليستعيد صدارة الترتيب بفارق نقطتين عن الجيش الملكي",
    ),
    (
        "ar-relative-of-last-year",
        "منذ سيطرة المتمردين على المدينة في أكتوبر 2025، والتي قالت الأمم المتحدة إن آلاف المدنيين قتلوا خلالها",
    ),
]
STILL_NEWS_16 = [
    (
        "ar-against-toll",
        "صد الجيش الهجوم ما أسفر عن مقتل 20 من المهاجمين، مقابل مقتل ثلاثة جنود",
        "casualty_update",
    ),
    (
        "ar-retook-today",
        "دخل الجيش اليوم مدينة سنجة التي سقطت في حزيران 2023 بيد الدعم السريع",
        "territorial_change",
    ),
]
FIGURES_16 = [
    ("ar-mother-wounded", "مقتل طفل وإصابة والدته برصاص قناص في تعز", [("injured", 1.0), ("killed", 1.0)]),
    (
        "ar-a-third-wounded",
        "مقتل عنصرين وإصابة ثالث بهجوم على حاجز في دير الزور",
        [("injured", 1.0), ("killed", 2.0)],
    ),
    ("ar-thousands-no-count", "قالت الأمم المتحدة إن آلاف المدنيين قتلوا في المدينة هذا الأسبوع", []),
    (
        "ar-against-toll",
        "أسفر الهجوم عن مقتل 20 من المهاجمين، مقابل مقتل ثلاثة جنود",
        [("killed", 3.0), ("killed", 20.0)],
    ),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_16], ids=[t[0] for t in NOT_NEWS_16])
def test_set16_objects_goals_clubs_and_dated_clauses(text: str) -> None:
    assert _labels(text) == []


@pytest.mark.parametrize(("text", "label"), [t[1:] for t in STILL_NEWS_16], ids=[t[0] for t in STILL_NEWS_16])
def test_set16_forms_that_report_a_development(text: str, label: str) -> None:
    assert label in _labels(text)


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in FIGURES_16], ids=[t[0] for t in FIGURES_16])
def test_set16_figures(text: str, expected: list[tuple[str, float]]) -> None:
    assert _figures(text) == expected


# Set 17: a sentence that opens with how long ago it happened; hours recalled; the kidnapped freed.
NOT_NEWS_17 = [
    ("ar-a-year-ago", "قبل عام، اجتاحت قوات الدعم السريع مدينة الجنينة وقتل المئات خلال أيام."),
    ("en-two-years-ago", "Two years ago, the militants overran the town and killed dozens of villagers."),
    ("ar-recall-those-hours", "ناجون في مخيمات النزوح يستعيدون تلك الساعات"),
    ("ar-kidnapped-freed", "الشرطة تحرر تسعة مخطوفين من قبضة عصابة مسلحة"),
]


@pytest.mark.parametrize("text", [t[1] for t in NOT_NEWS_17], ids=[t[0] for t in NOT_NEWS_17])
def test_set17_the_past_recalled_and_people_freed(text: str) -> None:
    assert _labels(text) == []
