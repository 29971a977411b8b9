"""ict: processing regulation, ICT requests with history and files, planned outages and notices

Revision ID: a7_ict
Revises: d0ac116f272e
Create Date: 2026-11-21 23:20:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'a7_ict'
down_revision = 'd0ac116f272e'
branch_labels = ('ict',)
depends_on = None

# The initial processing regulation (Rules No. 83 cl. 37): the four kinds of request the
# issue names, with targets admins change on the regulation page once it is agreed with
# the ICI operator. Minutes: working hours are 09:00-18:00 on working days.
CATEGORIES = [
    # code, name_kk, name_ru, basis, reaction, resolution, position
    ('consultation', 'Консультация', 'Консультация', 'working_hours', 60, 480, 10),
    ('incident', 'Инцидент (сервистің істен шығуы)', 'Инцидент (сбой сервиса)',
     'calendar_hours', 30, 240, 20),
    ('access', 'Қолжетімділік беру', 'Предоставление доступа', 'working_hours', 120, 960, 30),
    ('change', 'Өзгертуге сұрау салу', 'Запрос на изменение', 'working_hours', 240, 2400, 40),
]


def upgrade() -> None:
    op.create_table('ict_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_kk', sa.String(length=200), nullable=False),
    sa.Column('name_ru', sa.String(length=200), nullable=False),
    sa.Column('time_basis', sa.Enum('working_hours', 'calendar_hours', name='ict_time_basis', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reaction_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_ict_categories_code'))
    )
    op.create_table('ict_outages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='ict_outage_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('scope', sa.Enum('full', 'partial', name='ict_outage_scope', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('works_kind', sa.Enum('equipment', 'software', 'other', name='ict_works_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('systems', sa.Text(), nullable=False),
    sa.Column('description_kk', sa.Text(), nullable=False),
    sa.Column('description_ru', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('late_notice', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_ict_outages_registered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_outages'))
    )
    op.create_index('ix_ict_outages_window', 'ict_outages', ['starts_at', 'ends_at'], unique=False)
    op.create_table('ict_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('requester_position', sa.String(length=300), nullable=False),
    sa.Column('requester_phone', sa.String(length=60), nullable=False),
    sa.Column('requester_email', sa.String(length=200), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('channel', sa.Enum('phone_1414', 'phone_8800', 'email', 'portal', name='ict_channel', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('status', sa.Enum('new', 'in_progress', 'escalated', 'answered', 'closed', name='ict_request_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('time_basis', sa.Enum('working_hours', 'calendar_hours', name='ict_request_basis', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reaction_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('reaction_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolution_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reacted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_note', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=False),
    sa.Column('answered_by_ici', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_ict_requests_agency_id_agencies')),
    sa.ForeignKeyConstraint(['category_id'], ['ict_categories.id'], name=op.f('fk_ict_requests_category_id_ict_categories')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_ict_requests_registered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_requests'))
    )
    op.create_index(op.f('ix_ict_requests_agency_id'), 'ict_requests', ['agency_id'], unique=False)
    op.create_index(op.f('ix_ict_requests_category_id'), 'ict_requests', ['category_id'], unique=False)
    op.create_index('ix_ict_requests_registered', 'ict_requests', ['registered_at'], unique=False)
    op.create_index('ix_ict_requests_status', 'ict_requests', ['status'], unique=False)
    op.create_table('ict_outage_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('outage_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_ict_outage_notices_agency_id_agencies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outage_id'], ['ict_outages.id'], name=op.f('fk_ict_outage_notices_outage_id_ict_outages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_outage_notices')),
    sa.UniqueConstraint('key', name=op.f('uq_ict_outage_notices_key'))
    )
    op.create_index(op.f('ix_ict_outage_notices_agency_id'), 'ict_outage_notices', ['agency_id'], unique=False)
    op.create_index('ix_ict_outage_notices_version', 'ict_outage_notices', ['outage_id', 'version'], unique=False)
    op.create_table('ict_outage_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outage_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('registered', 'changed', 'cancelled', name='ict_version_action', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('snapshot', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ict_outage_versions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outage_id'], ['ict_outages.id'], name=op.f('fk_ict_outage_versions_outage_id_ict_outages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_outage_versions')),
    sa.UniqueConstraint('outage_id', 'version', name=op.f('uq_ict_outage_versions_outage_id_version'))
    )
    op.create_index(op.f('ix_ict_outage_versions_outage_id'), 'ict_outage_versions', ['outage_id'], unique=False)
    op.create_table('ict_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('registered', 'taken', 'escalated', 'answered', 'closed', 'commented', 'attached', name='ict_event_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_role', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ict_request_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['ict_requests.id'], name=op.f('fk_ict_request_events_request_id_ict_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_request_events'))
    )
    op.create_index(op.f('ix_ict_request_events_request_id'), 'ict_request_events', ['request_id'], unique=False)
    op.create_table('ict_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['ict_request_events.id'], name=op.f('fk_ict_attachments_event_id_ict_request_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['ict_requests.id'], name=op.f('fk_ict_attachments_request_id_ict_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_ict_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ict_attachments'))
    )
    op.create_index(op.f('ix_ict_attachments_request_id'), 'ict_attachments', ['request_id'], unique=False)
    categories = sa.table(
        'ict_categories', sa.column('code', sa.String), sa.column('name_kk', sa.String),
        sa.column('name_ru', sa.String), sa.column('time_basis', sa.String),
        sa.column('reaction_minutes', sa.Integer), sa.column('resolution_minutes', sa.Integer),
        sa.column('active', sa.Boolean), sa.column('position', sa.Integer))
    op.bulk_insert(categories, [
        {'code': c, 'name_kk': kk, 'name_ru': ru, 'time_basis': basis, 'reaction_minutes': r,
         'resolution_minutes': s, 'active': True, 'position': pos}
        for c, kk, ru, basis, r, s, pos in CATEGORIES])


def downgrade() -> None:

    op.drop_index(op.f('ix_ict_attachments_request_id'), table_name='ict_attachments')
    op.drop_table('ict_attachments')
    op.drop_index(op.f('ix_ict_request_events_request_id'), table_name='ict_request_events')
    op.drop_table('ict_request_events')
    op.drop_index(op.f('ix_ict_outage_versions_outage_id'), table_name='ict_outage_versions')
    op.drop_table('ict_outage_versions')
    op.drop_index('ix_ict_outage_notices_version', table_name='ict_outage_notices')
    op.drop_index(op.f('ix_ict_outage_notices_agency_id'), table_name='ict_outage_notices')
    op.drop_table('ict_outage_notices')
    op.drop_index('ix_ict_requests_status', table_name='ict_requests')
    op.drop_index('ix_ict_requests_registered', table_name='ict_requests')
    op.drop_index(op.f('ix_ict_requests_category_id'), table_name='ict_requests')
    op.drop_index(op.f('ix_ict_requests_agency_id'), table_name='ict_requests')
    op.drop_table('ict_requests')
    op.drop_index('ix_ict_outages_window', table_name='ict_outages')
    op.drop_table('ict_outages')
    op.drop_table('ict_categories')
