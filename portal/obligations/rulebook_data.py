"""The rulebook as data: deadline rules of the UCC acts, one row per version of a clause.

An obligation is computed under the version in force on its trigger date
(``rule_for(key, on)``), so old obligations stay explainable after the rules change.
Every clause number and term below was checked against the Kazakh seed texts in
../shared/seeds/ (beside the checkout); the comment above each rule quotes the source sentence.

Editions and how their dates were fixed. Ministerial orders enter into force "after
ten calendar days have passed since the day of their first official publication":
days 1-10 after publication pass and the act applies from day 11.
- Order No. 130 of 18.02.2015 (seed 001): first published in "Егемен Қазақстан" on
  09.07.2015, No. 129 (28607), as Order No. 81 (seed 004, cl. 2) records -> 20.07.2015.
  Repealed by Order No. 81, so it ends the day before No. 81 starts.
- Order No. 81 of 26.01.2016 (seed 004): registered 29.02.2016 (No. 13339); in force
  ten days after publication "but not before 01.03.2016". The seeds do not give the
  publication date; the earliest possible one is the registration day, hence
  11.03.2016. The seed holds the text as amended by No. 85/НҚ of 05.03.2020 (new
  wording of cl. 5, 7, 11, 12 and the annexes); the wording before 2020 is not in the
  seeds and is taken to carry the same terms. Repealed by No. 368/НҚ of 04.10.2022
  (ten days after publication; date not in the seeds; earliest 15.10.2022).
- Order No. 83 of 26.01.2016 as amended by No. 292/НҚ of 28.07.2023 (seed 000): in
  force ten days after publication (cl. 5 of No. 292/НҚ); publication date not in the
  seeds, the earliest possible entry into force is 08.08.2023.
- Between 15.10.2022 and 07.08.2023 the interaction rules were in Order No. 83 as
  amended by No. 368/НҚ, whose text is not in the seeds: that span is a declared GAP
  and ``rule_for`` refuses to guess there.
- Order No. 452 of 14.06.2013 (seed 002), cl. 12 as worded by No. 98/НҚ of 18.03.2020
  (earliest entry into force 29.03.2020; the older wording is not in the seeds).
- Order No. 155/НҚ of 24.04.2020 (seed 003): registered 27.04.2020 (No. 20495), so in
  force 08.05.2020 at the earliest; cl. 4 was not touched by No. 364/НҚ of 2022.
The seeds are in Kazakh only: the Russian titles and descriptions are translations.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from portal.obligations.rulebook_texts import TEXTS as _TEXTS
from portal.obligations.rulebook_texts import TEXTS_2015 as _TEXTS_2015

DeadlineKind = Literal[
    "working_days",  # N working days after the trigger day (portal.calendar.workdays)
    "hours",  # N clock hours after the trigger moment
    "working_hours",  # N working hours (ICT processing regulation, cl. 37)
    "day_of_next_month",  # by day N of the month after the reporting month
    "hours_before",  # at least N hours before the event (planned outage)
    "immediately",  # "дереу": no counted term, value 0
    "next_working_day",  # no later than the next working day, value 1
    "no_term",  # the act requires the step but sets no term, value 0
]
Actor = Literal["ucc", "agency", "informatization_body", "service_recipient"]


@dataclass(frozen=True)
class RuleSpec:
    """One version of one deadline rule, valid from effective_from to effective_to inclusive."""

    key: str
    act_number: str
    act_date: date
    act_title_kk: str
    act_title_ru: str
    amended_by: str | None
    clause: str
    effective_from: date
    effective_to: date | None
    trigger: str
    deadline_kind: DeadlineKind
    deadline_value: int
    actor: Actor
    description_kk: str
    description_ru: str
    source: str  # seed file prefix in ../shared/seeds

    def is_in_force(self, on: date) -> bool:
        """True when this version applies to an obligation triggered on `on`."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def citation(self, locale: str = "kk") -> str:
        """Short reference for the UI ("Rules No. 83, cl. 20"): "Правила № 83, п. 20"."""
        if locale.startswith("ru"):
            return f"Правила № {self.act_number}, п. {self.clause}"
        return f"№ {self.act_number} Қағидалар, {self.clause}-тармақ"


@dataclass(frozen=True)
class RulebookGap:
    """A span where the edition of `act_number` in force is known but not in the seeds."""

    start: date
    end: date
    act_number: str
    reason: str

    def covers(self, rule: RuleSpec, first: date, last: date) -> bool:
        """True when the hole first..last before a version of rule's act lies inside the gap."""
        return rule.act_number == self.act_number and self.start <= first and last <= self.end


def _in_force_after_publication(published: date) -> date:
    """First day of application of an act "ten calendar days after first publication"."""
    return published + timedelta(days=11)


_Row = tuple[str, str, str, DeadlineKind, int, Actor]  # key, clause, trigger, kind, value, actor


@dataclass(frozen=True)
class _Edition:
    act_number: str
    act_date: date
    title_kk: str
    title_ru: str
    amended_by: str | None
    effective_from: date
    effective_to: date | None
    source: str

    def rules(
        self,
        *rows: _Row,
        texts: Mapping[str, tuple[str, str]] | None = None,
        amended: Mapping[str, str] | None = None,
    ) -> tuple[RuleSpec, ...]:
        """RuleSpecs of this edition; texts/amended override per key/clause where they differ."""
        return tuple(self._spec(row, texts or {}, amended or {}) for row in rows)

    def _spec(
        self, row: _Row, texts: Mapping[str, tuple[str, str]], amended: Mapping[str, str]
    ) -> RuleSpec:
        key, clause, trigger, kind, value, actor = row
        kk, ru = texts.get(key) or _TEXTS[key]
        return RuleSpec(
            key=key,
            act_number=self.act_number,
            act_date=self.act_date,
            act_title_kk=self.title_kk,
            act_title_ru=self.title_ru,
            amended_by=amended.get(clause, self.amended_by),
            clause=clause,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            trigger=trigger,
            deadline_kind=kind,
            deadline_value=value,
            actor=actor,
            description_kk=kk,
            description_ru=ru,
            source=self.source,
        )


_ORDER_81_START = _in_force_after_publication(date(2016, 2, 29))
_ORDER_81_END = _in_force_after_publication(date(2022, 10, 4)) - timedelta(days=1)
_ORDER_83_2023_START = _in_force_after_publication(date(2023, 7, 28))

GAPS: tuple[RulebookGap, ...] = (
    RulebookGap(
        _ORDER_81_END + timedelta(days=1),
        _ORDER_83_2023_START - timedelta(days=1),
        "83",
        "Order No. 83 as amended by No. 368/НҚ of 04.10.2022: text not in the seeds",
    ),
)

_O130 = _Edition(
    "130",
    date(2015, 2, 18),
    "Мемлекеттік қызметтер көрсету мәселелері жөніндегі бірыңғай байланыс орталығының орталық "
    "мемлекеттік органдармен, облыстардың, республикалық маңызы бар қалалардың, астананың, "
    "аудандардың, облыстық маңызы бар қалалардың жергілікті атқарушы органдарымен, қаладағы "
    "аудандардың, аудандық маңызы бар қалалардың, кенттердің, ауылдардың, ауылдық округтердің "
    "әкімдерімен, сондай-ақ көрсетілетін қызметті берушілермен өзара іс-қимыл қағидаларын "
    "бекіту туралы",
    "Об утверждении Правил взаимодействия единого контакт-центра по вопросам оказания "
    "государственных услуг с центральными государственными органами, местными исполнительными "
    "органами областей, городов республиканского значения, столицы, районов, городов областного "
    "значения, акимами районов в городе, городов районного значения, поселков, сел, сельских "
    "округов, а также услугодателями",
    None,
    _in_force_after_publication(date(2015, 7, 9)),
    _ORDER_81_START - timedelta(days=1),
    "001",
)
_O81 = _Edition(
    "81",
    date(2016, 1, 26),
    "Бірыңғай байланыс-орталығының орталық мемлекеттік органдармен, облыстардың, республикалық "
    "маңызы бар қалалардың, астананың, аудандардың, облыстық маңызы бар қалалардың жергілікті "
    "атқарушы органдарымен, қаладағы аудандардың, аудандық маңызы бар қалалардың, кенттердің, "
    "ауылдардың, ауылдық округтердің әкімдерімен, сондай-ақ көрсетілетін қызметті берушілермен "
    "өзара іс-қимыл қағидаларын бекіту туралы",
    "Об утверждении Правил взаимодействия Единого контакт-центра с центральными государственными "
    "органами, местными исполнительными органами областей, городов республиканского значения, "
    "столицы, районов, городов областного значения, акимами районов в городе, городов районного "
    "значения, поселков, сел, сельских округов, а также услугодателями",
    None,
    _ORDER_81_START,
    _ORDER_81_END,
    "004",
)
_O83 = _Edition(
    "83",
    date(2016, 1, 26),
    "Бірыңғай байланыс орталығы қызметінің және Бірыңғай байланыс орталығының орталық "
    "мемлекеттік органдармен, облыстардың, республикалық маңызы бар қалалардың, астананың "
    "жергілікті атқарушы органдарымен, сондай-ақ көрсетілетін қызметті берушілермен өзара "
    "іс-қимыл қағидаларын бекіту туралы",
    "Об утверждении Правил деятельности Единого контакт-центра и взаимодействия Единого "
    "контакт-центра с центральными государственными органами, местными исполнительными органами "
    "областей, городов республиканского значения, столицы, а также услугодателями",
    "№ 292/НҚ, 28.07.2023",
    _ORDER_83_2023_START,
    None,
    "000",
)
_O452 = _Edition(
    "452",
    date(2013, 6, 14),
    "Мемлекеттік көрсетілетін қызметтерді көрсету мониторингінің ақпараттық жүйесіне "
    "мемлекеттік көрсетілетін қызметті көрсету сатысы туралы деректер енгізу қағидаларын бекіту "
    "туралы",
    "Об утверждении Правил внесения данных о стадии оказания государственной услуги в "
    "информационную систему мониторинга оказания государственных услуг",
    "№ 98/НҚ, 18.03.2020",
    _in_force_after_publication(date(2020, 3, 18)),
    None,
    "002",
)
_O155 = _Edition(
    "155/НҚ",
    date(2020, 4, 24),
    "Проактивті қызмет көрсету қағидасын бекіту туралы",
    "Об утверждении Правил оказания проактивных услуг",
    None,
    _in_force_after_publication(date(2020, 4, 27)),
    None,
    "003",
)

_WD: DeadlineKind = "working_days"
_BY_DAY: DeadlineKind = "day_of_next_month"
_NEXT_WD: DeadlineKind = "next_working_day"
_NO_TERM: DeadlineKind = "no_term"

# Order No. 130 of 18.02.2015 (seed 001).
RULES_2015: tuple[RuleSpec, ...] = _O130.rules(
    # cl. 4: "...тізіліміне енгізілгеннен және мемлекеттік көрсетілетін қызмет стандарты
    # бекітілгеннен кейін, үш жұмыс күн ішінде ... электрондық түрде сұрау салуды жіберіледі."
    ("annex1_request_to_agency", "4", "service_standard_approved", _WD, 3, "ucc"),
    # cl. 5: "Бірыңғай байланыс орталығының сұрау салуын алған сәттен бастап, ... үш жұмыс күні
    # ішінде ... жауапты тұлғаны (бұдан әрі – жауапты тұлға) тағайындайды, ..."
    ("responsible_person_after_request", "5", "annex1_request_received", _WD, 3, "agency"),
    # cl. 5: "...ол тағайындалған сәттен бастап бес жұмыс күнінен аспайтын мерзімде Бірыңғай
    # байланыс орталығына қажетті ақпаратты электрондық түрде ұсынады."
    ("annex1_after_appointment", "5", "responsible_person_appointed", _WD, 5, "agency"),
    # cl. 6: "Ұсынылған ақпаратқа өзгерістер мен толықтырулар енгізілген жағдайда, жауапты тұлға
    # өзгерістер мен толықтырулар енгізілген күннен бастап бес жұмыс күн ішінде ... өзектілендіреді"
    ("info_update_after_amendment", "6", "service_info_changed", _WD, 5, "agency"),
    # cl. 7: "Жауапты тұлғаларды ауыстырған жағдайда, ... бес жұмыс күні ішінде Бірыңғай байланыс
    # орталығына еркін нысанда тиісті хабарлама жібереді..."
    ("responsible_person_replaced_notice", "7", "responsible_person_replaced", _WD, 5, "agency"),
    # cl. 8: "...5-тармағында көрсетілген ақпаратты ұсынғаннан кейін он жұмыс күнінен
    # кешіктірілмейтін мерзімде жауапты тұлға ... оқытуды жүргізеді."
    ("training_after_annex1", "8", "annex1_received", _WD, 10, "agency"),
    # cl. 11: "...орталық мемлекеттік органдар мен жергілікті атқарушы органдар: 1) ...
    # Бірыңғай байланыс орталығына оның сұрау салулары бойынша ... қажетті ақпаратты ұсынады"
    # (no term: the request states its own due date).
    ("info_request_answer", "11", "info_request_sent", _NO_TERM, 0, "agency"),
    # cl. 8: "Оқыту аяқталғаннан кейін ... қабылдау хаттамасы (бұдан әрі – хаттама) жасалады."
    ("protocol_after_training", "8", "training_held", _NO_TERM, 0, "ucc"),
    # cl. 9: "...хаттамаға қол қойылған сәттен бастап бес жұмыс күні өткен соң ұсына бастайды."
    ("consultation_start_after_protocol", "9", "protocol_signed", _WD, 5, "ucc"),
    # cl. 12: "...бір ай ішінде бірнеше рет ... беруден бас тартқан жағдайда, ... ақпаратты
    # ұсынудан бас тарту туралы үш жұмыс күн ішінде хабарлайды."
    ("refusal_notice_to_qc", "12", "repeated_refusal", _WD, 3, "ucc"),
    # cl. 14: "Бірыңғай байланыс орталығы ай сайын келесі айдың бесінші күніне қарай ...
    # талдамалық есеп береді."
    ("monthly_appeals_report", "14", "month_closed", _BY_DAY, 5, "ucc"),
    # cl. 16: "...алшақтықтар туындаған жағдайда, Бірыңғай байланыс орталығы алшақтықтың әр
    # жағдайы бойынша түсіндірме ақпаратты ... дереу ұсынады."
    ("discrepancy_explanation", "16", "discrepancy_request_received", "immediately", 0, "ucc"),
    texts=_TEXTS_2015,
)

_BY_85 = "№ 85/НҚ, 05.03.2020"

# Order No. 81 of 26.01.2016 (seed 004), text as amended by No. 85/НҚ of 05.03.2020.
RULES_2016: tuple[RuleSpec, ...] = _O81.rules(
    # cl. 5 (85/НҚ): "Орталық мемлекеттік орган ... заңға тәуелді нормативтік құқықтық актіні
    # бекіткеннен кейін бес жұмыс күні ішінде ... жауапты тұлғаны тағайындайды және ... жібереді."
    ("annex1_after_bylaw", "5", "bylaw_approved", _WD, 5, "agency"),
    # cl. 6: "...5-тармағында көрсетілген ақпаратты берілгеннен кейін он жұмыс күнінен
    # кешіктірілмейтін мерзімде жауапты тұлға оқытуды жүргізеді..."
    ("training_after_annex1", "6", "annex1_received", _WD, 10, "agency"),
    # cl. 7 (85/НҚ): "Оқыту аяқталғаннан кейін ... қабылдау хаттамасы (бұдан әрі – хаттама)
    # жасалады."
    ("protocol_after_training", "7", "training_held", _NO_TERM, 0, "ucc"),
    # cl. 8: "...хаттамаға қол қойылған күнінен бастап бес жұмыс күні өткен соң бере бастайды."
    ("consultation_start_after_protocol", "8", "protocol_signed", _WD, 5, "ucc"),
    # cl. 10: "...қызметті алушылар Бірыңғай байланыс орталығына оның сұрау салу бойынша ...
    # қажетті қорғалатын ақпаратты береді" (no term: the request states its own due date).
    ("info_request_answer", "10", "info_request_sent", _NO_TERM, 0, "agency"),
    # cl. 11 (85/НҚ): "...өзгерістер мен толықтырулар енгізілген күннен бастап бес жұмыс күні
    # ішінде жұмыс тәртібімен берілген ақпаратты өзектендіреді..."
    ("info_update_after_amendment", "11", "bylaw_amended", _WD, 5, "agency"),
    # cl. 12 (85/НҚ): "...жауапты тұлғаларды ауыстырған жағдайда бес жұмыс күні ішінде Бірыңғай
    # байланыс орталығына ерікті нысанда тиісті ескерту жібереді..."
    ("responsible_person_replaced_notice", "12", "responsible_person_replaced", _WD, 5, "agency"),
    # cl. 13: "Қызметті берушілер бір ай ішінде бірнеше рет ... бас тартқан жағдайында, ...
    # ақпаратты ұсынудан бас тартқаны туралы хабарлайды." (the clause sets no term)
    ("refusal_notice_to_qc", "13", "repeated_refusal", _NO_TERM, 0, "ucc"),
    # cl. 16: "Бірыңғай байланыс орталығы есептік айдан кейінгі әр айдың бесінші күніне қарай
    # ... есептік ақпарат береді."
    ("monthly_appeals_report", "16", "month_closed", _BY_DAY, 5, "ucc"),
    # cl. 17: "...Бірыңғай байланыс орталығы ... сұрау салуы бойынша түсіндірме ақпаратты келесі
    # жұмыс күнінен кешіктірмей береді."
    ("discrepancy_explanation", "17", "discrepancy_request_received", _NEXT_WD, 1, "ucc"),
    # cl. 22: "...сұрау салулары ... сұрау салуларын өңдеу регламентінде белгіленген тәртіп және
    # мерзім ішінде шешіледі." (the term is the processing regulation's: callers give due_at)
    ("ict_request_reaction", "22", "ict_request_registered", _NO_TERM, 0, "ucc"),
    ("ict_request_resolution", "22", "ict_request_registered", _NO_TERM, 0, "ucc"),
    # cl. 23: "...АКИ операторынан келіп түскен ақпарат негізінде бір тәуліктен кем емес уақытта
    # ... жоспарланған үзіліске дейін мемлекеттік органдарға хабарлайды."
    ("ict_outage_notice", "23", "planned_outage_scheduled", "hours_before", 24, "ucc"),
    # cl. 24: "...есептік айдан кейінгі әр айдың бесінші күніне қарай ... ақпараттық жүйемен
    # құрылған есепті мыналарға: ... жібереді."
    ("ict_monthly_report", "24", "month_closed", _BY_DAY, 5, "ucc"),
    amended={"5": _BY_85, "7": _BY_85, "11": _BY_85, "12": _BY_85},
)

# Order No. 83 of 26.01.2016 as amended by No. 292/НҚ of 28.07.2023 (seed 000).
RULES_2023: tuple[RuleSpec, ...] = _O83.rules(
    # cl. 8: "Электрондық поштаға келіп түскен өтініштерді тіркеу автоматты түрде жүзеге
    # асырылады, жауап екі жұмыс күні ішінде беріледі."
    ("email_appeal_answer", "8", "email_appeal_registered", _WD, 2, "ucc"),
    # cl. 14: "...жазбаша талабы бойынша Бірыңғай байланыс орталығы тиісті сұрау салуды алғаннан
    # кейін төрт сағаттан аспайтын мерзімде операторлардың сөйлесу жазбасын береді."
    ("call_recording_on_demand", "14", "call_recording_requested", "hours", 4, "ucc"),
    # cl. 20: "Орталық мемлекеттік орган ... актіні бекіткеннен кейін бес жұмыс күні ішінде ...
    # жауапты тұлғаны тағайындайды және ... 1-қосымшасында көрсетілген нысан бойынша ... жібереді."
    ("annex1_after_bylaw", "20", "bylaw_approved", _WD, 5, "agency"),
    # cl. 21: "...20-тармағында көрсетілген ақпаратты берілгеннен кейін он жұмыс күнінен
    # кешіктірілмейтін мерзімде жауапты тұлға оқытуды жүргізеді..."
    ("training_after_annex1", "21", "annex1_received", _WD, 10, "agency"),
    # cl. 22: "Оқыту аяқталғаннан кейін ... уәкілетті өкілдері қол қоятын ... қабылдау хаттамасы
    # (бұдан әрі – хаттама) жасалады."
    ("protocol_after_training", "22", "training_held", _NO_TERM, 0, "ucc"),
    # cl. 23: "...хаттамаға қол қойылған күнінен бастап бес жұмыс күні өткен соң бере бастайды."
    ("consultation_start_after_protocol", "23", "protocol_signed", _WD, 5, "ucc"),
    # cl. 25: "...көрсетілетін қызметті берушілер ... Бірыңғай байланыс орталығына сұрау салуы
    # бойынша ... қажетті ақпаратты береді" (no term: the request states its own due date).
    ("info_request_answer", "25", "info_request_sent", _NO_TERM, 0, "agency"),
    # cl. 26: "...өзгерістер мен толықтырулар енгізілген күннен бастап бес жұмыс күні ішінде
    # жұмыс тәртібімен берілген ақпаратты жаңартады және Бірыңғай байланыс орталығына жібереді."
    ("info_update_after_amendment", "26", "bylaw_amended", _WD, 5, "agency"),
    # cl. 27: "...жауапты тұлғаларды ауыстырған кезде бес жұмыс күні ішінде Бірыңғай байланыс
    # орталығына ерікті нысанда тиісті ескерту жібереді..."
    ("responsible_person_replaced_notice", "27", "responsible_person_replaced", _WD, 5, "agency"),
    # cl. 28: "Көрсетілетін қызметті беруші бір ай ішінде ... беруден қайта бас тартқан кезінде,
    # Бірыңғай байланыс орталығы үш жұмыс күні ішінде ... бас тарту туралы хабарлайды."
    ("refusal_notice_to_qc", "28", "repeated_refusal", _WD, 3, "ucc"),
    # cl. 31: "Бірыңғай байланыс орталығы есептік айдан кейінгі әр айдың бесінші күніне қарай ...
    # есептік ақпарат береді."
    ("monthly_appeals_report", "31", "month_closed", _BY_DAY, 5, "ucc"),
    # cl. 32: "...Бірыңғай байланыс орталығы ... сұрау салуы бойынша түсіндірме ақпаратты келесі
    # жұмыс күнінен кешіктірмей ұсынады."
    ("discrepancy_explanation", "32", "discrepancy_request_received", _NEXT_WD, 1, "ucc"),
    # cl. 37: "...сұрау салулары ... сұрау салуларын өңдеу регламентінде белгіленген тәртіп және
    # мерзім ішінде шешіледі." (the term is the processing regulation's: callers give due_at)
    ("ict_request_reaction", "37", "ict_request_registered", _NO_TERM, 0, "ucc"),
    ("ict_request_resolution", "37", "ict_request_registered", _NO_TERM, 0, "ucc"),
    # cl. 38: "...Бірыңғай байланыс орталығы АКИ операторынан келіп түскен ақпарат негізінде ...
    # жоспарланған үзіліске дейін кемінде бір тәулік бұрын ... хабардар етеді."
    ("ict_outage_notice", "38", "planned_outage_scheduled", "hours_before", 24, "ucc"),
    # cl. 39: "...есептік айдан кейінгі әр айдың бесінші күніне қарай ... ақпараттық жүйемен
    # құрылған есепті мыналарға: ... жібереді."
    ("ict_monthly_report", "39", "month_closed", _BY_DAY, 5, "ucc"),
)

# Order No. 452, cl. 12 (98/НҚ): "Ақпараттандыру саласындағы уәкілетті орган ай сайын, есепті
# айдан кейінгі айдаңың 15-күнінен кешіктірмей, ... уәкілетті органға ... талдамалық есеп береді."
RULES_452: tuple[RuleSpec, ...] = _O452.rules(
    ("monitoring_violations_report", "12", "month_closed", _BY_DAY, 15, "informatization_body"),
)
# Order No. 155/НҚ, cl. 4: "Көрсетілетін қызметті алушыдан жауапты күту мерзімі сұрау салуды
# алған сәттен бастап жиырма төрт сағатты құрайды. Күту мерзімі өткеннен кейін сұрау салу жойылады"
RULES_155: tuple[RuleSpec, ...] = _O155.rules(
    ("proactive_offer_answer", "4", "proactive_offer_sent", "hours", 24, "service_recipient"),
)

RULES: tuple[RuleSpec, ...] = RULES_2015 + RULES_2016 + RULES_2023 + RULES_452 + RULES_155

_FIXED_VALUES = {"immediately": 0, "next_working_day": 1, "no_term": 0}


def check_rulebook(rules: tuple[RuleSpec, ...], gaps: tuple[RulebookGap, ...] = GAPS) -> None:
    """Raise ValueError on bad terms, overlapping versions or holes that are not declared gaps."""
    for rule in rules:
        where = f"{rule.key} (No. {rule.act_number}, cl. {rule.clause})"
        fixed = _FIXED_VALUES.get(rule.deadline_kind)
        if fixed is not None and rule.deadline_value != fixed:
            raise ValueError(f"{where}: {rule.deadline_kind} takes the value {fixed}")
        if fixed is None and rule.deadline_value <= 0:
            raise ValueError(f"{where}: the term must be positive")
        if rule.effective_to is not None and rule.effective_to < rule.effective_from:
            raise ValueError(f"{where}: ends before it starts")
    for key, versions in _group(rules).items():
        for before, after in zip(versions, versions[1:], strict=False):
            if before.effective_to is None or after.effective_from <= before.effective_to:
                raise ValueError(f"{key}: versions cl. {before.clause} and {after.clause} overlap")
            first = before.effective_to + timedelta(days=1)
            last = after.effective_from - timedelta(days=1)
            if first <= last and not any(g.covers(after, first, last) for g in gaps):
                raise ValueError(f"{key}: hole {first}..{last} is not a declared gap")


def _group(rules: tuple[RuleSpec, ...]) -> dict[str, tuple[RuleSpec, ...]]:
    grouped: dict[str, list[RuleSpec]] = {}
    for rule in rules:
        grouped.setdefault(rule.key, []).append(rule)
    return {k: tuple(sorted(v, key=lambda r: r.effective_from)) for k, v in grouped.items()}


# Bad seed data fails at import, before any deadline is computed from it.
check_rulebook(RULES)
_BY_KEY = _group(RULES)
KEYS: frozenset[str] = frozenset(_BY_KEY)


def versions_of(key: str) -> tuple[RuleSpec, ...]:
    """All versions of a rule, oldest first (KeyError for an unknown key)."""
    return _BY_KEY[key]


def rule_for(key: str, on: date) -> RuleSpec:
    """The version of rule `key` in force on `on`; LookupError when none applies."""
    for rule in versions_of(key):
        if rule.is_in_force(on):
            return rule
    acts = {rule.act_number for rule in versions_of(key)}
    gap = next((g for g in GAPS if g.act_number in acts and g.start <= on <= g.end), None)
    why = f" ({gap.reason})" if gap else ""
    raise LookupError(f"no version of rule {key!r} is in force on {on}{why}")


def rules_for_trigger(trigger: str, on: date) -> tuple[RuleSpec, ...]:
    """Every rule version started by `trigger` that is in force on `on`."""
    return tuple(r for r in RULES if r.trigger == trigger and r.is_in_force(on))
