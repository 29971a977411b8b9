"""registry: bylaw amendments, status history, replacements, Annex 1, information requests

Also enables pg_trgm and adds trigram indexes for the typo-tolerant registry search.

Revision ID: a3_registry
Revises: d0ac116f272e
Create Date: 2026-11-21 22:50:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'a3_registry'
down_revision = 'd0ac116f272e'
branch_labels = ('registry',)
depends_on = None

TRGM_INDEXES = {
    'ix_services_name_kk_trgm': '(lower(name_kk))',
    'ix_services_name_ru_trgm': '(lower(name_ru))',
    'ix_services_code_trgm': '(code)',
}


def upgrade() -> None:
    op.create_table('annex1_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'accepted', 'returned', name='annex1_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('executor_name', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_annex1_submissions_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_annex1_submissions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_annex1_submissions_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annex1_submissions'))
    )
    op.create_index(op.f('ix_annex1_submissions_agency_id'), 'annex1_submissions', ['agency_id'], unique=False)
    op.create_index(op.f('ix_annex1_submissions_status'), 'annex1_submissions', ['status'], unique=False)
    op.create_table('info_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'refused', name='info_request_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_info_requests_agency_id_agencies')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_info_requests_responded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_info_requests_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_info_requests_service_id_services'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_requests'))
    )
    op.create_index(op.f('ix_info_requests_agency_id'), 'info_requests', ['agency_id'], unique=False)
    op.create_index(op.f('ix_info_requests_responded_at'), 'info_requests', ['responded_at'], unique=False)
    op.create_index(op.f('ix_info_requests_service_id'), 'info_requests', ['service_id'], unique=False)
    op.create_index(op.f('ix_info_requests_status'), 'info_requests', ['status'], unique=False)
    op.create_table('service_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('old', sa.Enum('new', 'responsible_appointed', 'info_submitted', 'training_scheduled', 'trained', 'protocol_signed', 'consulting', 'suspended', 'withdrawn', name='service_status_old', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('new', sa.Enum('new', 'responsible_appointed', 'info_submitted', 'training_scheduled', 'trained', 'protocol_signed', 'consulting', 'suspended', 'withdrawn', name='service_status_new', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_service_status_changes_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_status_changes_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_status_changes'))
    )
    op.create_index(op.f('ix_service_status_changes_service_id'), 'service_status_changes', ['service_id'], unique=False)
    op.create_table('annex1_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('responsible_person_id', sa.Integer(), nullable=True),
    sa.Column('provider_name', sa.String(length=200), nullable=False),
    sa.Column('provider_position', sa.String(length=300), nullable=False),
    sa.Column('provider_phone', sa.String(length=60), nullable=False),
    sa.Column('provider_email', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['responsible_person_id'], ['responsible_persons.id'], name=op.f('fk_annex1_rows_responsible_person_id_responsible_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_annex1_rows_service_id_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['annex1_submissions.id'], name=op.f('fk_annex1_rows_submission_id_annex1_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annex1_rows')),
    sa.UniqueConstraint('submission_id', 'service_id', name=op.f('uq_annex1_rows_submission_id_service_id'))
    )
    op.create_index(op.f('ix_annex1_rows_service_id'), 'annex1_rows', ['service_id'], unique=False)
    op.create_index(op.f('ix_annex1_rows_submission_id'), 'annex1_rows', ['submission_id'], unique=False)
    op.create_table('annex1_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('executor_name', sa.String(length=200), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('outcome', sa.Enum('draft', 'submitted', 'accepted', 'returned', name='annex1_outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_annex1_versions_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['annex1_submissions.id'], name=op.f('fk_annex1_versions_submission_id_annex1_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_annex1_versions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annex1_versions')),
    sa.UniqueConstraint('submission_id', 'number', name=op.f('uq_annex1_versions_submission_id_number'))
    )
    op.create_index(op.f('ix_annex1_versions_submission_id'), 'annex1_versions', ['submission_id'], unique=False)
    op.create_table('bylaw_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bylaw_id', sa.Integer(), nullable=False),
    sa.Column('amended_on', sa.Date(), nullable=False),
    sa.Column('act_title', sa.Text(), nullable=False),
    sa.Column('act_number', sa.String(length=60), nullable=False),
    sa.Column('registration_number', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['bylaw_id'], ['bylaws.id'], name=op.f('fk_bylaw_amendments_bylaw_id_bylaws'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bylaw_amendments'))
    )
    op.create_index(op.f('ix_bylaw_amendments_bylaw_id'), 'bylaw_amendments', ['bylaw_id'], unique=False)
    op.create_table('info_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['info_requests.id'], name=op.f('fk_info_attachments_request_id_info_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_info_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_attachments'))
    )
    op.create_index(op.f('ix_info_attachments_request_id'), 'info_attachments', ['request_id'], unique=False)
    op.create_table('responsible_replacements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('old_person_id', sa.Integer(), nullable=False),
    sa.Column('new_person_id', sa.Integer(), nullable=False),
    sa.Column('replaced_on', sa.Date(), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=False),
    sa.Column('notice', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_responsible_replacements_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_responsible_replacements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['new_person_id'], ['responsible_persons.id'], name=op.f('fk_responsible_replacements_new_person_id_responsible_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['old_person_id'], ['responsible_persons.id'], name=op.f('fk_responsible_replacements_old_person_id_responsible_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responsible_replacements'))
    )
    op.create_index(op.f('ix_responsible_replacements_agency_id'), 'responsible_replacements', ['agency_id'], unique=False)
    # Typo-tolerant search by name in either language and by code (pg_trgm ships
    # with PostgreSQL as a contrib extension, also in the embedded server).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expr in TRGM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON services USING gin ({expr} gin_trgm_ops)")
    op.create_index(op.f('ix_service_responsibles_person_id'), 'service_responsibles',
                    ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_service_responsibles_person_id'), table_name='service_responsibles')
    for name in TRGM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # The pg_trgm extension stays: other areas may search with it too.
    op.drop_index(op.f('ix_responsible_replacements_agency_id'), table_name='responsible_replacements')
    op.drop_table('responsible_replacements')
    op.drop_index(op.f('ix_info_attachments_request_id'), table_name='info_attachments')
    op.drop_table('info_attachments')
    op.drop_index(op.f('ix_bylaw_amendments_bylaw_id'), table_name='bylaw_amendments')
    op.drop_table('bylaw_amendments')
    op.drop_index(op.f('ix_annex1_versions_submission_id'), table_name='annex1_versions')
    op.drop_table('annex1_versions')
    op.drop_index(op.f('ix_annex1_rows_submission_id'), table_name='annex1_rows')
    op.drop_index(op.f('ix_annex1_rows_service_id'), table_name='annex1_rows')
    op.drop_table('annex1_rows')
    op.drop_index(op.f('ix_service_status_changes_service_id'), table_name='service_status_changes')
    op.drop_table('service_status_changes')
    op.drop_index(op.f('ix_info_requests_status'), table_name='info_requests')
    op.drop_index(op.f('ix_info_requests_service_id'), table_name='info_requests')
    op.drop_index(op.f('ix_info_requests_responded_at'), table_name='info_requests')
    op.drop_index(op.f('ix_info_requests_agency_id'), table_name='info_requests')
    op.drop_table('info_requests')
    op.drop_index(op.f('ix_annex1_submissions_status'), table_name='annex1_submissions')
    op.drop_index(op.f('ix_annex1_submissions_agency_id'), table_name='annex1_submissions')
    op.drop_table('annex1_submissions')
