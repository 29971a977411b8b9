"""What an obligation is about, in words: its subject's label for lists and exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import localized
from portal.obligations.models import Obligation
from portal.registry.models import ResponsiblePerson

SUBJECT_LABELS = {
    "service": _l("Service"),
    "info_request": _l("Request for information"),
    "refusal_notice": _l("Notice on repeated refusals"),
    "responsible_person": _l("Responsible person"),
    "annex1": _l("Annex 1 form"),
    "appeal": _l("Appeal"),
    "report": _l("Report"),
    "outage": _l("Planned interruption"),
    "ict_request": _l("ICT request"),
    "recording_demand": _l("Call recording demand"),
    "agency": _l("Agency"),
}


def subject_labels(session: Session, obligations: list[Obligation]) -> dict[int, str]:
    """{obligation id: "Service 00000012 Name" / "Request for information #5" ...}."""
    person_ids = {o.subject_id for o in obligations if o.subject_type == "responsible_person"}
    people = {p.id: p.full_name for p in session.scalars(
        select(ResponsiblePerson).where(ResponsiblePerson.id.in_(person_ids)))} if person_ids else {}
    out: dict[int, str] = {}
    for ob in obligations:
        kind = str(SUBJECT_LABELS.get(ob.subject_type, ob.subject_type))
        if ob.subject_type == "service" and ob.service is not None:
            out[ob.id] = f"{ob.service.code} {localized(ob.service, 'name')}"
        elif ob.subject_type == "responsible_person" and ob.subject_id in people:
            out[ob.id] = f"{kind}: {people[ob.subject_id]}"
        else:
            out[ob.id] = f"{kind} #{ob.subject_id}"
            if ob.service is not None:
                out[ob.id] += f" ({ob.service.code})"
    return out
