"""Demo Knowledge Base: the bilingual articles of the relevance corpus, loaded by ``portal run``.

Articles of consulting services (and general ones) are published; the others wait
"in review" until their service's consultations start (Rules No. 83, cl. 23).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from portal.knowledge.importer import import_articles


def seed(session: Session, context: dict[str, Any]) -> None:
    """Import and publish the demo articles through the same code as ``portal kb import``."""
    text = resources.files("portal.demo").joinpath("data/kb_articles.jsonl").read_text("utf-8")
    report = import_articles(session, text.splitlines(), publish=True)
    if not report.ok:
        raise RuntimeError(f"demo Knowledge Base is invalid: {report.errors[:3]}")
