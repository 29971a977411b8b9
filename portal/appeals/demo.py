"""Demo appeals: about three hundred calls and letters of the last two and a half months.

Enough for the appeals list, the dashboard charts and last month's Annex 2 reports
(Rules No. 83, cl. 31) to show something real on a fresh ``portal run``.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agencies.models import Region
from portal.appeals.models import Channel, Character
from portal.appeals.services import register_appeal
from portal.auth.models import User
from portal.db import utcnow
from portal.registry.models import Service, ServiceStatus
from portal.security import Role

SURNAMES = ("Ахметов", "Серікбаева", "Иванова", "Жұмабеков", "Нұрланова", "Ким", "Оспанов",
            "Петренко", "Сейітқали", "Әбенова", "Тоқтаров", "Смагулова", "Байжанов", "Ли")
NAMES = ("Асан", "Гүлнар", "Ольга", "Ержан", "Айгерім", "Дмитрий", "Мадина", "Сергей",
         "Бауыржан", "Әсел", "Нұржан", "Жанар", "Тимур", "Алина")
#: What callers ask or complain about, per character; {service} is the service name.
CONTENT = {
    Character.CONSULTATION: (
        "«{service}» қызметін алу үшін қандай құжаттар керек екенін сұрады.",
        "Спрашивает срок оказания услуги «{service}» и можно ли подать через eGov.",
        "«{service}» бойынша өтінішінің мәртебесін білгісі келді.",
        "Уточняет, где получить услугу «{service}» без ЭЦП.",
    ),
    Character.STANDARD_VIOLATION: (
        "Жалоба: по услуге «{service}» нарушен срок оказания, ответа нет больше месяца.",
        "«{service}» қызметі бойынша стандартта жоқ құжат талап етілген.",
    ),
    Character.STAFF_CONDUCT: (
        "Жалоба на грубость сотрудника при обращении за услугой «{service}».",
        "«{service}» бойынша қызметкер өтінішті қабылдаудан негізсіз бас тартқан.",
    ),
    Character.OTHER: (
        "Сообщает о сбое на портале при подаче заявки на «{service}».",
        "«{service}» туралы ұсыныс қалдырды.",
    ),
}
MEASURES = ("Сұрау салу органға жіберілді, жауап күтілуде.",
            "Обращение направлено в уполномоченный орган, заявитель уведомлён.",
            "Жауап берілді, өтініш жабылды.")


def _pick_character(rng: random.Random) -> Character:
    return rng.choices(list(CONTENT), weights=(70, 12, 8, 10))[0]


def seed(session: Session, context: dict[str, Any]) -> None:
    """Register the demo appeals through the same service as the operator's form."""
    rng = random.Random(1414)
    operator = session.scalar(select(User).where(User.role == Role.UCC_OPERATOR).limit(1))
    services = session.scalars(select(Service).where(
        Service.status == ServiceStatus.CONSULTING).order_by(Service.code)).all()
    regions = session.scalars(select(Region.code).order_by(Region.code)).all()
    if not services or not regions:
        return
    now = utcnow()
    moments = sorted(now - timedelta(minutes=rng.randint(30, 75 * 24 * 60)) for _ in range(300))
    for n, received in enumerate(moments):
        service = rng.choice(services)
        character = _pick_character(rng)
        channel = rng.choices(list(Channel), weights=(70, 15, 10, 5))[0]
        complaint = character is not Character.CONSULTATION
        name = f"{rng.choice(NAMES).lower()}.{n}@mail.kz"
        register_appeal(session, operator, {
            "channel": channel, "received_at": received, "region_code": rng.choice(regions),
            "applicant_surname": rng.choice(SURNAMES), "applicant_name": rng.choice(NAMES),
            "phone": f"+7 70{rng.randint(0, 8)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
                     f"{rng.randint(10, 99)}",
            "email": name if channel is Channel.EMAIL else "",
            "service_id": service.id, "character": character,
            "content": rng.choice(CONTENT[character]).format(service=service.name_ru),
            "measures": rng.choice(MEASURES) if complaint else "",
            "request_number": f"ЕКЦ-{received:%y%m}-{n:04d}" if complaint else "",
        })
