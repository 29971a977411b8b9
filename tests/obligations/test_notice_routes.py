"""The cl. 28 notice: drafted PDF listing the refusals, ZIP with documents, marking it sent."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from pypdf import PdfReader
from sqlalchemy import select

from portal import signals
from portal.agencies.models import AgencyKind
from portal.calendar.workdays import ASTANA_TZ
from portal.obligations.models import (
    Obligation,
    ObligationStatus,
    RefusalNotice,
    RefusalNoticeStatus,
)
from portal.registry.annex_models import InfoAttachment, InfoRequest, InfoRequestStatus
from portal.security import Role
from tests.factories import login, make_agency, make_service, make_user, post


def refused_request(session, agency, service, day: int, reason: str, files: dict[str, bytes]
                    ) -> InfoRequest:
    sent = datetime(2026, 4, day, 9, tzinfo=ASTANA_TZ)
    refused = datetime(2026, 4, day, 15, tzinfo=ASTANA_TZ)
    req = InfoRequest(agency_id=agency.id, service_id=service.id,
                      subject=f"Қызмет мерзімі туралы сұрау {day}", body="...",
                      due_on=date(2026, 4, day + 3), sent_at=sent,
                      status=InfoRequestStatus.REFUSED, refusal_reason=reason,
                      responded_at=refused)
    session.add(req)
    session.flush()
    for name, data in files.items():
        session.add(InfoAttachment(request_id=req.id, filename=name, content_type="application/pdf",
                                   size=len(data), data=data))
    session.flush()
    signals.info_request_sent.send("registry", session=session, actor=None, request_id=req.id,
                                   agency_id=agency.id, service_id=service.id,
                                   due_on=req.due_on, sent_at=sent)
    signals.info_request_refused.send("registry", session=session, actor=None,
                                      request_id=req.id, agency_id=agency.id, refused_at=refused)
    return req


def test_notice_pdf_bundle_and_sending(client, session) -> None:
    make_agency(session, AgencyKind.QC_AUTHORITY, name_kk="Сапа бақылау комитеті",
                name_ru="Комитет контроля качества")
    agency = make_agency(session, name_kk="Еңбек министрлігі", name_ru="Министерство труда")
    service = make_service(session, agency)
    r1 = refused_request(session, agency, service, 2, "Коммерциялық құпия",
                         {"hat-1.pdf": b"%PDF-1.4 first refusal letter"})
    r2 = refused_request(session, agency, service, 9, "Ақпарат жоқ",
                         {"hat-2.pdf": b"%PDF-1.4 second refusal letter"})
    notice = session.scalar(select(RefusalNotice).where(RefusalNotice.agency_id == agency.id))
    assert notice.request_ids == [r1.id, r2.id]
    manager = make_user(session, Role.UCC_MANAGER)
    login(client, manager)

    page = client.get(f"/obligations/refusal-notices/{notice.id}").get_data(as_text=True)
    assert "hat-1.pdf" in page and "Коммерциялық құпия" in page

    pdf = client.get(f"/obligations/refusal-notices/{notice.id}/notice.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    for needle in ("Еңбек министрлігі", "Сапа бақылау комитеті", "Коммерциялық құпия",
                   "Ақпарат жоқ", "hat-2.pdf", service.code):
        assert needle in text, needle

    bundle = client.get(f"/obligations/refusal-notices/{notice.id}/bundle.zip")
    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert names[0] == f"notice-{notice.id}.pdf"
    assert any(n.startswith(f"request-{r1.id}/") and n.endswith("hat-1.pdf") for n in names)
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as zf:
        second = next(n for n in names if n.endswith("hat-2.pdf"))
        assert zf.read(second) == b"%PDF-1.4 second refusal letter"

    path = f"/obligations/refusal-notices/{notice.id}"
    future = post(client, f"{path}/sent", {"sent_on": "2099-01-01", "reference": "1"},
                  token_from=path)
    assert future.status_code == 422
    resp = post(client, f"{path}/sent", {"sent_on": "2026-04-13", "reference": "01-12/345"},
                token_from=path)
    assert resp.status_code == 303
    session.expire_all()
    assert notice.status is RefusalNoticeStatus.SENT and notice.pdf.startswith(b"%PDF")
    ob = session.scalar(select(Obligation).where(Obligation.subject_type == "refusal_notice",
                                                 Obligation.subject_id == notice.id))
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME
    # Once sent, the PDF served is the frozen one.
    assert client.get(f"{path}/notice.pdf").data == notice.pdf
    listing = client.get("/obligations/refusal-notices").get_data(as_text=True)
    assert "01-12/345" in listing


def test_agency_cannot_see_notices(client, session) -> None:
    agency = make_agency(session)
    notice = RefusalNotice(agency_id=agency.id, request_ids=[])
    session.add(notice)
    session.flush()
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, agency))
    assert client.get(f"/obligations/refusal-notices/{notice.id}").status_code == 403
