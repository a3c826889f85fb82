from tortoise import migrations
from tortoise.migrations import operations as ops
from models.notification import MailStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from models.migration_helpers import restore_unique_together

class Migration(migrations.Migration):
    dependencies = [('models', '0002_integrity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notification', fields.ForeignKeyField('models.Notification', source_field='notification_id', null=True, db_constraint=True, to_field='id', related_name='mails', on_delete=OnDelete.SET_NULL)),
                ('recipient', fields.CharField(max_length=255)),
                ('subject', fields.CharField(max_length=255)),
                ('body', fields.TextField(unique=False)),
                ('message_id', fields.CharField(unique=True, max_length=255)),
                ('status', fields.CharEnumField(default=MailStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED', enum_type=MailStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'outbox_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One e-mail to deliver, or delivered: the worker claims the due PENDING rows.'},
            bases=['TimestampedModel'],
        ),
        # CreateModel leaves CHECKs out on SQLite: they are added here, as in 0002.
        ops.AddConstraint(
            model_name='OutboxMessage',
            constraint=CheckConstraint(check="status IN ('PENDING', 'SENT', 'FAILED')", name='outbox_message_status_chk'),
        ),
        ops.AddConstraint(
            model_name='OutboxMessage',
            constraint=CheckConstraint(check='attempts >= 0', name='outbox_message_attempts_chk'),
        ),
        ops.AddConstraint(
            model_name='OutboxMessage',
            constraint=CheckConstraint(check="status <> 'SENT' OR sent_at IS NOT NULL", name='outbox_message_sent_chk'),
        ),
        # SQLite rebuilt the table to add its CHECKs: put back what a rebuild loses.
        ops.RunPython(restore_unique_together, reverse_code=ops.RunPython.noop),
        # The worker's claim: the oldest due PENDING rows (partial: sent rows pile up).
        ops.RunSQL(
            [
                "CREATE INDEX outbox_message_due_idx ON outbox_message (next_attempt_at, id) "
                "WHERE status = 'PENDING'",
                "CREATE INDEX outbox_message_notification_idx ON outbox_message (notification_id)",
                "CREATE INDEX notification_unread_idx ON notification (recipient_id, id) "
                "WHERE read_at IS NULL",
            ],
            reverse_sql=[
                "DROP INDEX outbox_message_due_idx",
                "DROP INDEX outbox_message_notification_idx",
                "DROP INDEX notification_unread_idx",
            ],
        ),
    ]
