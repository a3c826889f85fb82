from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_trusted_operations')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Appeal',
            name='applied_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Appeal',
            name='corrected_protocol',
            field=fields.ForeignKeyField('models.Protocol', source_field='corrected_protocol_id', null=True, db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Certificate',
            name='annulled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Certificate',
            name='annulment_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Protocol',
            name='superseded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Protocol',
            name='supersedes',
            field=fields.ForeignKeyField('models.Protocol', source_field='supersedes_id', null=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.RESTRICT),
        ),
        # One original commission protocol per exam; corrections (after upheld appeals) form a
    # chain, each correcting the one before it.
    ops.RunSQL(
        "DROP INDEX protocol_one_commission_uniq",
        reverse_sql="CREATE UNIQUE INDEX protocol_one_commission_uniq ON protocol (exam_id) "
        "WHERE kind = 'COMMISSION'",
    ),
    ops.RunSQL(
        "CREATE UNIQUE INDEX protocol_one_commission_uniq ON protocol (exam_id) "
        "WHERE kind = 'COMMISSION' AND supersedes_id IS NULL",
        reverse_sql="DROP INDEX protocol_one_commission_uniq",
    ),
    ops.RunSQL(
        "CREATE UNIQUE INDEX protocol_one_correction_uniq ON protocol (supersedes_id) "
        "WHERE supersedes_id IS NOT NULL",
        reverse_sql="DROP INDEX protocol_one_correction_uniq",
    ),
    ]
