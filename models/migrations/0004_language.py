from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_outbox')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Participant',
            name='language',
            field=fields.CharField(default='et', db_default='et', max_length=2),
        ),
        ops.AddField(
            model_name='Student',
            name='language',
            field=fields.CharField(default='et', db_default='et', max_length=2),
        ),
    ]
