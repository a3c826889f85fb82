from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0011_appeal_corrections')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AppealDocument',
            name='field_box',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='AppealDocument',
            name='field_page',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='SigningSession',
            name='protocol',
            field=fields.ForeignKeyField('models.Protocol', source_field='protocol_id', null=True, db_constraint=True, to_field='id', related_name='signing_sessions', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='appeal_document',
            field=fields.ForeignKeyField('models.AppealDocument', source_field='appeal_document_id', null=True, db_constraint=True, to_field='id', related_name='signing_sessions', on_delete=OnDelete.CASCADE),
        ),
        ops.AddConstraint(
            model_name='SigningSession',
            constraint=CheckConstraint(check='(protocol_id IS NULL) <> (appeal_document_id IS NULL)', name='signing_session_target_chk'),
        ),
        # A session signs either a protocol or an appeal decision's document. SQLite rebuilds
        # the table for the changes above and loses its indexes: put them back (no-op on
        # PostgreSQL, which keeps them).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS signing_session_protocol_idx ON signing_session (protocol_id)",
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            "CREATE INDEX signing_session_appeal_document_idx ON signing_session (appeal_document_id)",
            reverse_sql="DROP INDEX signing_session_appeal_document_idx",
        ),
    ]
