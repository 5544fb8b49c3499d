"""queue calling (issue #23): the queue system's token per hall, each window's call
state and strip, events, cases, announcements, recorded clips. New tables only:
nothing existing changes (windows are the halls' own, hall_window).

Revision ID: calling_1
Revises: 0008_core
Create Date: 2026-12-07 16:33:32.816223

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'calling_1'
down_revision = '0008_core'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calling_hall',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('repeats', sa.Integer(), nullable=False),
    sa.Column('volume_plan', sa.String(length=300), nullable=False),
    sa.Column('volume', sa.Integer(), nullable=False),
    sa.Column('band_size', sa.Integer(), nullable=False),
    sa.Column('last_contact_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_calling_hall_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calling_hall')),
    sa.UniqueConstraint('hall_id', name=op.f('uq_calling_hall_hall_id'))
    )
    op.create_table('calling_voice_clip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=10), nullable=False),
    sa.Column('wav', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_calling_voice_clip_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calling_voice_clip')),
    sa.UniqueConstraint('hall_id', 'word', name=op.f('uq_calling_voice_clip_hall_id'))
    )
    with op.batch_alter_table('calling_voice_clip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calling_voice_clip_hall_id'), ['hall_id'], unique=False)

    op.create_table('calling_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('to_window_id', sa.Integer(), nullable=True),
    sa.Column('ticket', sa.String(length=20), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=100), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_calling_event_hall_id_hall')),
    sa.ForeignKeyConstraint(['to_window_id'], ['hall_window.id'], name=op.f('fk_calling_event_to_window_id_hall_window')),
    sa.ForeignKeyConstraint(['window_id'], ['hall_window.id'], name=op.f('fk_calling_event_window_id_hall_window')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calling_event')),
    sa.UniqueConstraint('hall_id', 'event_id', name=op.f('uq_calling_event_hall_id'))
    )
    with op.batch_alter_table('calling_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calling_event_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calling_event_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calling_event_window_id'), ['window_id'], unique=False)

    op.create_table('calling_announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('spoken', sa.Text(), nullable=False),
    sa.Column('audio', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('repeats', sa.Integer(), nullable=False),
    sa.Column('volume', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['calling_event.id'], name=op.f('fk_calling_announcement_event_id_calling_event')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_calling_announcement_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calling_announcement'))
    )
    with op.batch_alter_table('calling_announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calling_announcement_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calling_announcement_starts_at'), ['starts_at'], unique=False)

    op.create_table('calling_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=20), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_calling_case_hall_id_hall')),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_calling_case_rating_id_rating')),
    sa.ForeignKeyConstraint(['window_id'], ['hall_window.id'], name=op.f('fk_calling_case_window_id_hall_window')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calling_case'))
    )
    with op.batch_alter_table('calling_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calling_case_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calling_case_window_id'), ['window_id'], unique=False)

    op.create_table('calling_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('idle_text', sa.String(length=60), nullable=False),
    sa.Column('led_protocol', sa.String(length=20), nullable=False),
    sa.Column('led_host', sa.String(length=255), nullable=False),
    sa.Column('led_port', sa.Integer(), nullable=False),
    sa.Column('led_area_id', sa.Integer(), nullable=False),
    sa.Column('led_x', sa.Integer(), nullable=False),
    sa.Column('led_y', sa.Integer(), nullable=False),
    sa.Column('led_width', sa.Integer(), nullable=False),
    sa.Column('led_height', sa.Integer(), nullable=False),
    sa.Column('led_color_mode', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('ticket', sa.String(length=20), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('pause_reason', sa.String(length=100), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('last_event_at', sa.DateTime(), nullable=True),
    sa.Column('rating_case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_calling_window_hall_id_hall')),
    sa.ForeignKeyConstraint(['rating_case_id'], ['calling_case.id'], name=op.f('fk_calling_window_rating_case_id_calling_case')),
    sa.ForeignKeyConstraint(['window_id'], ['hall_window.id'], name=op.f('fk_calling_window_window_id_hall_window')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calling_window')),
    sa.UniqueConstraint('window_id', name=op.f('uq_calling_window_window_id'))
    )
    with op.batch_alter_table('calling_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calling_window_hall_id'), ['hall_id'], unique=False)



def downgrade():
    with op.batch_alter_table('calling_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calling_window_hall_id'))

    op.drop_table('calling_window')
    with op.batch_alter_table('calling_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calling_case_window_id'))
        batch_op.drop_index(batch_op.f('ix_calling_case_hall_id'))

    op.drop_table('calling_case')
    with op.batch_alter_table('calling_announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calling_announcement_starts_at'))
        batch_op.drop_index(batch_op.f('ix_calling_announcement_hall_id'))

    op.drop_table('calling_announcement')
    with op.batch_alter_table('calling_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calling_event_window_id'))
        batch_op.drop_index(batch_op.f('ix_calling_event_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_calling_event_hall_id'))

    op.drop_table('calling_event')
    with op.batch_alter_table('calling_voice_clip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calling_voice_clip_hall_id'))

    op.drop_table('calling_voice_clip')
    op.drop_table('calling_hall')
