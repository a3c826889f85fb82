from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import AppealChannel, AppealStatus, AppealSubject, Role, SignatureMethod
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0008_signing_sessions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Appeal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('version', fields.IntField(default=1)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('exam', fields.ForeignKeyField('models.Exam', source_field='exam_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.RESTRICT)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.RESTRICT)),
                ('awarding_body', fields.ForeignKeyField('models.Organisation', source_field='awarding_body_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.RESTRICT)),
                ('subject', fields.CharEnumField(description='RESULT: RESULT\nDECISION: DECISION', enum_type=AppealSubject, max_length=16)),
                ('status', fields.CharEnumField(default=AppealStatus.FILED, description='FILED: FILED\nUNDER_REVIEW: UNDER_REVIEW\nUPHELD: UPHELD\nREJECTED: REJECTED\nWITHDRAWN: WITHDRAWN', enum_type=AppealStatus, max_length=16)),
                ('channel', fields.CharEnumField(default=AppealChannel.ONLINE, description='ONLINE: ONLINE\nPAPER: PAPER', enum_type=AppealChannel, max_length=8)),
                ('reason', fields.TextField(unique=False)),
                ('filed_by', fields.ForeignKeyField('models.Person', source_field='filed_by_id', db_constraint=True, to_field='id', related_name='filed_appeals', on_delete=OnDelete.RESTRICT)),
                ('filed_by_role', fields.CharEnumField(null=True, description='SCHOOL: SCHOOL\nAWARDING_BODY: AWARDING_BODY\nASSESSOR: ASSESSOR\nCOMMISSION_CHAIR: COMMISSION_CHAIR\nREGISTRY_ADMIN: REGISTRY_ADMIN', enum_type=Role, max_length=20)),
                ('filed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_on', fields.DateField()),
                ('announced_on', fields.DateField()),
                ('filing_deadline', fields.DateField()),
                ('decision_due', fields.DateField()),
                ('review_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.Person', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_appeals', on_delete=OnDelete.RESTRICT)),
                ('decision_reason', fields.TextField(null=True, unique=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'appeal', 'app': 'models', 'pk_attr': 'id'},
            bases=['VersionedModel'],
        ),
        ops.CreateModel(
            name='AppealAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('appeal', fields.ForeignKeyField('models.Appeal', source_field='appeal_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=255)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('content', fields.BinaryField()),
            ],
            options={'table': 'appeal_attachment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A PDF the filer added to the appeal, kept apart so that lists never load the bytes.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='AppealDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('appeal', fields.OneToOneField('models.Appeal', source_field='appeal_id', db_constraint=True, to_field='id', related_name='document', on_delete=OnDelete.CASCADE)),
                ('content', fields.BinaryField()),
                ('sha256', fields.CharField(max_length=64)),
                ('signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signer', fields.ForeignKeyField('models.Person', source_field='signer_id', null=True, db_constraint=True, to_field='id', related_name='signed_appeal_decisions', on_delete=OnDelete.RESTRICT)),
                ('method', fields.CharEnumField(null=True, description='SERVER_KEY: SERVER_KEY\nID_CARD: ID_CARD\nMOBILE_ID: MOBILE_ID\nSMART_ID: SMART_ID', enum_type=SignatureMethod, max_length=16)),
                ('certificate_subject', fields.CharField(null=True, max_length=512)),
            ],
            options={'table': 'appeal_document', 'app': 'models', 'pk_attr': 'id', 'table_description': "The decision as a PDF, signed by the commission chair (PAdES, like the protocols)."},
            bases=['TimestampedModel'],
        ),
        # CreateModel does not create Meta.constraints: each CHECK is added on its own.
        ops.AddConstraint(
            model_name='Appeal',
            constraint=CheckConstraint(check="subject IN ('RESULT', 'DECISION')", name='appeal_subject_chk'),
        ),
        ops.AddConstraint(
            model_name='Appeal',
            constraint=CheckConstraint(check="status IN ('FILED', 'UNDER_REVIEW', 'UPHELD', 'REJECTED', 'WITHDRAWN')", name='appeal_status_chk'),
        ),
        ops.AddConstraint(
            model_name='Appeal',
            constraint=CheckConstraint(check="channel IN ('ONLINE', 'PAPER')", name='appeal_channel_chk'),
        ),
        ops.AddConstraint(
            model_name='Appeal',
            constraint=CheckConstraint(check="status NOT IN ('UPHELD', 'REJECTED') OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)", name='appeal_decided_chk'),
        ),
        ops.AddConstraint(
            model_name='Appeal',
            constraint=CheckConstraint(check='length(reason) > 0', name='appeal_reason_chk'),
        ),
        ops.AddConstraint(
            model_name='AppealAttachment',
            constraint=CheckConstraint(check='size > 0', name='appeal_attachment_size_chk'),
        ),
        ops.AddField(
            model_name='Organisation',
            name='appeal_decision_days',
            field=fields.IntField(default=7, db_default=7),
        ),
        ops.AddField(
            model_name='Organisation',
            name='appeal_period_days',
            field=fields.IntField(default=7, db_default=7),
        ),
        ops.AddField(
            model_name='Organisation',
            name='appeal_period_in_working_days',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
