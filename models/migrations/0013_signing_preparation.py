from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import SigningSessionStatus
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0012_decision_signing')]

    initial = False

    operations = [
        ops.RemoveConstraint(
            model_name='SigningSession',
            name='signing_session_status_chk',
            fields=None,
        ),
        ops.AlterField(
            model_name='SigningSession',
            name='status',
            field=fields.CharEnumField(default=SigningSessionStatus.WAITING, description='PREPARING: PREPARING\nWAITING: WAITING\nSIGNED: SIGNED\nFAILED: FAILED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED', db_default='WAITING', enum_type=SigningSessionStatus, max_length=16),
        ),
        ops.AddConstraint(
            model_name='SigningSession',
            constraint=CheckConstraint(check="status IN ('PREPARING', 'WAITING', 'SIGNED', 'FAILED', 'CANCELLED', 'EXPIRED')", name='signing_session_status_chk'),
        ),
    ]
