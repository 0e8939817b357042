"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('documents',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('date_edtf', sa.String(length=40), nullable=False),
    sa.Column('date_earliest', sa.Date(), nullable=False),
    sa.Column('date_latest', sa.Date(), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_date_earliest'), ['date_earliest'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_kind'), ['kind'], unique=False)

    op.create_table('organisations',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('short_name', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_organisations'))
    )
    op.create_table('document_organisations',
    sa.Column('document_id', sa.String(length=80), nullable=False),
    sa.Column('organisation_key', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_organisations_document_id_documents')),
    sa.ForeignKeyConstraint(['organisation_key'], ['organisations.key'], name=op.f('fk_document_organisations_organisation_key_organisations')),
    sa.PrimaryKeyConstraint('document_id', 'organisation_key', name=op.f('pk_document_organisations'))
    )
    op.create_table('versions',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('canonical_text', sa.Text(), nullable=False),
    sa.Column('paragraphs', sa.JSON(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_versions_document_id_documents')),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_versions')),
    sa.UniqueConstraint('document_id', 'number', name='uq_versions_document_number')
    )
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_versions_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_versions_sha256'), ['sha256'], unique=False)




def downgrade() -> None:
    
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_versions_sha256'))
        batch_op.drop_index(batch_op.f('ix_versions_document_id'))

    op.drop_table('versions')
    op.drop_table('document_organisations')
    op.drop_table('organisations')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_kind'))
        batch_op.drop_index(batch_op.f('ix_documents_date_earliest'))

    op.drop_table('documents')

