"""Versions per topic: what moved, so each answer rebuilds only when what it reads moved

Revision ID: 0002_feed_topics
Revises: 0001
Create Date: 2026-12-01 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_feed_topics'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_topic',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_feed_topic'))
    )
    with op.batch_alter_table('feed_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_topic_version'), ['version'], unique=False)


def downgrade():
    with op.batch_alter_table('feed_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_topic_version'))
    op.drop_table('feed_topic')
