from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import ExamType
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from models.migration_helpers import restore_unique_together

class Migration(migrations.Migration):
    dependencies = [('models', '0006_signing')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CompensationRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('curriculum_group', fields.CharField(max_length=4)),
                ('exam_type', fields.CharEnumField(description='THEORY: THEORY\nPRACTICAL: PRACTICAL\nCOMBINED: COMBINED', enum_type=ExamType, max_length=16)),
                ('valid_from', fields.DateField()),
                ('amount_cents', fields.IntField()),
                ('basis', fields.CharField(null=True, max_length=255)),
                ('created_by', fields.ForeignKeyField('models.Person', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='compensation_rates', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'compensation_rate', 'app': 'models', 'unique_together': (('curriculum_group', 'exam_type', 'valid_from'),), 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        # CreateModel does not create Meta.constraints: each CHECK is added on its own.
        ops.AddConstraint(
            model_name='CompensationRate',
            constraint=CheckConstraint(check='amount_cents >= 0', name='compensation_rate_amount_chk'),
        ),
        ops.AddConstraint(
            model_name='CompensationRate',
            constraint=CheckConstraint(check="exam_type IN ('THEORY', 'PRACTICAL', 'COMBINED')", name='compensation_rate_exam_type_chk'),
        ),
        ops.AddConstraint(
            model_name='CompensationRate',
            constraint=CheckConstraint(check='length(curriculum_group) = 4', name='compensation_rate_group_chk'),
        ),
        ops.AddField(
            model_name='Curriculum',
            name='curriculum_group',
            field=fields.CharField(null=True, max_length=4),
        ),
        ops.AddConstraint(
            model_name='Curriculum',
            constraint=CheckConstraint(check='curriculum_group IS NULL OR length(curriculum_group) = 4', name='curriculum_group_chk'),
        ),
        ops.AddField(
            model_name='Exam',
            name='exam_type',
            field=fields.CharEnumField(default=ExamType.COMBINED, description='THEORY: THEORY\nPRACTICAL: PRACTICAL\nCOMBINED: COMBINED', db_default='COMBINED', enum_type=ExamType, max_length=16),
        ),
        ops.AddConstraint(
            model_name='Exam',
            constraint=CheckConstraint(check="exam_type IN ('THEORY', 'PRACTICAL', 'COMBINED')", name='exam_type_chk'),
        ),
        # SQLite rebuilt the tables above to add their CHECKs and lost their composite uniques.
        ops.RunPython(restore_unique_together, reverse_code=ops.RunPython.noop),
        # ... and the plain indexes 0002 made on `exam` (PostgreSQL kept them: IF NOT EXISTS).
        ops.RunSQL(
            [
                "CREATE INDEX IF NOT EXISTS exam_school_idx ON exam (school_id, id)",
                "CREATE INDEX IF NOT EXISTS exam_awarding_body_idx ON exam (awarding_body_id, id)",
            ],
            reverse_sql=[],
        ),
        # Compensation picks completed exams' groups by their date.
        ops.RunSQL(
            "CREATE INDEX exam_group_date_idx ON exam_group (date, exam_id)",
            reverse_sql="DROP INDEX exam_group_date_idx",
        ),
    ]
