from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_appeals')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TrustedOperation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('document_id', fields.CharField(unique=True, max_length=80)),
                ('text_sha256', fields.CharField(db_index=True, max_length=64)),
                ('document', fields.TextField(unique=False)),
                ('operation_names', fields.CharField(default='', max_length=1000)),
            ],
            options={'table': 'trusted_operation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A GraphQL document a front-end registered (trusted documents).'},
            bases=['TimestampedModel'],
        ),
    ]
