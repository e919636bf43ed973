"""What a trigger acts on: a capture verb whose object is people, goods, a match, talks or a price
("seized 2 tonnes of cocaine", "withdrew from the talks", "the pound fell to a record low"); "liberation"
in an organisation's name; a figurative surrender or kill ("surrender a 14-point lead", "killed the bill");
deaths from nature, disease or accident, which are not conflict casualties.
"""

from __future__ import annotations

import re
from typing import Final

from .normalize import fold_pattern
from .scan import WordScanner, dispatch

__all__ = [
    "civilian_context",
    "is_not_a_victim_or_surrender",
    "is_object_not_territory",
    "non_conflict_deaths",
]

_PERSON_OBJECT_EN: Final = re.compile(
    r"^\s*(?:(?:of|over)\s+)?(?:(?:at least|about|some|more than|over)\s+)?"
    # up to three words of the object's noun phrase: not a preposition or conjunction, which would
    # end the object ("took over the town after rebel fighters withdrew")
    r"(?:(?!(?:after|before|from|in|on|at|as|when|while|and|with|by|near|to|into|following|during|amid"
    # (a comma ends it too, except in a number: "seized 2,000 rifles", not "seize Lalibela, residents say")
    r"|once|where|until)\b)[\w.-]+(?:,\d+)*\s+){0,3}?"
    r"(?:fighters|militants|soldiers|members|prisoners|commanders?|leaders?|pilots?|weapons|ammunition"
    r"|vehicles|tanks|rifles|drugs|suspects|people|civilians|hostages|troops|jihadists|insurgents"
    # people seized: "fighters seized 14 women who had left a camp"
    r"|women|men|children|girls|boys|villagers|farmers|students|passengers|travell?ers|worshippers|residents"
    r"|title|trophy|cup|championship|league|award|medals?|hearts?|attention|imagination|footage|images?"
    r"|market(?!\s+(?:towns?|city|village))|votes?|seats?|share|momentum|match|game|race|tournament|final|lead"
    r"|initiative|ball"
    # goods, cargo and money ("seized 2 tonnes of cocaine", "seized three aid trucks")
    r"|tonnes?|tons?|kilograms?|kilos?|kg|cocaine|heroin|cannabis|hashish|captagon|pills|cash|money|funds"
    r"|assets|documents|passports|trucks?|lorries|cars?|boats?|ships?|vessels?|tankers?|aircraft|drones?"
    # bodies and organisations ("took control of the cricket board", "seized the club")
    # but their buildings are places: "seized the council building"
    r"|(?:board|council|committee|federation|association|club|compan(?:y|ies)|firm|franchise|union)"
    r"(?!\s+(?:building|headquarters|hq|offices?|compound|premises|chambers?|hall))"
    r"|shipments?|cargo|consignments?|equipment|explosives|missiles?|rockets?|guns|arms|propert(?:y|ies)"
    r"|goods|contraband|power(?!\s+(?:plant|station|grid))"
    # markets and box offices: "capture record highs", "captures $25.7 million"
    r"|highs?|lows?|records?|headlines|revenue|sales|audiences?|viewers|[$€£])\b"
)
_PERSON_BEFORE_EN: Final = re.compile(
    r"\b(?:fighters|militants|soldiers|members|prisoners|commanders?|leaders?|pilots?|suspects|people"
    r"|civilians|hostages|troops|jihadists|insurgents|journalists|workers|men|women|children|officers"
    r"|policemen|sailors|crew|tourists|nationals|citizens|students|villagers|residents|drivers|passengers"
    r"|farmers|traders|staff|employees|aid workers|him|her|them"
    # materiel: "weapons it said had been seized"
    r"|weapons|arms|ammunition|equipment|vehicles)\s+"
    # a passive auxiliary: "were captured", "had been seized", "were reportedly captured"; "troops have
    # captured" is an active perfect and keeps its place object
    r"(?:(?:who|that|which|it said|they said)\s+)?"
    r"(?P<aux>(?:(?:had|have|has)\s+)?(?:were|was|are|is|being|been)\s+"
    r"(?:(?:reportedly|later|also)\s+)?)?$"
)
_PERSON_OBJECT_AR: Final = re.compile(
    fold_pattern(
        # "part of" leads to the noun that decides: "جزءا من خسائرها" (not a place), "جزءا من مدينة" (a place)
        r"^\s*(?:\S+\s+)?(?:(?:أكثر من|نحو|حوالي)\s+)?(?:\d[\d,.]*\s+(?:من\s+)?)?(?:جزءا? من\s+)?(?:ال)?"
        r"(?:أسلحة|ذخائر|آليات|دبابة|دبابات|مستودع|مخزن|عناصر|مقاتلين|مسلحين"
        # people freed: "حررت القوات 12 مختطفا"
        r"|مختطف\S*|مخطوف\S*|رهائن|رهينة|أسرى|أسير\S*|محتجز\S*|معتقل\S*|مواشي\S*|ماشية|أغنام|قطعان"
        # people freed, after their number: "تحرير 18 شخصا" (not "مدينة ود مدني")
        r"|(?<=\d )(?:من )?(?:ال)?(?:شخص\S*|أشخاص|مواطن\S*|مدني\S*|نساء|أطفال|طالب\S*|تلميذ\S*|تلاميذ"
        r"|ركاب|راكب\S*)"
        # mines cleared: "ينتزع أكثر من 1200 لغم"
        r"|لغم|ألغام|ذخيرة|عبوة|عبوات"
        # not an area: a match, a market, a fire, power
        r"|مجريات|المباراة|مباراة|اللقاء|الشوط|الكرة|الاستحواذ|المنافسة|البطولة|الدوري|اللقب|الكأس|السوق"
        r"|الأسواق|الأسعار|حصة|البورصة|الأسهم|الحريق|الحرائق|النيران|الحكم|السلطة|مشاعر|أعصاب"
        # a fire, seats and votes, a club: "تسيطر على حريق", "تستولي على غالبية مقاعد المجلس"
        r"|حريق|حرائق|نيران|مقاعد|المقاعد|مقعد|أصوات|الأصوات|النادي|ناد|مجلس إدارة"
        # value, standing, systems and prices: "تستعيد جزءا من خسائرها", "تحرير سعر الصرف"
        r"|خسائر\S*|قيمت\S*|مكانت\S*|ثقة|الثقة|عافيت\S*|توازن\S*|صدارة|الصدارة|منظومة|نظام|أنظمة"
        r"|الأنظمة|حسابات|البيانات|الخوادم|سعر|أسعار|صرف|العملة|التجارة"
        # a landmark or a city's life: "الموصل القديمة تستعيد مئذنتها الحدباء", "تستعيد هدوءها"
        r"|مئذن\S*|بريق\S*|رونق\S*|حيويت\S*|نشاط\S*|هدوء\S*|الهدوء|ذاكرت\S*|أنفاس\S*"
        # goods, cargo and money
        r"|شاحنة|شاحنات|سفينة|سفن|ناقلة|أموال|ممتلكات|مساعدات|شحنة|شحنات|أطنان|طن|مخدرات)(?!\w)"
    )
)
_FIRE_BEFORE_AR: Final = re.compile(fold_pattern(r"(?<!\w)(?:ال)?(?:حريق|حرائق)(?!\w)[^.،,]*$"))
_MEMORIES_AR: Final = re.compile(
    fold_pattern(
        r"(?:\s+\S+){0,3}?\s+(?:(?:ال)?(?:ذكريات|ذكرى)"
        r"|(?:تلك|ذلك|هذه) (?:ال)?(?:ساعات|أيام|لحظات|مشاهد|تفاصيل))(?!\w)"
    )
)
# "خسر المنتخب أمام نظيره", "خسرت الليرة 5% من قيمتها": a defeat in a match or a vote, a loss in value.
_LOST_GAME_AR: Final = re.compile(
    fold_pattern(
        r"(?: \S+){0,4}? (?:أمام|بنتيجة|مباراة|المباراة|مباراته|بركلات|نقطة|نقاط|الانتخابات|مقاعد|مقعد"
        r"|اللقب|لقب"
        r"|البطولة|الدوري|الكأس|نهائي|قيمت\S*|\d[\d.,]*\s*(?:%|٪|بالمئة|في المئة))(?!\w)"
    )
)
_LOST_AR: Final = re.compile(fold_pattern(r"[وف]?[يت]?خسر"))
# Withdrawing from talks, a deal or a race, or being forced out of one's home, is not losing ground:
# "withdrew from the peace talks", "انسحبت من الاتفاق".
_NOT_A_PLACE_WORDS_EN: Final = (
    r"talks|negotiations|agreement|accord|deal|treaty|race|elections?|coalition|government|tournament"
    r"|competition|match|league|contract|project|programme|program|process|summit|conference|ceasefire"
    r"|truce|pact|alliance|union|organi[sz]ation|court|convention|bid|contest|plans?|sale|championship"
    r"|cup|games|olympics|parliament|cabinet|mission|initiative|dialogue|framework|scheme|vote|hearing"
    # "residents were forced out of their homes", "driven out of office"
    r"|homes?|houses?|jobs?|office|power|business|work|school"
)
_NOT_A_PLACE_EN: Final = re.compile(
    r"\s*(?:(?:the|a|an|its|their|his|her)\s+)?"
    r"(?:(?!(?:after|before|from|in|on|at|as|when|while|and|with|by|near|to|into|following|during|amid)\b)"
    r"[\w'-]+\s+){0,3}?(?:" + _NOT_A_PLACE_WORDS_EN + r")\b"
)
_NOT_A_PLACE_AR: Final = re.compile(
    fold_pattern(
        r"\s*(?:ال)?(?:مفاوضات|محادثات|اتفاق|اتفاقية|معاهدة|سباق|انتخابات|حكومة|ائتلاف|تحالف|بطولة|مباراة"
        r"|منافسة|مؤتمر|قمة|هدنة|عملية السلام|مسابقة|صفقة|برلمان|جلسة|حوار|عضوية|منظمة|مشروع|خطة)(?!\w)"
    )
)
# "fell to a record low", "fell by 5%", "fell to 150,000 barrels": a quantity, not a place, fell.
_FELL_QUANTITY: Final = re.compile(
    r"^\s*(?:(?:sharply|steeply|further|again|slightly)\s+)?(?:(?:to|by|below|under)\s+)?"
    r"(?:(?:a|an|its|their|the)\s+)?(?:(?:new|fresh|record|all-time|multi-year|[\w-]+-year)\s+)?"
    r"(?:record|lows?|lowest|highs?|level|zero|(?:about|around|nearly|some|under|just)?\s*[$€£]?\d"
    r"(?![\d,.]*\s+(?:fighters|militants|rebels|troops|forces|soldiers|men|jihadists|insurgents)\b))"
)


# "Liberation" in an organisation's name is no capture: "the National Liberation Army", "Front for the
# Liberation of ...", "جيش التحرير الوطني", "جبهة تحرير ...".
_ORG_AFTER_EN: Final = re.compile(
    r"\s+(?:army|front|movement|organi[sz]ation|tigers|forces|party|council|committee|struggle|theology)\b"
)
_ORG_BEFORE_EN: Final = re.compile(
    r"\b(?:front|movement|army|council|organi[sz]ation|party|committee|union)\s+for\s+(?:the\s+)?$"
)
_LIBERATION_AR: Final = fold_pattern("تحرير")
_ORG_BEFORE_AR: Final = re.compile(
    fold_pattern(
        # a construct's first term takes no article: "جيش تحرير" is a name, "أعلن الجيش تحرير" is not
        r"(?<!\w)[وفبل]?(?:جيش|جبهة|حركة|هيئة|منظمة|ألوية|لواء|كتائب|كتيبة|مجلس|نمور|حزب|فصائل|فصيل)\s+$"
    )
)


def _organisation_name(text: str, start: int, end: int, lang: str) -> bool:
    """The capture trigger "liberation"/"تحرير" is part of an organisation's name."""
    if lang == "ar":
        return (
            _LIBERATION_AR in text[start:end]
            and _ORG_BEFORE_AR.search(text, max(0, start - 14), start) is not None
        )
    return text.startswith("liberation", start) and (
        _ORG_AFTER_EN.match(text, end) is not None
        or _ORG_BEFORE_EN.search(text, max(0, start - 30), start) is not None
    )


def is_object_not_territory(text: str, start: int, end: int, lang: str, family: str) -> bool:
    """True when a capture verb takes people, materiel or a non-military object ("captured 20 fighters",
    "سيطر الفريق على مجريات المباراة"), when "fell" is a price or output falling ("the pound fell to a
    record low"), or when "خسر" is a defeat in a match or a vote; "liberation" in an organisation's name."""
    if family == "capture" and _organisation_name(text, start, end, lang):
        return True
    after = text[end : end + 40]
    if lang == "ar":
        if family == "lose":
            if _LOST_AR.match(text, start, end):
                return _LOST_GAME_AR.match(text, end, end + 60) is not None
            return _NOT_A_PLACE_AR.match(after) is not None
        # "استعاد أهالي المدينة القديمة ذكريات الأشهر التسعة": memories, not ground; "حريق محدود جرت
        # السيطرة عليه": a fire brought under control
        return (
            _PERSON_OBJECT_AR.match(after) is not None
            or _MEMORIES_AR.match(after) is not None
            or _FIRE_BEFORE_AR.search(text, max(0, start - 30), start) is not None
        )
    if family == "lose":
        return _NOT_A_PLACE_EN.match(after) is not None
    if text.startswith(("fell", "falls", "fall of"), start):
        return _FELL_QUANTITY.match(after) is not None
    if _PERSON_OBJECT_EN.match(after) is not None:
        return True
    # "two soldiers were captured by militants", "journalists seized by gunmen": people, not a place.
    if not text.startswith(("captured", "seized"), start):
        return False
    person = _PERSON_BEFORE_EN.search(text, max(0, start - 40), start)
    # Passive only: an auxiliary before ("were captured") or an agent after ("captured by"); "fighters
    # seized three villages" is active and keeps its place object.
    return person is not None and (person.group("aux") is not None or after.startswith(" by "))


# "Oil prices surrender early gains", "surrender a 14-point lead", "الفريق يستسلم أمام منافسه": a market or
# a team giving up ground in a figurative sense; "House kills aid package", "killed the bill": a proposal.
_SURRENDER_OBJECT_EN: Final = re.compile(
    r"\s+(?:(?:its|their|his|her|the|a|an|all|some|most|much|early|recent|earlier|[\w.-]*\d[\w.-]*|\w+-\w+)"
    r"\s+){0,3}"
    r"(?:gains?|lead|advantage|title|crown|points?|initiative|momentum|edge|ground\s+to\s+rivals|profits?"
    r"|rights?|privacy|passports?|licen[cs]es?|data|documents|(?:whole\s+)?regions|sovereignty)\b"
)
_SURRENDER_FIGURATIVE_AR: Final = re.compile(
    fold_pattern(
        r"[\"']?\s+(?:\S+\s+)?(?:أمام|للهزيمة|للأمر الواقع|لليأس|للنوم|للتعب|للإغراء|لضغوط"
        r"|لهدف\S*|لأهداف|للخسارة|لإملاءات|لمطالب|لضغط\S*)(?!\w)"
    )
)
_SURRENDER_TERMS_EN: Final = re.compile(
    r"\s+(?:offers?|deals?|terms|talks|negotiations|demands?|ultimatums?|calls?|appeals?|deadlines?|proposals?"
    r"|plans?)\b"
)
_KILL_OBJECT_EN: Final = re.compile(
    r"\s+(?:(?:the|a|an|its|their|his|her|any|off)\s+)?(?:[$€£]|(?:[\w.-]+\s+){0,3}?"
    r"(?:bills?|package|deal|proposals?|plans?|legislation|motion|measures?|amendments?|projects?|story"
    r"|stories|rumou?rs?|ideas?|talks|reform|programme|program|initiative|buzz|mood|chances?|hopes?"
    r"|momentum|time|engines?|lights?|process)\b)"
)
_PATIENTS: Final = re.compile(fold_pattern(r"\s*(?:and (?:the )?(?:sick|ill)\b|و(?:ال)?(?:مريض|مرضى)(?!\w))"))
_KILL_VERB_EN: Final = ("kill ", "kills ", "killed ", "killing ")
_FAMILIES_OF: Final = re.compile(
    fold_pattern(
        r"(?:\b(?:families|relatives|father|mother|widow)\s+of\s+(?:one\s+of\s+)?(?:the\s+)?"
        r"|(?<!\w)[وفل]?(?:عائلات|عائلة|أسر|ذوي|أهالي|أقارب|والد|والدة|شقيق|شقيقة|أرملة)\s+(?:أحد\s+)?)$"
    )
)


# "'Surrender is not on the table'": a refusal
_SURRENDER_REFUSED_EN: Final = re.compile(
    r"['\"’]?\s+(?:is|was|remains)\s+(?:not|never|no longer|out of the question|off the table)\b"
)


def is_not_a_victim_or_surrender(text: str, start: int, end: int, lang: str, family: str) -> bool:
    """True when "surrender" gives up gains or a lead, or surrenders before an opponent (a match), when
    "kill" takes a bill, a plan or money as its object (figurative senses, no fighters or victims), when
    the dead are the victims' relatives and when the wounded are patients with the sick."""
    after = text[end : end + 50]
    if family == "surrender":
        if lang == "ar":
            return _SURRENDER_FIGURATIVE_AR.match(after) is not None
        # "weighs a surrender offer": the terms of a surrender, not one
        return (
            _SURRENDER_OBJECT_EN.match(after) is not None
            or _SURRENDER_TERMS_EN.match(after) is not None
            or _SURRENDER_REFUSED_EN.match(after) is not None
        )
    if lang == "en" and text.startswith(_KILL_VERB_EN, start):
        return _KILL_OBJECT_EN.match(after) is not None
    if family == "injure" and _PATIENTS.match(after):
        return True  # "16 ألف جريح ومريض ينتظرون السفر للعلاج": patients waiting, no new toll
    # "the victims' families", "عائلات الضحايا": relatives of the dead, no new toll
    return family == "kill" and _FAMILIES_OF.search(text, max(0, start - 24), start) is not None


# Deaths from nature, disease or accident are not conflict casualties ("Earthquake kills 1,000", "Cholera
# outbreak kills 120", "غرق مركب مهاجرين ومقتل 61"), unless a cause of violence is named in the same
# sentence ("a landmine killed", "an air strike flattened a building, killing 12", "لغم يقتل 4 أطفال").
_NON_CONFLICT_EN: Final = WordScanner(
    dispatch(
        r"(?:earthquakes?|quakes?|tremors?|aftershocks?|floods?|flooding|floodwaters?|landslides?|mudslides?"
        r"|storms?|cyclones?|hurricanes?|typhoons?|tornado(?:es)?|heat\s?waves?|extreme heat"
        r"|heatstroke|wildfires?"
        r"|bushfires?|forest fires?|avalanches?|volcan\w*|eruptions?|tsunamis?|lightning|blizzards?|monsoons?"
        r"|heavy rains?|droughts?|cholera|outbreaks?|epidemics?|pandemic|diseases?|virus|covid\w*|coronavirus"
        r"|measles|malaria|dengue|ebola|mpox|meningitis|diphtheria|crash(?:es|ed)?|collisions?|collided"
        r"|malnutrition|malnourished|famine|starvation|hunger|feeding cent(?:re|er)s?|nutrition\w*"
        r"|derail\w*|capsiz\w*|shipwrecks?|sank|sinks|sinking|drown\w*|stampedes?|collapsed?|collapses"
        r"|gas\s+(?:leak|explosion|cylinder)s?|accidents?|accidental(?:ly)?|electrocut\w*|food poisoning"
        r"|(?:filling|petrol|gas|fuel) stations?"
        r"|overdoses?|plunged|ravine|road (?:accident|crash)|road safety|tankers?|brake failure|overturned"
        r"|infections?|bacteri\w*"
        r"|superbugs?)"
    )
    + r"\b"
)
_CONFLICT_EN: Final = WordScanner(
    dispatch(
        r"(?:strikes?|air\s?strikes?|air\s?raids?|raids?|shell(?:s|ed|ing|fire)|bomb\w*|missiles?|rockets?"
        r"|drones?|artillery|mortars?|attack\w*|gunm[ae]n|gunfire|gunshots?|shot|shooting|snipers?|fire\s+from"
        r"|opened\s+fire|land\s?mines?|mines?\s+explo\w*|unexploded|ordnance|ieds?|explosives?|suicide"
        # not "war", "battle" or "combat": "quake kills 50 in war-torn Syria", "losing the war on superbugs"
        r"|militants?|insurgents?|jihadists?|clashes|fighting|warplanes?|aircraft|ambush\w*|massacr\w*"
        r"|militias?|terror\w*|shot\s+down|hostilities|offensive|siege|shelled|sniper)"
    )
    + r"\b"
)
_P_AR: Final = fold_pattern(r"[وفبل]?(?:ال)?")


def _dispatch_ar(words: str) -> str:
    """An Arabic word alternation, folded, regrouped by first letter (scan.dispatch): the same matches."""
    return dispatch(fold_pattern(words))


_NON_CONFLICT_AR: Final = WordScanner(
    _P_AR
    + _dispatch_ar(
        r"(?:زلزال|زلازل|هزة أرضية|هزات أرضية|فيضان|فيضانات|سيول|أمطار|عاصفة|عواصف|إعصار|انهيار\S*"
        r"|حادث|حادثة|حوادث|تصادم|اصطدام|غرق|غرقى|كوليرا|وباء|أوبئة|تفشي|مرض|أمراض|فيروس|كورونا|حصبة|ملاريا"
        r"|سوء التغذية|المجاعة|مجاعة|الجوع"
        r"|حمى|حرائق الغابات|موجة حر|الحر الشديد|صاعقة|انزلاق\S*|تدافع|تسمم|جفاف|انفجار غاز|المرور"
        r"|انقلاب (?:حافلة|سيارة|شاحنة|مركبة)|السرعة المفرطة"
        r"|أسطوانة غاز)"
    )
    + r"(?!\w)"
)
_CONFLICT_AR: Final = WordScanner(
    _P_AR
    + _dispatch_ar(
        r"(?:غارة|غارات|قصف\S*|قذيف\S*|قذائف|صاروخ\S*|صواريخ|مسير\S*|هجوم\S*|هجمات|اشتباك\S*"
        r"|مسلح\S*|لغم|ألغام|مخلفات الحرب|عبوة|عبوات|ناسف\S*|تفجير\S*|رصاص|قناص\S*|انتحاري\S*|معارك|معركة"
        r"|احتلال|مستوطن\S*|مجزرة|مذبحة|كمين|ميليشي\S*|إرهاب\S*|استهداف|استهدف\S*|مدفعي\S*|إطلاق نار"
        r"|إطلاق النار|نيران|اعتداء\S*)"
    )
    + r"(?!\w)"
)


# Crime is violence outside armed conflict: "suspects shot dead after a cash-in-transit heist".
_CRIME_EN: Final = WordScanner(
    dispatch(
        r"(?:heists?|robbery|robberies|robbers?|burglar\w*|carjack\w*|cash-in-transit|mugg\w*|shoplift\w*"
        r"|domestic (?:dispute|violence)|road rage|(?:family|gang|blood) feuds?|gang-related|gangland"
        r"|land dispute)"
    )
    + r"\b"
)
_CRIME_AR: Final = WordScanner(
    _P_AR + _dispatch_ar(r"(?:سطو|سرقة|سرقات|لصوص|لص|شجار|مشاجرة|خلاف عائلي|خلافات عائلية|ثأر)") + r"(?!\w)"
)
# Armed forces and armed groups, and their weapons: a sentence naming none of them and naming a match,
# a market or a vote uses "seized", "captured", "surrendered" figuratively ("seized control of the title
# race", "captured a third of the market", "the prime minister surrendered on the budget").
_MILITARY_EN: Final = WordScanner(
    dispatch(
        r"(?:troops|forces|army|armies|military|soldiers?|militants?|fighters|insurgen\w*"
        r"|jihadists?|militias?|militiamen|paramilitar\w*|guerrillas?|battalions?|brigades?|regiments?"
        r"|garrisons?|junta|offensive|front\s?lines?|shell(?:s|ed|ing)|air\s?strikes?|drones?|artillery"
        r"|missiles?|rockets?|warplanes?|tanks|gunmen|ambush\w*|al-shabaab|taliban|hamas|hezbollah"
        r"|houthis?|wagner|isis|isil|daesh|rsf|m23|sdf|idf|separatists?|islamists?|gangs?(?![\s-]+(?:feud|related))"
        r"|rebels|gang members"
        r"|cartels?|extremists|terrorists|mercenar\w*)"
    )
    + r"\b"
)
_CIVIL_EN: Final = WordScanner(
    dispatch(
        r"(?:match(?:es)?|league|title(?: race)?|cup|qualifiers?|qualifying|tournament|championship|season"
        r"|goals?|striker|midfielder|goalkeeper|coach|stadium|fans|points?\s+(?:against|from|at|in)|draw"
        r"|\d+-\d+|market(?: share)?|shares|stocks?|investors|revenue|sales|profits?|automaker|carmaker"
        r"|compan(?:y|ies)|brand|box office|customers|parliament|lawmakers?|mps|central bank"
        r"|inflation|interest rates?"
        r"|opposition leader|backbench\w*|by-elections?|elections?|voters|polls|budget)"
    )
    + r"\b"
)
_MILITARY_AR: Final = WordScanner(
    _P_AR
    + _dispatch_ar(
        r"(?:قوات|جيش|جنود|جندي|مقاتل\S*|عناصر|فصائل|فصيل|ميليشي\S*|مليشي\S*|مسلح\S*|تنظيم|الدعم السريع"
        r"|عسكري\S*|لواء|كتيبة|كتائب|فرقة|داعش|حوثي\S*|حماس|حزب الله|قسد|هيئة تحرير الشام|متمرد\S*|ثوار"
        r"|غارة|غارات|قصف\S*|مدفعي\S*)"
    )
    + r"(?!\w)"
)
_CIVIL_AR: Final = WordScanner(
    _P_AR
    + _dispatch_ar(
        r"(?:منتخب|مباراة|مباريات|شوط|دوري|كأس|بطولة|تصفيات|ملعب|بهدفين|نادي|مدرب|لاعب\S*"
        r"|جماهير|أسهم|بورصة|مبيعات|شركة|برلمان|انتخاب\S*|مقعد\S*|مقاعد|نواب|ناخبين|موازنة|ليرة|دولار|عملة"
        r"|مصرف|تضخم|ديربي|بثنائية|بثلاثية|برباعية|بخماسية|فوز\S*|الصدارة|صدارة)"
    )
    + r"(?!\w)"
)


def non_conflict_deaths(text: str, s0: int, s1: int, lang: str) -> bool:
    """The sentence text[s0:s1] names a natural, medical or accidental cause of death and no violent one,
    or a crime and no armed force."""
    if lang == "ar":
        natural, violent, crime, armed = _NON_CONFLICT_AR, _CONFLICT_AR, _CRIME_AR, _MILITARY_AR
    else:
        natural, violent, crime, armed = _NON_CONFLICT_EN, _CONFLICT_EN, _CRIME_EN, _MILITARY_EN
    if natural.search(text, s0, s1) >= 0 and violent.search(text, s0, s1) < 0:
        return True
    return crime.search(text, s0, s1) >= 0 and armed.search(text, s0, s1) < 0


def civilian_context(text: str, s0: int, s1: int, lang: str) -> bool:
    """The sentence text[s0:s1] is about a match, a market or politics and names no armed force."""
    civil, armed = (_CIVIL_AR, _MILITARY_AR) if lang == "ar" else (_CIVIL_EN, _MILITARY_EN)
    at = civil.search(text, s0, s1)
    if at < 0:
        return False
    # three words of a match, a market or a vote outweigh a club's name ("الجيش الملكي", "Police FC")
    second = civil.search(text, at + 1, s1)
    if second >= 0 and civil.search(text, second + 1, s1) >= 0:
        return True
    if lang == "en" and "rebels" in text[s0:s1]:
        # "surrenders to backbench rebels": a party's dissenters are no armed force
        text, s0, s1 = _POLITICAL_REBELS.sub(_blank, text[s0:s1]), 0, s1 - s0
    return armed.search(text, s0, s1) < 0


_POLITICAL_REBELS: Final = re.compile(r"\b(?:backbench|tory|labour|party|conservative|republican)\s+rebels\b")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())
