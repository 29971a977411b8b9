"""appeals and reports: appeals with their yearly number counter, history, attachments,
e-mail intake and answers, call ratings, call-recording demands; monthly reports and
discrepancy requests (Rules No. 83 cl. 7-14, 31-32)

Revision ID: a6_appeals
Revises: d0ac116f272e
Create Date: 2026-11-21 23:04:41.309824+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'a6_appeals'
down_revision = 'd0ac116f272e'
branch_labels = ('appeals',)
depends_on = None


def upgrade() -> None:
    op.create_table('appeal_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_appeal_counters'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('recipient_agency_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='report_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('xlsx', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_pages', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('row_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('recipient_emails', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['recipient_agency_id'], ['agencies.id'], name=op.f('fk_reports_recipient_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('kind', 'period_start', 'recipient_agency_id', 'locale', name='uq_reports_kind_period_recipient_locale', postgresql_nulls_not_distinct=True)
    )
    op.create_index('ix_reports_kind_period', 'reports', ['kind', 'period_start'], unique=False)
    op.create_index(op.f('ix_reports_recipient_agency_id'), 'reports', ['recipient_agency_id'], unique=False)
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.Enum('1414', '8800', 'email', 'other', name='appeal_channel', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('region_code', sa.String(length=40), nullable=True),
    sa.Column('applicant_surname', sa.String(length=100), nullable=False),
    sa.Column('applicant_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('iin', sa.String(length=12), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('character', sa.Enum('consultation', 'standard_violation', 'staff_conduct', 'other', name='appeal_character', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('request_number', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('registered', 'transferred', 'sent_to_agency', 'answered', 'referred', 'closed', name='appeal_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('assigned_group', sa.String(length=100), nullable=False),
    sa.Column('referred_to', sa.Text(), nullable=False),
    sa.Column('referred_agency_id', sa.Integer(), nullable=True),
    sa.Column('call_id', sa.String(length=64), nullable=True),
    sa.Column('email_message_id', sa.String(length=998), nullable=False),
    sa.Column('email_references', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_appeals_agency_id_agencies')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_appeals_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_appeals_operator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referred_agency_id'], ['agencies.id'], name=op.f('fk_appeals_referred_agency_id_agencies')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_appeals_region_code_regions')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_appeals_service_id_services'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('call_id', name=op.f('uq_appeals_call_id')),
    sa.UniqueConstraint('number', name=op.f('uq_appeals_number'))
    )
    op.create_index('ix_appeals_agency_received', 'appeals', ['agency_id', 'received_at'], unique=False)
    op.create_index(op.f('ix_appeals_character'), 'appeals', ['character'], unique=False)
    op.create_index(op.f('ix_appeals_operator_id'), 'appeals', ['operator_id'], unique=False)
    op.create_index('ix_appeals_received_at', 'appeals', ['received_at'], unique=False)
    op.create_index(op.f('ix_appeals_region_code'), 'appeals', ['region_code'], unique=False)
    op.create_index(op.f('ix_appeals_service_id'), 'appeals', ['service_id'], unique=False)
    op.create_index(op.f('ix_appeals_status'), 'appeals', ['status'], unique=False)
    op.create_table('recording_demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requester_role', sa.String(length=40), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('call_date', sa.Date(), nullable=False),
    sa.Column('caller_phone', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'fulfilled', name='recording_demand_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fulfilled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['fulfilled_by_id'], ['users.id'], name=op.f('fk_recording_demands_fulfilled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_recording_demands_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_demands'))
    )
    op.create_index(op.f('ix_recording_demands_requested_by_id'), 'recording_demands', ['requested_by_id'], unique=False)
    op.create_index(op.f('ix_recording_demands_status'), 'recording_demands', ['status'], unique=False)
    op.create_table('report_discrepancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('rows', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'explained', name='discrepancy_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('explained_by_id', sa.Integer(), nullable=True),
    sa.Column('explained_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['explained_by_id'], ['users.id'], name=op.f('fk_report_discrepancies_explained_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_discrepancies_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_report_discrepancies_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_discrepancies'))
    )
    op.create_index(op.f('ix_report_discrepancies_report_id'), 'report_discrepancies', ['report_id'], unique=False)
    op.create_index(op.f('ix_report_discrepancies_status'), 'report_discrepancies', ['status'], unique=False)
    op.create_table('appeal_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_attachments_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_attachments'))
    )
    op.create_index(op.f('ix_appeal_attachments_appeal_id'), 'appeal_attachments', ['appeal_id'], unique=False)
    op.create_table('appeal_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('registered', 'updated', 'transferred', 'referred', 'rated', 'acknowledged', 'replied', name='appeal_event_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_appeal_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_events_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_events'))
    )
    op.create_index(op.f('ix_appeal_events_appeal_id'), 'appeal_events', ['appeal_id'], unique=False)
    op.create_table('appeal_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('outbox_key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_replies_appeal_id_appeals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_appeal_replies_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_replies')),
    sa.UniqueConstraint('outbox_key', name=op.f('uq_appeal_replies_outbox_key'))
    )
    op.create_index(op.f('ix_appeal_replies_appeal_id'), 'appeal_replies', ['appeal_id'], unique=False)
    op.create_table('call_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_call_ratings_score_range')),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_call_ratings_appeal_id_appeals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_call_ratings_operator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_call_ratings_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_ratings')),
    sa.UniqueConstraint('call_id', name=op.f('uq_call_ratings_call_id'))
    )
    op.create_index(op.f('ix_call_ratings_appeal_id'), 'call_ratings', ['appeal_id'], unique=False)
    op.create_index(op.f('ix_call_ratings_operator_id'), 'call_ratings', ['operator_id'], unique=False)
    op.create_index('ix_call_ratings_rated_at', 'call_ratings', ['rated_at'], unique=False)
    op.create_table('inbound_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_key', sa.String(length=998), nullable=False),
    sa.Column('mailbox', sa.String(length=200), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_inbound_emails_appeal_id_appeals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_emails')),
    sa.UniqueConstraint('message_key', name=op.f('uq_inbound_emails_message_key'))
    )
    op.create_index(op.f('ix_inbound_emails_appeal_id'), 'inbound_emails', ['appeal_id'], unique=False)
    op.create_table('recording_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['recording_demands.id'], name=op.f('fk_recording_files_demand_id_recording_demands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_recording_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_files'))
    )
    op.create_index(op.f('ix_recording_files_demand_id'), 'recording_files', ['demand_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_recording_files_demand_id'), table_name='recording_files')
    op.drop_table('recording_files')
    op.drop_index(op.f('ix_inbound_emails_appeal_id'), table_name='inbound_emails')
    op.drop_table('inbound_emails')
    op.drop_index('ix_call_ratings_rated_at', table_name='call_ratings')
    op.drop_index(op.f('ix_call_ratings_operator_id'), table_name='call_ratings')
    op.drop_index(op.f('ix_call_ratings_appeal_id'), table_name='call_ratings')
    op.drop_table('call_ratings')
    op.drop_index(op.f('ix_appeal_replies_appeal_id'), table_name='appeal_replies')
    op.drop_table('appeal_replies')
    op.drop_index(op.f('ix_appeal_events_appeal_id'), table_name='appeal_events')
    op.drop_table('appeal_events')
    op.drop_index(op.f('ix_appeal_attachments_appeal_id'), table_name='appeal_attachments')
    op.drop_table('appeal_attachments')
    op.drop_index(op.f('ix_report_discrepancies_status'), table_name='report_discrepancies')
    op.drop_index(op.f('ix_report_discrepancies_report_id'), table_name='report_discrepancies')
    op.drop_table('report_discrepancies')
    op.drop_index(op.f('ix_recording_demands_status'), table_name='recording_demands')
    op.drop_index(op.f('ix_recording_demands_requested_by_id'), table_name='recording_demands')
    op.drop_table('recording_demands')
    op.drop_index(op.f('ix_appeals_status'), table_name='appeals')
    op.drop_index(op.f('ix_appeals_service_id'), table_name='appeals')
    op.drop_index(op.f('ix_appeals_region_code'), table_name='appeals')
    op.drop_index('ix_appeals_received_at', table_name='appeals')
    op.drop_index(op.f('ix_appeals_operator_id'), table_name='appeals')
    op.drop_index(op.f('ix_appeals_character'), table_name='appeals')
    op.drop_index('ix_appeals_agency_received', table_name='appeals')
    op.drop_table('appeals')
    op.drop_index(op.f('ix_reports_recipient_agency_id'), table_name='reports')
    op.drop_index('ix_reports_kind_period', table_name='reports')
    op.drop_table('reports')
    op.drop_table('appeal_counters')
