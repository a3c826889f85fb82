from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_language')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('state', fields.CharField(unique=True, max_length=64)),
                ('nonce', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_attempt', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One sign-in through the state service, from redirect to callback: its `state` is'},
            bases=['TimestampedModel'],
        ),
    ]
