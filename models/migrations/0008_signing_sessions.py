from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import SigningSessionStatus
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0007_compensation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SigningSession',
            name='error_code',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='lease_owner',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='lease_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='provider_session',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='status',
            field=fields.CharEnumField(default=SigningSessionStatus.WAITING, db_default='WAITING', description='WAITING: WAITING\nSIGNED: SIGNED\nFAILED: FAILED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED', enum_type=SigningSessionStatus, max_length=16),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='verification_code',
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.AddField(
            model_name='SigningSession',
            name='signer_organisation_id',
            field=fields.IntField(null=True),
        ),
        ops.AddConstraint(
            model_name='SigningSession',
            constraint=CheckConstraint(check="status IN ('WAITING', 'SIGNED', 'FAILED', 'CANCELLED', 'EXPIRED')", name='signing_session_status_chk'),
        ),
    ]
