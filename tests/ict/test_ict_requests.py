"""ICT requests (Rules No. 83 cl. 35-37): regulation deadlines, escalation, answers, access."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from portal.agencies.models import AgencyKind
from portal.calendar.workdays import ASTANA_TZ
from portal.errors import DomainError
from portal.ict import regulation
from portal.ict.models import (
    EventKind,
    IctCategory,
    IctRequest,
    RequestChannel,
    RequestStatus,
    TimeBasis,
)
from portal.ict.services import (
    answer_request,
    close_request,
    comment_request,
    escalate_request,
    register_request,
    take_request,
)
from portal.notify.models import OutboxMessage
from portal.obligations.models import Obligation, ObligationStatus
from portal.security import Role
from tests.factories import login, make_agency, make_user, post

REACTION, RESOLUTION = regulation.REACTION_RULE, regulation.RESOLUTION_RULE


def at(*args: int) -> datetime:
    """An Astana moment."""
    return datetime(*args, tzinfo=ASTANA_TZ)


def _category(session, code: str, basis: TimeBasis, reaction: int, resolution: int
              ) -> IctCategory:
    return regulation.save_category(session, None, None, {
        "code": code, "name_kk": f"{code} kk", "name_ru": f"{code} ru", "time_basis": basis,
        "reaction_minutes": reaction, "resolution_minutes": resolution, "active": True,
        "position": 0})


def _data(agency, category, **kw):
    data = {"agency_id": agency.id, "requester_name": "Айгүл Сейітқызы",
            "requester_position": "бас маман", "requester_phone": "+7 7172 00 00 01",
            "requester_email": "aigul@min.gov.kz", "category_id": category.id,
            "system": "Электрондық құжат айналымы (ЭҚАЖ)", "subject": "ЭЦҚ қабылданбайды",
            "text": "ЭЦҚ кілтімен кіру кезінде қате шығады.", "channel": RequestChannel.PHONE_1414}
    data.update(kw)
    return data


def _duties(session, req: IctRequest) -> dict[str, list[Obligation]]:
    out: dict[str, list[Obligation]] = {}
    for ob in session.scalars(select(Obligation).where(
            Obligation.subject_type == "ict_request", Obligation.subject_id == req.id)
            .order_by(Obligation.id)):
        out.setdefault(ob.rule_key, []).append(ob)
    return out


@pytest.fixture
def world(session):
    """A body, its user, an operator, an ICI operator user and two regulation categories."""
    body = make_agency(session, AgencyKind.CENTRAL)
    ici = make_agency(session, AgencyKind.ICI_OPERATOR, email="support@nitec.kz")
    return {
        "body": body,
        "body_user": make_user(session, Role.AGENCY_RESPONSIBLE, body),
        "operator": make_user(session, Role.UCC_OPERATOR),
        "ici_user": make_user(session, Role.ICI_OPERATOR, ici, email="duty@nitec.kz"),
        "working": _category(session, "t-consult", TimeBasis.WORKING_HOURS, 60, 8 * 60),
        "calendar": _category(session, "t-incident", TimeBasis.CALENDAR_HOURS, 30, 4 * 60),
    }


def test_deadlines_in_working_hours_skip_nights_weekends_and_holidays(session, world) -> None:
    # Friday 17:30; 8 March 2026 is a Sunday, so Women's Day moves to Monday 9 March.
    due = regulation.deadlines_for(session, world["working"], at(2026, 3, 6, 17, 30))
    assert due.reaction_due_at == at(2026, 3, 10, 9, 30)
    assert due.resolution_due_at == at(2026, 3, 10, 16, 30)
    incident = regulation.deadlines_for(session, world["calendar"], at(2026, 3, 6, 17, 30))
    assert incident.reaction_due_at == at(2026, 3, 6, 18, 0)
    assert incident.resolution_due_at == at(2026, 3, 6, 21, 30)


def test_registration_opens_the_regulation_deadlines(session, world) -> None:
    req = register_request(session, world["operator"], _data(world["body"], world["working"]),
                           files=[("скрин.png", "image/png", b"\x89PNG...")],
                           now=at(2026, 3, 6, 17, 30))
    assert req.status is RequestStatus.NEW and req.number.startswith("ICT-2026-")
    assert (req.reaction_due_at, req.resolution_due_at) == (at(2026, 3, 10, 9, 30),
                                                            at(2026, 3, 10, 16, 30))
    duties = _duties(session, req)
    assert duties[REACTION][0].due_at == req.reaction_due_at
    assert duties[RESOLUTION][0].due_at == req.resolution_due_at
    assert {d[0].party for d in duties.values()} == {"ucc"}
    assert req.attachments[0].filename == "скрин.png" and req.attachments[0].size == 7
    assert [e.kind for e in req.events] == [EventKind.REGISTERED]
    # A later edit of the regulation does not move this request's deadlines.
    regulation.save_category(session, None, world["working"], {
        "code": "t-consult", "name_kk": "a", "name_ru": "b", "time_basis": TimeBasis.CALENDAR_HOURS,
        "reaction_minutes": 10, "resolution_minutes": 20, "active": True, "position": 0})
    session.refresh(req)
    assert req.reaction_due_at == at(2026, 3, 10, 9, 30)
    assert req.time_basis is TimeBasis.WORKING_HOURS


def test_escalation_hands_the_same_deadline_to_the_ici_operator(app, session, world) -> None:
    with app.app_context():  # e-mails are rendered
        req = register_request(session, world["operator"], _data(world["body"], world["calendar"]),
                               now=at(2026, 5, 4, 10, 0))
        take_request(session, world["operator"], req, now=at(2026, 5, 4, 10, 20))
        with pytest.raises(DomainError):
            escalate_request(session, world["operator"], req, "  ", now=at(2026, 5, 4, 10, 25))
        escalate_request(session, world["operator"], req, "Білім базасында жауап жоқ: ЭЦҚ қатесі.",
                         now=at(2026, 5, 4, 10, 30))
        assert req.status is RequestStatus.ESCALATED and req.escalated_at == at(2026, 5, 4, 10, 30)
        duties = _duties(session, req)
        assert duties[REACTION][0].status is ObligationStatus.FULFILLED_ON_TIME
        ucc, ici = duties[RESOLUTION]
        assert ucc.status is ObligationStatus.CANCELLED and ucc.party == "ucc"
        assert ici.status is ObligationStatus.OPEN and ici.party == "ici_operator"
        assert ici.agency_id == world["ici_user"].agency_id  # its users get the reminders
        assert ici.due_at == req.resolution_due_at == at(2026, 5, 4, 14, 0)
        mails = session.scalars(select(OutboxMessage.recipient).where(
            OutboxMessage.key.like(f"ict_request:{req.id}:escalated:%"))).all()
        assert sorted(mails) == ["duty@nitec.kz", "support@nitec.kz"]

        with pytest.raises(Forbidden):  # the UCC no longer answers an escalated request
            answer_request(session, world["operator"], req, "жауап")
        answer_request(session, world["ici_user"], req, "Сертификатты жаңартыңыз.",
                       now=at(2026, 5, 4, 15, 0))
        assert req.answered_by_ici and req.status is RequestStatus.ANSWERED
        assert _duties(session, req)[RESOLUTION][1].status is ObligationStatus.FULFILLED_LATE
        assert req.resolution_overdue(at(2026, 5, 4, 16, 0))
        close_request(session, world["ici_user"], req, now=at(2026, 5, 4, 15, 5))
        assert req.status is RequestStatus.CLOSED
        assert [e.kind for e in req.events] == [EventKind.REGISTERED, EventKind.TAKEN,
                                               EventKind.ESCALATED, EventKind.ANSWERED,
                                               EventKind.CLOSED]
        answer_mail = session.scalar(select(OutboxMessage).where(
            OutboxMessage.key == f"ict_request:{req.id}:answered:aigul@min.gov.kz"))
        assert "Сертификатты жаңартыңыз." in answer_mail.body_text


def test_operator_answers_directly_on_time(app, session, world) -> None:
    req = register_request(session, world["operator"], _data(world["body"], world["working"]),
                           now=at(2026, 5, 4, 10, 0))
    with app.app_context():  # the answer is e-mailed to the requester
        answer_request(session, world["operator"], req, "Кэшті тазалаңыз.",
                       now=at(2026, 5, 4, 10, 40))
    duties = _duties(session, req)
    assert duties[REACTION][0].status is ObligationStatus.FULFILLED_ON_TIME
    assert duties[RESOLUTION][0].status is ObligationStatus.FULFILLED_ON_TIME
    assert not req.answered_by_ici and req.reacted_at == at(2026, 5, 4, 10, 40)


def test_body_registers_only_for_itself_and_comments(session, world) -> None:
    other = make_agency(session, AgencyKind.LOCAL_REGION)
    req = register_request(session, world["body_user"],
                           _data(other, world["working"], channel=RequestChannel.PHONE_8800))
    assert req.agency_id == world["body"].id and req.channel is RequestChannel.PORTAL
    comment_request(session, world["body_user"], req, "Қате коды: 0x80090016")
    assert req.events[-1].kind is EventKind.COMMENTED


def test_a_body_sees_only_its_own_requests(app, session, client, world) -> None:
    own = register_request(session, world["operator"], _data(world["body"], world["working"],
                                                             subject="Өз сұрағымыз"))
    foreign_body = make_agency(session, AgencyKind.LOCAL_REGION)
    foreign = register_request(session, world["operator"],
                               _data(foreign_body, world["working"], subject="Бөтен сұрақ"))
    session.commit()
    login(client, world["body_user"])
    listing = client.get("/ict/requests").get_data(as_text=True)
    assert "Өз сұрағымыз" in listing and "Бөтен сұрақ" not in listing
    assert client.get(f"/ict/requests/{own.id}").status_code == 200
    assert client.get(f"/ict/requests/{foreign.id}").status_code == 403
    resp = post(client, f"/ict/requests/{foreign.id}/comment", {"text": "сұрақ"},
                token_from="/ict/requests")
    assert resp.status_code == 403


def test_ici_operator_sees_only_escalated_requests(app, session, client, world) -> None:
    plain = register_request(session, world["operator"], _data(world["body"], world["working"],
                                                               subject="Өзіміз жауап береміз"))
    sent = register_request(session, world["operator"], _data(world["body"], world["working"],
                                                              subject="АКИ операторына"))
    with app.app_context():  # the ICI operator is e-mailed
        escalate_request(session, world["operator"], sent, "Білім базасында жоқ")
    session.commit()
    login(client, world["ici_user"])
    listing = client.get("/ict/requests").get_data(as_text=True)
    assert "АКИ операторына" in listing and "Өзіміз жауап береміз" not in listing
    assert client.get(f"/ict/requests/{plain.id}").status_code == 403
    resp = post(client, f"/ict/requests/{sent.id}/answer", {"text": "Жауап АКИ-ден"},
                token_from=f"/ict/requests/{sent.id}")
    assert resp.status_code == 303
    session.expire_all()
    answered = session.get(IctRequest, sent.id)
    assert answered.status is RequestStatus.ANSWERED and answered.answer_text == "Жауап АКИ-ден"


def test_full_walk_through_the_screens(app, session, client, world) -> None:
    session.commit()
    login(client, world["body_user"])
    resp = post(client, "/ict/requests/new", {
        "requester_name": "Айгүл", "category_id": world["working"].id, "system": "ЭҚАЖ",
        "subject": "Кіру мүмкін емес", "text": "Қате шығады"}, token_from="/ict/requests/new")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:1500]
    req_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    operator = app.test_client()
    login(operator, world["operator"])
    page = f"/ict/requests/{req_id}"
    assert post(operator, f"{page}/take", {}, token_from=page).status_code == 303
    resp = post(operator, f"{page}/escalate", {"note": "КБ-да жоқ", "kb_checked": "y"},
                token_from=page)
    assert resp.status_code == 303
    card = operator.get(page).get_data(as_text=True)
    assert 'data-kind="escalated"' in card and 'data-status="escalated"' in card
    body_view = client.get(page).get_data(as_text=True)  # the body follows every step
    assert 'data-kind="taken"' in body_view and 'data-kind="escalated"' in body_view


def test_labels_of_equal_enum_values_do_not_collide(app) -> None:
    from flask_babel import force_locale

    from portal.ict.models import OutageStatus, VersionAction

    with app.test_request_context(), force_locale("en"):
        assert EventKind.REGISTERED.label == "Registered"
        assert VersionAction.REGISTERED.label == "Announced"
        assert RequestStatus.ESCALATED.label == "With the ICI operator"
        assert EventKind.ESCALATED.label == "Sent to the ICI operator"
        assert OutageStatus.CANCELLED.label != VersionAction.CANCELLED.label
