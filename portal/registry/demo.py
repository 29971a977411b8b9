"""Demo data of the registry area, run by ``portal.demo.seed`` after services and people exist.

Adds what the dataset alone does not show: bylaw amendments, Annex 1 forms in every
state (draft, submitted, returned, accepted after a return, so versions compare),
requests for information (open, answered with a file, refused twice by one body for
cl. 28) and a replacement of a responsible person (cl. 27). Everything goes through
the registry services, so audit entries, statuses and signals are the real ones.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.models import User
from portal.registry import annex, people, requests
from portal.registry.annex_models import Annex1Submission
from portal.registry.models import BylawAmendment, ResponsiblePerson, Service, ServiceStatus
from portal.timeutil import local_today

PROVIDER = {"provider_name": "Әбенова Сәуле Қанатқызы",
            "provider_position": "«Азаматтарға арналған үкімет» МК бөлім басшысы",
            "provider_phone": "+7 7172 55 01 02", "provider_email": "info@gov4c.kz"}


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _amendments(session: Session, context: dict[str, Any]) -> None:
    """Historic amendments from the dataset (no signals: their cl. 26 terms are long past)."""
    for data in context["dataset"].services:
        service: Service = context["services"][data.code]
        by_number = {b.number: b for b in service.bylaws}
        for bylaw_data in data.bylaws:
            bylaw = by_number.get(bylaw_data.number)
            for am in bylaw_data.amendments if bylaw else ():
                session.add(BylawAmendment(bylaw_id=bylaw.id, amended_on=am.date,
                                           act_number=am.number))
    session.flush()


def _form(session: Session, actor: Any, services: list[Service],
          outcomes: tuple[str, ...]) -> Annex1Submission | None:
    """A form for ``services`` taken through ``outcomes`` ("submit", "return", "accept")."""
    agency_id = services[0].agency_id
    sub = annex.create_draft(session, actor, agency_id, [s.id for s in services])
    rows = {r.id: dict(PROVIDER) for r in sub.rows}
    if any(r.responsible_person_id is None for r in sub.rows):
        session.delete(sub)
        session.flush()
        return None
    # The executor is the body's own responsible person, whoever enters the demo form.
    executor = sub.rows[0].responsible_person.full_name
    annex.save_draft(session, actor, sub, {"executor_name": executor, "rows": rows},
                     sub.version)
    ucc = _user(session, "manager")
    for step in outcomes:
        if step == "submit":
            annex.submit(session, actor, sub, sub.version)
        elif step == "return":
            annex.return_for_correction(session, ucc, sub, "Көрсетілетін қызметті берушінің "
                                        "телефоны мен лауазымын нақтылаңыз.")
            rows = {r.id: PROVIDER | {"provider_phone": "+7 7172 55 01 03"} for r in sub.rows}
            annex.save_draft(session, actor, sub, {"rows": rows}, sub.version)
        elif step == "accept":
            annex.accept(session, ucc, sub, "Ақпарат толық.")
    return sub


def _forms(session: Session, context: dict[str, Any]) -> None:
    services: dict[str, Service] = context["services"]
    agency_user = _user(session, "agency")
    plan = [  # the demo agency (mtszn): one form in each state
        (["00301001", "00301002"], ("submit", "return", "submit", "accept")),
        (["00301006"], ("submit",)),
        (["00301003"], ("submit", "return")),
        (["00301004"], ()),
    ]
    for codes, outcomes in plan:
        chosen = [services[c] for c in codes if c in services]
        if chosen and agency_user is not None:
            _form(session, agency_user, chosen, outcomes)
    manager = _user(session, "manager")
    for service in services.values():  # other bodies: forms matching the onboarding stage
        if service.agency.code == "mtszn" or service.status not in (
                ServiceStatus.INFO_SUBMITTED, ServiceStatus.TRAINING_SCHEDULED):
            continue
        outcomes = ("submit",) if service.status is ServiceStatus.INFO_SUBMITTED else (
            "submit", "accept")
        _form(session, manager, [service], outcomes)


def _requests(session: Session, context: dict[str, Any]) -> None:
    services: dict[str, Service] = context["services"]
    manager, agency_user = _user(session, "manager"), _user(session, "agency")
    due = local_today() + timedelta(days=5)

    def ask(code: str, subject: str, body: str) -> Any:
        service = services[code]
        return requests.send_request(session, manager, service.agency_id, {
            "service_id": service.id, "subject": subject, "body": body, "due_on": due})

    ask("00301005", "Қызмет мерзімін нақтылау",
        "Өтінішті қарау мерзімі жұмыс күнімен бе, күнтізбелік күнмен бе, нақтылаңыз.")
    answered = ask("00302001", "Қажетті құжаттар тізбесі",
                   "Электрондық нысанда берілетін құжаттардың толық тізбесін жіберіңіз.")
    requests.answer_request(session, agency_user, answered, "Тізбе қоса беріліп отыр.", [
        requests.Upload("құжаттар-тізбесі.txt",
                        "1. Өтініш\n2. Жеке басты куәландыратын құжат\n".encode())])
    refused = ask("00303001", "Өтініштер статистикасы",
                  "Өткен тоқсандағы өтініштер саны туралы мәлімет беріңіз.")
    requests.refuse_request(session, agency_user, refused,
                            "Мәліметтер ведомстволық құпияны құрайды.")
    for code in ("00402001", "00402002"):  # one body refuses twice in a month (cl. 28)
        if code in services:
            req = ask(code, "Қызмет көрсету тәртібін түсіндіру",
                      "Қызмет көрсету тәртібіндегі өзгерістерді түсіндіріңіз.")
            requests.refuse_request(session, None, req, "Жауап беруге өкілетті тұлға жоқ.")


def _replacement(session: Session, context: dict[str, Any]) -> None:
    person = session.scalar(select(ResponsiblePerson).join(ResponsiblePerson.agency)
                            .where(ResponsiblePerson.user_id.is_(None),
                                   ResponsiblePerson.agency.has(code="mz"))
                            .order_by(ResponsiblePerson.id).limit(1))
    if person is None:
        return
    today = local_today()
    people.replace_person(session, _user(session, "manager"), person, {
        "full_name": "Оспанова Жанар Ерланқызы", "position_kk": "бас сарапшы",
        "position_ru": "главный эксперт", "phone": "+7 7172 74 37 10",
        "email": "zh.ospanova@dsm.gov.kz"}, replaced_on=today - timedelta(days=3),
        notified_on=today, notice="Денсаулық сақтау министрлігінің хаты: жауапты тұлға "
                                  "ауыстырылды, жаңа тұлғаның деректері қоса беріледі.")


def seed(session: Session, context: dict[str, Any]) -> None:
    """Registry demo data (called by ``portal.demo.seed``; the caller commits)."""
    _amendments(session, context)
    _forms(session, context)
    _requests(session, context)
    _replacement(session, context)
