"""Home-page widgets: what waits for the agency's responsible person and for UCC managers."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import func, select

from portal.db import db
from portal.nav import nav
from portal.registry.annex_models import (
    Annex1Status,
    Annex1Submission,
    InfoRequest,
    InfoRequestStatus,
)
from portal.registry.models import Service, ServiceStatus
from portal.security import Role


def _count(stmt: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def agency_widget(user: Any) -> str:
    """Drafts, returned forms, open requests and services still to describe."""
    if user.agency_id is None:
        return ""
    subs = select(Annex1Submission).where(Annex1Submission.agency_id == user.agency_id)
    counts = {
        "drafts": _count(subs.where(Annex1Submission.status == Annex1Status.DRAFT)),
        "returned": _count(subs.where(Annex1Submission.status == Annex1Status.RETURNED)),
        "requests": _count(select(InfoRequest).where(
            InfoRequest.agency_id == user.agency_id,
            InfoRequest.status == InfoRequestStatus.OPEN)),
        "to_describe": _count(select(Service).where(
            Service.agency_id == user.agency_id,
            Service.status.in_([ServiceStatus.NEW, ServiceStatus.RESPONSIBLE_APPOINTED]))),
    }
    return render_template("registry/_widget_agency.html", counts=counts)


def ucc_widget(user: Any) -> str:
    """Forms waiting for review and requests still unanswered."""
    counts = {
        "to_review": _count(select(Annex1Submission).where(
            Annex1Submission.status == Annex1Status.SUBMITTED)),
        "open_requests": _count(select(InfoRequest).where(
            InfoRequest.status == InfoRequestStatus.OPEN)),
    }
    return render_template("registry/_widget_ucc.html", counts=counts)


nav.add_widget((Role.AGENCY_RESPONSIBLE,), agency_widget, order=20)
nav.add_widget((Role.ADMIN, Role.UCC_MANAGER), ucc_widget, order=20)
