"""Word-level differences between two versions of an article."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy.orm import object_session

from portal.knowledge.models import ArticleVersion
from portal.registry.models import Service

_TOKENS = re.compile(r"\s+|[^\s]+")
FIELDS = ("title_kk", "title_ru", "body_kk", "body_ru", "tags", "service_id")


@dataclass(frozen=True)
class Chunk:
    """A run of text that is equal, deleted or inserted."""

    op: str  # "equal" | "delete" | "insert"
    text: str


def diff_text(old: str, new: str) -> list[Chunk]:
    """Word-by-word changes from ``old`` to ``new`` (whitespace kept)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    out: list[Chunk] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Chunk("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Chunk("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Chunk("insert", "".join(b[j1:j2])))
    return out


def _value(ver: ArticleVersion, field: str) -> str:
    value = getattr(ver, field)
    if field == "tags":
        return ", ".join(value or [])
    if field == "service_id":
        session = object_session(ver)
        service = session.get(Service, value) if value and session else None
        return service.code if service else "—"
    return value or ""


def diff_versions(old: ArticleVersion, new: ArticleVersion) -> dict[str, list[Chunk]]:
    """Changed fields only: {field: chunks}."""
    changed = {}
    for field in FIELDS:
        a, b = _value(old, field), _value(new, field)
        if a != b:
            changed[field] = diff_text(a, b)
    return changed
