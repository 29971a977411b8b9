"""Pagination of SELECT statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    """One page of results."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """True when there is a previous page."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """True when there is a next page."""
        return self.page < self.pages


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int = 25,
             scalars: bool = True) -> Page:
    """Run ``stmt`` for one page and count the total."""
    page = max(1, page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    limited = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = session.scalars(limited).all() if scalars else session.execute(limited).all()
    return Page(list(rows), page, per_page, total)
