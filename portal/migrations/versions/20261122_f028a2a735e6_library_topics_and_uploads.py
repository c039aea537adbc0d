"""library, topics and uploads

Revision ID: f028a2a735e6
Revises: 0bb799bc9ac7
Create Date: 2026-11-22 23:52:26.967631

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f028a2a735e6'
down_revision = '0bb799bc9ac7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('extension', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file')),
    sa.UniqueConstraint('sha256', name=op.f('uq_stored_file_sha256'))
    )
    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_ky', sa.String(length=120), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('code', name=op.f('uq_topic_code'))
    )
    op.create_table('practice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('municipality', sa.String(length=160), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('year_end', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('cover_id', sa.Integer(), nullable=True),
    sa.Column('contact_organisation', sa.String(length=200), nullable=False),
    sa.Column('contact_person', sa.String(length=200), nullable=False),
    sa.Column('contact_phone', sa.String(length=60), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('budget_amount', sa.BigInteger(), nullable=True),
    sa.Column('budget_source', sa.String(length=20), nullable=True),
    sa.Column('partners', sa.Text(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_practice_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cover_id'], ['stored_file.id'], name=op.f('fk_practice_cover_id_stored_file')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_practice_district_id_district')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_practice_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice')),
    sa.UniqueConstraint('slug', name=op.f('uq_practice_slug'))
    )
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_year'), ['year'], unique=False)

    op.create_table('practice_collection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_practice_collection_owner_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_collection')),
    sa.UniqueConstraint('slug', name=op.f('uq_practice_collection_slug'))
    )
    op.create_table('practice_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_attachment_practice_id_practice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_practice_attachment_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_attachment'))
    )
    op.create_table('practice_collection_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['practice_collection.id'], name=op.f('fk_practice_collection_item_collection_id_practice_collection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_collection_item_practice_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_collection_item')),
    sa.UniqueConstraint('collection_id', 'practice_id', name=op.f('uq_practice_collection_item_collection_id'))
    )
    op.create_table('practice_collection_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['practice_collection.id'], name=op.f('fk_practice_collection_translation_collection_id_practice_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_collection_translation')),
    sa.UniqueConstraint('collection_id', 'language', name=op.f('uq_practice_collection_translation_collection_id'))
    )
    op.create_table('practice_relation',
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('related_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_relation_practice_id_practice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['related_id'], ['practice.id'], name=op.f('fk_practice_relation_related_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('practice_id', 'related_id', name=op.f('pk_practice_relation'))
    )
    op.create_table('practice_replication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('municipality', sa.String(length=160), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_practice_replication_district_id_district')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_replication_practice_id_practice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_practice_replication_region_id_region')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_practice_replication_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_replication')),
    sa.UniqueConstraint('practice_id', 'user_id', name=op.f('uq_practice_replication_practice_id'))
    )
    with op.batch_alter_table('practice_replication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_replication_practice_id'), ['practice_id'], unique=False)

    op.create_table('practice_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('changed_fields', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_revision_practice_id_practice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_practice_revision_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_revision'))
    )
    with op.batch_alter_table('practice_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_revision_practice_id'), ['practice_id'], unique=False)

    op.create_table('practice_topic',
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_topic_practice_id_practice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_practice_topic_topic_id_topic')),
    sa.PrimaryKeyConstraint('practice_id', 'topic_id', name=op.f('pk_practice_topic'))
    )
    op.create_table('practice_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_translation_practice_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_translation')),
    sa.UniqueConstraint('practice_id', 'language', name=op.f('uq_practice_translation_practice_id'))
    )
    op.create_table('practice_useful_vote',
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_useful_vote_practice_id_practice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_practice_useful_vote_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('practice_id', 'user_id', name=op.f('pk_practice_useful_vote'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_reviewer', sa.Boolean(), server_default=sa.false(), nullable=False)
        )



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('is_reviewer')

    op.drop_table('practice_useful_vote')
    op.drop_table('practice_translation')
    op.drop_table('practice_topic')
    with op.batch_alter_table('practice_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_revision_practice_id'))

    op.drop_table('practice_revision')
    with op.batch_alter_table('practice_replication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_replication_practice_id'))

    op.drop_table('practice_replication')
    op.drop_table('practice_relation')
    op.drop_table('practice_collection_translation')
    op.drop_table('practice_collection_item')
    op.drop_table('practice_attachment')
    op.drop_table('practice_collection')
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_year'))
        batch_op.drop_index(batch_op.f('ix_practice_status'))
        batch_op.drop_index(batch_op.f('ix_practice_region_id'))
        batch_op.drop_index(batch_op.f('ix_practice_published_at'))
        batch_op.drop_index(batch_op.f('ix_practice_author_id'))

    op.drop_table('practice')
    op.drop_table('topic')
    op.drop_table('stored_file')
