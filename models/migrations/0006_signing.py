from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import SignatureMethod
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_login')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProtocolExtract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('protocol', fields.ForeignKeyField('models.Protocol', source_field='protocol_id', db_constraint=True, to_field='id', related_name='extracts', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.Organisation', source_field='school_id', db_constraint=True, to_field='id', related_name='protocol_extracts', on_delete=OnDelete.RESTRICT)),
                ('content', fields.BinaryField()),
                ('sha256', fields.CharField(max_length=64)),
            ],
            options={'table': 'protocol_extract', 'app': 'models', 'unique_together': (('protocol', 'school'),), 'pk_attr': 'id', 'table_description': "One school's extract of a signed commission protocol, sealed with the system e-seal."},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='ProtocolSigner',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('protocol', fields.ForeignKeyField('models.Protocol', source_field='protocol_id', db_constraint=True, to_field='id', related_name='signers', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='protocols_to_sign', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
                ('role_label', fields.CharField(max_length=128)),
                ('field_name', fields.CharField(max_length=64)),
                ('field_page', fields.IntField()),
                ('field_box', fields.JSONField()),
            ],
            options={'table': 'protocol_signer', 'app': 'models', 'unique_together': (('protocol', 'person'), ('protocol', 'position')), 'pk_attr': 'id', 'table_description': 'A person designated to sign a protocol, in signing order, with the form field for it.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='RegisterCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('last_value', fields.IntField(default=0)),
            ],
            options={'table': 'register_counter', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The last number given out of a register (certificates): sequential, without gaps.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='SigningSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('session_key', fields.CharField(unique=True, max_length=64)),
                ('protocol', fields.ForeignKeyField('models.Protocol', source_field='protocol_id', db_constraint=True, to_field='id', related_name='signing_sessions', on_delete=OnDelete.CASCADE)),
                ('signer', fields.ForeignKeyField('models.Person', source_field='signer_id', db_constraint=True, to_field='id', related_name='signing_sessions', on_delete=OnDelete.CASCADE)),
                ('signer_role', fields.CharField(max_length=32)),
                ('method', fields.CharEnumField(description='SERVER_KEY: SERVER_KEY\nID_CARD: ID_CARD\nMOBILE_ID: MOBILE_ID\nSMART_ID: SMART_ID', enum_type=SignatureMethod, max_length=16)),
                ('state', fields.BinaryField()),
                ('certificate', fields.BinaryField()),
                ('base_sha256', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'signing_session', 'app': 'models', 'pk_attr': 'id', 'table_description': "The first of the two steps of signing with the signer's own device."},
            bases=['TimestampedModel'],
        ),
        ops.AddField(
            model_name='Protocol',
            name='chair',
            field=fields.ForeignKeyField('models.Person', source_field='chair_id', null=True, db_constraint=True, to_field='id', related_name='chaired_protocols', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Standard',
            name='certificate_validity_months',
            field=fields.IntField(default=60, db_default=60),
        ),
        # One assessment protocol per group and one commission protocol per exam.
        ops.RunSQL(
            "CREATE UNIQUE INDEX protocol_one_per_group_uniq ON protocol (group_id) "
            "WHERE group_id IS NOT NULL",
            reverse_sql="DROP INDEX protocol_one_per_group_uniq",
        ),
        ops.RunSQL(
            "CREATE UNIQUE INDEX protocol_one_commission_uniq ON protocol (exam_id) "
            "WHERE kind = 'COMMISSION'",
            reverse_sql="DROP INDEX protocol_one_commission_uniq",
        ),
        ops.RunSQL(
            "CREATE INDEX signing_session_protocol_idx ON signing_session (protocol_id)",
            reverse_sql="DROP INDEX signing_session_protocol_idx",
        ),
    ]
