"""Planned outages (Rules No. 83 cl. 38): recipients, the 24-hour rule, changes, cancellations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.agencies.models import AgencyKind
from portal.db import utcnow
from portal.errors import ConflictError, DomainError
from portal.ict import alerts
from portal.ict.models import Outage, OutageNotice, VersionAction
from portal.ict.outages import cancel_outage, catch_up, change_outage, register_outage
from portal.notify.models import Channel, OutboxMessage, OutboxStatus
from portal.obligations.models import Obligation, ObligationStatus
from portal.security import Role
from tests.factories import login, make_agency, make_person, make_user
from tests.ict.conftest import outage_data


def _keys(session, outage_id: int, version: int) -> set[str]:
    return set(session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.key.like(f"outage:{outage_id}:v{version}:%"))))


def _notice_obligations(session, outage_id: int) -> list[Obligation]:
    return list(session.scalars(select(Obligation).where(
        Obligation.rule_key == "ict_outage_notice", Obligation.subject_type == "outage",
        Obligation.subject_id == outage_id).order_by(Obligation.id)))


@pytest.fixture
def bodies(session):
    """A central body, a local executive body and a provider with their contacts."""
    central = make_agency(session, AgencyKind.CENTRAL, email="kense@min.gov.kz",
                          phone="+7 7172 74 00 00")
    region = make_agency(session, AgencyKind.LOCAL_REGION, email="akimat@abay.gov.kz",
                         phone="8 701 555 11 22")
    provider = make_agency(session, AgencyKind.PROVIDER, email="info@gov4c.kz")
    make_person(session, central)  # person{n}@example.kz, landline: e-mail only
    return central, region, provider


def test_recipients_are_all_bodies_by_email_and_mobile(app, session, bodies) -> None:
    central, region, provider = bodies
    make_agency(session, AgencyKind.ICI_OPERATOR, email="ici@nitec.kz")
    make_agency(session, AgencyKind.QC_AUTHORITY, email="qc@gov.kz")
    make_agency(session, AgencyKind.CENTRAL, email="closed@gov.kz", is_active=False)
    make_agency(session, AgencyKind.LOCAL_CITY, email="Kense@Min.gov.kz")  # shared inbox
    ru_user = make_user(session, Role.AGENCY_RESPONSIBLE, region, locale="ru")
    make_person(session, region, user_id=ru_user.id).phone = "+7 (777) 123-45-67"
    make_person(session, provider, valid_until=date(2020, 1, 1))  # no longer responsible
    found = {(r.channel, r.address): r for r in alerts.current_recipients(session, date.today())}
    emails = {a for ch, a in found if ch == "email"}
    assert "kense@min.gov.kz" in emails and "akimat@abay.gov.kz" in emails
    assert "info@gov4c.kz" in emails
    assert not emails & {"ici@nitec.kz", "qc@gov.kz", "closed@gov.kz"}
    assert sum(1 for ch, a in found if a == "kense@min.gov.kz") == 1
    assert {a for ch, a in found if ch == "sms"} == {"+77015551122", "+77771234567"}
    assert found[("sms", "+77771234567")].locale == "ru"
    assert found[("email", "akimat@abay.gov.kz")].agency_id == region.id
    assert len(emails) == 5  # three bodies, the central body's person, the region's person


def test_mobile_numbers_only() -> None:
    assert alerts.mobile_number("+7 701 555 11 22") == "+77015551122"
    assert alerts.mobile_number("87471234567") == "+77471234567"
    assert alerts.mobile_number("+7 7172 74 00 00") is None  # Astana landline
    assert alerts.mobile_number("") is None


def test_registered_a_day_ahead_is_on_time(app, session, bodies) -> None:
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=30)), now=now)
    version = outage.versions[0]
    assert (version.version, version.action, version.late) == (1, VersionAction.REGISTERED, False)
    assert not outage.late_notice
    assert version.recipients == 5  # 4 e-mails + the region's mobile (the rest are landlines)
    assert _keys(session, outage.id, 1) == {r.address for r in
                                            alerts.current_recipients(session, date.today())}
    [duty] = _notice_obligations(session, outage.id)
    assert duty.status is ObligationStatus.FULFILLED_ON_TIME
    assert duty.due_at == outage.starts_at - timedelta(hours=24)
    assert (duty.rule.act_number, duty.rule.clause) == ("83", "38")
    sms = session.scalar(select(OutboxMessage).where(OutboxMessage.channel == Channel.SMS))
    assert sms.key == f"outage:{outage.id}:v1:+77015551122" and sms.body_text.startswith("1414:")
    mail = session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == f"outage:{outage.id}:v1:info@gov4c.kz"))
    assert "egov.kz" in mail.body_text and "Бағдарламалық қамтылымды жаңарту" in mail.body_text
    assert "Работы по обновлению" not in mail.body_text  # one language per recipient
    assert f"/outages/{outage.id}?lang=ru" in mail.body_text  # the other language, one click
    assert mail.locale == "kk"
    assert mail.headers["Message-ID"].endswith("@1414.kz>")
    assert mail.status is OutboxStatus.PENDING


def test_late_registration_goes_out_at_once_and_is_a_violation(app, session, client,
                                                              bodies) -> None:
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=5)), now=now)
    assert outage.late_notice and outage.versions[0].late
    assert outage.versions[0].lead_hours == pytest.approx(5)
    [duty] = _notice_obligations(session, outage.id)
    assert duty.status is ObligationStatus.FULFILLED_LATE
    queued = session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.like(f"outage:{outage.id}:v1:%"))).all()
    assert len(queued) == 5 and all(m.not_before <= utcnow() for m in queued)
    session.commit()
    login(client, make_user(session, Role.UCC_MANAGER))
    home = client.get("/").get_data(as_text=True)
    assert f'data-late-outage="{outage.id}"' in home


def test_change_reaches_everyone_told_before_and_new_contacts(app, session, bodies) -> None:
    central, region, provider = bodies
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    start = now + timedelta(hours=72)
    with app.app_context():
        outage = register_outage(session, ici, outage_data(start), now=now)
        provider.is_active = False  # left the list of bodies after v1
        newcomer = make_agency(session, AgencyKind.LOCAL_CAPITAL, email="astana@akimat.kz")
        later = outage_data(start + timedelta(hours=24), hours=2)
        queued = change_outage(session, ici, outage, later, expected_version=1,
                               now=now + timedelta(minutes=5))
    assert outage.version == 2 and queued == 6
    assert _keys(session, outage.id, 2) == _keys(session, outage.id, 1) | {"astana@akimat.kz"}
    v2 = outage.versions[1]
    assert v2.action is VersionAction.CHANGED and not v2.late  # the start moved later
    v1, v2 = (session.scalar(select(OutboxMessage.subject).where(
        OutboxMessage.key == f"outage:{outage.id}:v{n}:kense@min.gov.kz")) for n in (1, 2))
    assert v1 != v2  # the update says it is a change
    assert session.scalar(select(OutageNotice.agency_id).where(
        OutageNotice.key == f"outage:{outage.id}:v2:astana@akimat.kz")) == newcomer.id
    with pytest.raises(ConflictError):
        change_outage(session, ici, outage, outage_data(start), expected_version=1, now=now)


def test_moving_the_start_within_24_hours_is_a_late_notice(app, session, bodies) -> None:
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=48)), now=now)
        assert not outage.late_notice
        change_outage(session, ici, outage, outage_data(now + timedelta(hours=12)),
                      now=now + timedelta(minutes=1))
    assert outage.late_notice and outage.versions[-1].late
    duties = _notice_obligations(session, outage.id)
    assert [d.status for d in duties] == [ObligationStatus.FULFILLED_ON_TIME,
                                          ObligationStatus.FULFILLED_LATE]
    assert duties[1].due_at == outage.starts_at - timedelta(hours=24)


def test_cancellation_goes_to_those_told_before_only(app, session, bodies) -> None:
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=40)), now=now)
        make_agency(session, AgencyKind.CENTRAL, email="new@min.gov.kz")
        with pytest.raises(DomainError):
            cancel_outage(session, ici, outage, "  ", now=now)
        queued = cancel_outage(session, ici, outage, "Жұмыстар кейінге қалдырылды",
                               expected_version=1, now=now + timedelta(hours=1))
    assert queued == 5 and outage.is_cancelled and outage.version == 2
    assert _keys(session, outage.id, 2) == _keys(session, outage.id, 1)
    assert "new@min.gov.kz" not in _keys(session, outage.id, 2)
    first, body = (session.scalar(select(OutboxMessage.body_text).where(
        OutboxMessage.key == f"outage:{outage.id}:v{n}:info@gov4c.kz")) for n in (1, 2))
    assert "Жұмыстар кейінге қалдырылды" in body and body.split("\n")[0] != first.split("\n")[0]
    with pytest.raises(DomainError):
        change_outage(session, ici, outage, outage_data(now + timedelta(hours=50)), now=now)


def test_requeueing_and_catch_up_are_exactly_once(app, session, bodies) -> None:
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=30)), now=now)
        version = outage.versions[0]
        everyone = alerts.current_recipients(session, date.today())
        assert alerts.queue_notices(session, outage, version, everyone, batch_size=2) == 0
        assert catch_up(session, now=now) == 0
        make_agency(session, AgencyKind.PROVIDER, email="late@provider.kz")
        assert catch_up(session, now=now) == 1
        assert catch_up(session, now=now) == 0
    total = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.key.like(f"outage:{outage.id}:%")))
    notices = session.scalar(select(func.count()).select_from(OutageNotice).where(
        OutageNotice.outage_id == outage.id))
    assert total == notices == 6 and version.recipients == 6


def test_no_contacts_leaves_the_duty_open_until_someone_is_told(app, session) -> None:
    now = utcnow()
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=30)), now=now)
        assert _notice_obligations(session, outage.id)[0].status is ObligationStatus.OPEN
        make_agency(session, AgencyKind.CENTRAL, email="first@min.gov.kz")
        assert catch_up(session, now=now + timedelta(hours=1)) == 1
    assert _notice_obligations(session, outage.id)[0].status is ObligationStatus.FULFILLED_ON_TIME


@pytest.mark.parametrize("start_h,end_h,field", [(-1, 2, "starts_at"), (5, 4, "ends_at"),
                                                 (5, 24 * 40, "ends_at")])
def test_invalid_times_are_refused(app, session, start_h, end_h, field) -> None:
    now = utcnow()
    data = outage_data(now + timedelta(hours=start_h))
    data["ends_at"] = now + timedelta(hours=end_h)
    with app.app_context(), pytest.raises(DomainError) as err:
        register_outage(session, None, data, now=now)
    assert err.value.field == field
    assert session.scalar(select(func.count()).select_from(Outage)) == 0


def test_each_recipient_reads_its_own_language(app, session, client) -> None:
    body = make_agency(session, AgencyKind.CENTRAL, email="kense@min.gov.kz")
    reader = make_user(session, Role.AGENCY_RESPONSIBLE, body, locale="ru")
    person = make_person(session, body, user_id=reader.id)
    now = utcnow()
    with app.app_context():
        outage = register_outage(session, None, outage_data(now + timedelta(hours=30)), now=now)
    ru = session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == f"outage:{outage.id}:v1:{person.email}"))
    kk = session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == f"outage:{outage.id}:v1:kense@min.gov.kz"))
    assert ru.locale == "ru" and "Работы по обновлению" in ru.body_text
    assert f"/outages/{outage.id}?lang=kk" in ru.body_text
    assert kk.locale == "kk" and "Бағдарламалық" in kk.body_text
    session.commit()
    page = client.get(f"/outages/{outage.id}?lang=ru").get_data(as_text=True)
    assert "Работы по обновлению" in page and "Бағдарламалық" not in page
