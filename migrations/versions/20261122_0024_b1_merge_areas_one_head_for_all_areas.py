"""one head for all areas

Revision ID: b1_merge_areas
Revises: a3_registry, a4b_notify, a5_knowledge, a6_appeals, a4c_onboarding, a7_ict
Create Date: 2026-11-22 00:24:15.368791+00:00
"""

from __future__ import annotations

revision = 'b1_merge_areas'
down_revision = ('a3_registry', 'a4b_notify', 'a5_knowledge', 'a6_appeals', 'a4c_onboarding', 'a7_ict')
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the per-area branches into one head."""


def downgrade() -> None:
    """Nothing to undo: downgrading splits the head back into the area branches."""
