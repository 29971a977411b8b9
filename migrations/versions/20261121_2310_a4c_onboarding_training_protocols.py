"""onboarding: trainings, acceptance protocols and their signatures

Revision ID: a4c_onboarding
Revises: a4_obligations
Create Date: 2026-11-21 23:10:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a4c_onboarding'
down_revision = 'a4_obligations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('questions_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_trainings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_trainings_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    op.create_index(op.f('ix_trainings_service_id'), 'trainings', ['service_id'], unique=False)
    op.create_table('acceptance_protocols',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=True),
    sa.Column('drawn_up_on', sa.Date(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('frozen', sa.Boolean(), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('consultation_start', sa.Date(), nullable=True),
    sa.Column('final_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('final_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_acceptance_protocols_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_acceptance_protocols_service_id_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_acceptance_protocols_training_id_trainings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptance_protocols')),
    sa.UniqueConstraint('number', name=op.f('uq_acceptance_protocols_number')),
    sa.UniqueConstraint('service_id', 'version', name=op.f('uq_acceptance_protocols_service_id_version'))
    )
    op.create_index(op.f('ix_acceptance_protocols_service_id'), 'acceptance_protocols', ['service_id'], unique=False)
    op.create_table('protocol_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('ucc', 'agency', name='signature_side', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_org_kk', sa.String(length=400), nullable=False),
    sa.Column('signer_org_ru', sa.String(length=400), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['protocol_id'], ['acceptance_protocols.id'], name=op.f('fk_protocol_signatures_protocol_id_acceptance_protocols'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_protocol_signatures_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_signatures')),
    sa.UniqueConstraint('protocol_id', 'side', name=op.f('uq_protocol_signatures_protocol_id_side'))
    )
    op.create_index(op.f('ix_protocol_signatures_protocol_id'), 'protocol_signatures', ['protocol_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_protocol_signatures_protocol_id'), table_name='protocol_signatures')
    op.drop_table('protocol_signatures')
    op.drop_index(op.f('ix_acceptance_protocols_service_id'), table_name='acceptance_protocols')
    op.drop_table('acceptance_protocols')
    op.drop_index(op.f('ix_trainings_service_id'), table_name='trainings')
    op.drop_table('trainings')
