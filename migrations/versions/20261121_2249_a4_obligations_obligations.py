"""obligations: the rulebook (seeded), calendar overrides, obligations, cl. 28 notices

Revision ID: a4_obligations
Revises: d0ac116f272e
Create Date: 2026-11-21 22:49:38.593323+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'a4_obligations'
down_revision = 'd0ac116f272e'
branch_labels = ('obligations',)
depends_on = None


def upgrade() -> None:
    op.create_table('rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('act_number', sa.String(length=20), nullable=False),
    sa.Column('act_date', sa.Date(), nullable=False),
    sa.Column('act_title_kk', sa.Text(), nullable=False),
    sa.Column('act_title_ru', sa.Text(), nullable=False),
    sa.Column('amended_by', sa.String(length=80), nullable=True),
    sa.Column('clause', sa.String(length=20), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('trigger', sa.String(length=80), nullable=False),
    sa.Column('deadline_kind', sa.String(length=40), nullable=False),
    sa.Column('deadline_value', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('description_kk', sa.Text(), nullable=False),
    sa.Column('description_ru', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules')),
    sa.UniqueConstraint('key', 'effective_from', name=op.f('uq_rules_key_effective_from'))
    )
    op.create_index(op.f('ix_rules_key'), 'rules', ['key'], unique=False)
    op.create_table('calendar_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_overrides_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_overrides_day'))
    )
    op.create_table('obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_key', sa.String(length=80), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('party', sa.String(length=40), nullable=False),
    sa.Column('trigger_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_explicit', sa.Boolean(), nullable=False),
    sa.Column('rule_inferred', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('open', 'fulfilled_on_time', 'fulfilled_late', 'cancelled', name='obligation_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_obligations_agency_id_agencies')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_obligations_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_obligations_rule_id_rules')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_obligations_service_id_services'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligations'))
    )
    op.create_index(op.f('ix_obligations_agency_id'), 'obligations', ['agency_id'], unique=False)
    op.create_index(op.f('ix_obligations_rule_id'), 'obligations', ['rule_id'], unique=False)
    op.create_index(op.f('ix_obligations_rule_key'), 'obligations', ['rule_key'], unique=False)
    op.create_index(op.f('ix_obligations_service_id'), 'obligations', ['service_id'], unique=False)
    op.create_index('ix_obligations_status_due', 'obligations', ['status', 'due_at'], unique=False)
    op.create_index('ix_obligations_subject', 'obligations', ['subject_type', 'subject_id'], unique=False)
    op.create_index('uq_obligations_open_subject', 'obligations', ['rule_key', 'subject_type', 'subject_id'], unique=True, postgresql_where=sa.text("status = 'open'"))
    op.create_table('refusal_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'sent', name='refusal_notice_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('request_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('sent_reference', sa.String(length=120), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_refusal_notices_agency_id_agencies')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_refusal_notices_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refusal_notices'))
    )
    op.create_index(op.f('ix_refusal_notices_agency_id'), 'refusal_notices', ['agency_id'], unique=False)
    op.create_index(op.f('ix_refusal_notices_status'), 'refusal_notices', ['status'], unique=False)
    _seed_rules()


#: The columns this revision creates: a field added to RuleSpec later must not break it.
_RULE_COLUMNS = ('key', 'act_number', 'act_date', 'act_title_kk', 'act_title_ru', 'amended_by',
                 'clause', 'effective_from', 'effective_to', 'trigger', 'deadline_kind',
                 'deadline_value', 'actor', 'description_kk', 'description_ru', 'source')


def _seed_rules() -> None:
    """Load the rulebook as it stands today; `portal rules sync` applies later edits."""
    from portal.obligations.rulebook_data import RULES

    rules = sa.table('rules', *(sa.column(name) for name in _RULE_COLUMNS))
    op.bulk_insert(rules, [{name: getattr(spec, name) for name in _RULE_COLUMNS}
                           for spec in RULES])


def downgrade() -> None:
    op.drop_index(op.f('ix_refusal_notices_status'), table_name='refusal_notices')
    op.drop_index(op.f('ix_refusal_notices_agency_id'), table_name='refusal_notices')
    op.drop_table('refusal_notices')
    op.drop_index('uq_obligations_open_subject', table_name='obligations', postgresql_where=sa.text("status = 'open'"))
    op.drop_index('ix_obligations_subject', table_name='obligations')
    op.drop_index('ix_obligations_status_due', table_name='obligations')
    op.drop_index(op.f('ix_obligations_service_id'), table_name='obligations')
    op.drop_index(op.f('ix_obligations_rule_key'), table_name='obligations')
    op.drop_index(op.f('ix_obligations_rule_id'), table_name='obligations')
    op.drop_index(op.f('ix_obligations_agency_id'), table_name='obligations')
    op.drop_table('obligations')
    op.drop_table('calendar_overrides')
    op.drop_index(op.f('ix_rules_key'), table_name='rules')
    op.drop_table('rules')
