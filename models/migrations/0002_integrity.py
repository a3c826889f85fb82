from tortoise import migrations
from tortoise.migrations import operations as ops
from models.migration_helpers import restore_unique_together
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddConstraint(
            model_name='Certificate',
            constraint=CheckConstraint(check="kind IN ('CERTIFICATE', 'PARTIAL_CERTIFICATE')", name='certificate_kind_chk'),
        ),
        ops.AddConstraint(
            model_name='Certificate',
            constraint=CheckConstraint(check="kind <> 'PARTIAL_CERTIFICATE' OR partial_qualification_id IS NOT NULL", name='certificate_partial_chk'),
        ),
        ops.AddConstraint(
            model_name='Certificate',
            constraint=CheckConstraint(check='register_number > 0', name='certificate_number_chk'),
        ),
        ops.AddConstraint(
            model_name='CommitteeMember',
            constraint=CheckConstraint(check="role IN ('CHAIR', 'EMPLOYER', 'EMPLOYEE', 'TEACHER', 'INDEPENDENT')", name='committee_member_role_chk'),
        ),
        ops.AddConstraint(
            model_name='Curriculum',
            constraint=CheckConstraint(check='nominal_years >= 0 AND nominal_months BETWEEN 0 AND 11', name='curriculum_duration_chk'),
        ),
        ops.AddConstraint(
            model_name='Exam',
            constraint=CheckConstraint(check="status IN ('DRAFT', 'SUBMITTED', 'RETURNED', 'ACCEPTED', 'ASSESSED', 'COMPLETED', 'CANCELLED')", name='exam_status_chk'),
        ),
        ops.AddConstraint(
            model_name='Exam',
            constraint=CheckConstraint(check='version >= 1', name='exam_version_chk'),
        ),
        ops.AddConstraint(
            model_name='Exam',
            constraint=CheckConstraint(check='final_course BETWEEN 1 AND 10', name='exam_final_course_chk'),
        ),
        ops.AddConstraint(
            model_name='Exam',
            constraint=CheckConstraint(check="status = 'DRAFT' OR submitted_at IS NOT NULL OR status = 'CANCELLED'", name='exam_submitted_chk'),
        ),
        ops.AddConstraint(
            model_name='ExamGroup',
            constraint=CheckConstraint(check='"limit" BETWEEN 1 AND 60', name='exam_group_limit_chk'),
        ),
        ops.AddConstraint(
            model_name='Organisation',
            constraint=CheckConstraint(check="kind IN ('SCHOOL', 'AWARDING_BODY', 'REGISTRY')", name='organisation_kind_chk'),
        ),
        ops.AddConstraint(
            model_name='Organisation',
            constraint=CheckConstraint(check='committee_min_members >= 0', name='organisation_committee_chk'),
        ),
        ops.AddConstraint(
            model_name='Participant',
            constraint=CheckConstraint(check="kind IN ('GRADUATE', 'WORK_WORLD_APPLICANT', 'RETAKER')", name='participant_kind_chk'),
        ),
        ops.AddConstraint(
            model_name='Participant',
            constraint=CheckConstraint(check="result IS NULL OR result IN ('PASSED', 'PARTIALLY_PASSED', 'FAILED', 'ABSENT')", name='participant_result_chk'),
        ),
        ops.AddConstraint(
            model_name='Participant',
            constraint=CheckConstraint(check="funding_code IS NULL OR funding_code IN ('R', 'Z', 'M', 'T')", name='participant_funding_chk'),
        ),
        ops.AddConstraint(
            model_name='Participant',
            constraint=CheckConstraint(check="kind <> 'WORK_WORLD_APPLICANT' OR (student_id IS NULL AND funding_code IS NULL)", name='participant_work_world_chk'),
        ),
        ops.AddConstraint(
            model_name='Participant',
            constraint=CheckConstraint(check='score IS NULL OR score >= 0', name='participant_score_chk'),
        ),
        ops.AddConstraint(
            model_name='Participant',
            constraint=CheckConstraint(check="result <> 'ABSENT' OR score IS NULL", name='participant_absent_chk'),
        ),
        ops.AddConstraint(
            model_name='Person',
            constraint=CheckConstraint(check='length(personal_code) = 11', name='person_code_len_chk'),
        ),
        ops.AddConstraint(
            model_name='Protocol',
            constraint=CheckConstraint(check="kind IN ('ASSESSMENT', 'COMMISSION')", name='protocol_kind_chk'),
        ),
        ops.AddConstraint(
            model_name='Protocol',
            constraint=CheckConstraint(check="status IN ('DRAFT', 'SIGNING', 'SIGNED')", name='protocol_status_chk'),
        ),
        ops.AddConstraint(
            model_name='Protocol',
            constraint=CheckConstraint(check="(kind = 'ASSESSMENT' AND group_id IS NOT NULL) OR (kind = 'COMMISSION' AND group_id IS NULL AND number IS NOT NULL)", name='protocol_kind_shape_chk'),
        ),
        ops.AddConstraint(
            model_name='ProtocolNumberSequence',
            constraint=CheckConstraint(check='last_number >= 0', name='protocol_number_sequence_chk'),
        ),
        ops.AddConstraint(
            model_name='RoleAssignment',
            constraint=CheckConstraint(check="role IN ('SCHOOL', 'AWARDING_BODY', 'ASSESSOR', 'COMMISSION_CHAIR', 'REGISTRY_ADMIN')", name='role_assignment_role_chk'),
        ),
        ops.AddConstraint(
            model_name='RoleAssignment',
            constraint=CheckConstraint(check="role = 'REGISTRY_ADMIN' OR organisation_id IS NOT NULL", name='role_assignment_org_chk'),
        ),
        ops.AddConstraint(
            model_name='ScoringScheme',
            constraint=CheckConstraint(check='pass_mark > 0', name='scoring_scheme_pass_chk'),
        ),
        ops.AddConstraint(
            model_name='ScoringScheme',
            constraint=CheckConstraint(check='partial_pass_mark IS NULL OR partial_pass_mark < pass_mark', name='scoring_scheme_partial_chk'),
        ),
        ops.AddConstraint(
            model_name='Signature',
            constraint=CheckConstraint(check="method IN ('SERVER_KEY', 'ID_CARD', 'MOBILE_ID', 'SMART_ID')", name='signature_method_chk'),
        ),
        ops.AddConstraint(
            model_name='Standard',
            constraint=CheckConstraint(check='ekr_level BETWEEN 1 AND 8', name='standard_ekr_chk'),
        ),
        ops.AddConstraint(
            model_name='Standard',
            constraint=CheckConstraint(check='eqf_level BETWEEN 1 AND 8', name='standard_eqf_chk'),
        ),
        ops.AddConstraint(
            model_name='Standard',
            constraint=CheckConstraint(check='version >= 1', name='standard_version_chk'),
        ),
        ops.AddConstraint(
            model_name='Standard',
            constraint=CheckConstraint(check='valid_until IS NULL OR valid_until >= valid_from', name='standard_validity_chk'),
        ),
        ops.AddConstraint(
            model_name='Student',
            constraint=CheckConstraint(check='course BETWEEN 1 AND 10', name='student_course_chk'),
        ),
        ops.AddConstraint(
            model_name='Student',
            constraint=CheckConstraint(check="funding_code IN ('R', 'Z', 'M', 'T')", name='student_funding_chk'),
        ),
        ops.AddConstraint(
            model_name='Student',
            constraint=CheckConstraint(check='ends_on >= started_on', name='student_dates_chk'),
        ),
        # SQLite rebuilt the tables above to add their CHECKs and lost their composite uniques.
        ops.RunPython(restore_unique_together, reverse_code=ops.RunPython.noop),
        # One chair per committee: a partial unique index, which both databases support.
        ops.RunSQL(
            "CREATE UNIQUE INDEX committee_one_chair_uniq ON committee_member (group_id) "
            "WHERE role = 'CHAIR'",
            reverse_sql="DROP INDEX committee_one_chair_uniq",
        ),
        # Row scopes and loaders filter by these columns.
        ops.RunSQL(
            [
                "CREATE INDEX exam_school_idx ON exam (school_id, id)",
                "CREATE INDEX exam_awarding_body_idx ON exam (awarding_body_id, id)",
                "CREATE INDEX exam_group_exam_idx ON exam_group (exam_id)",
                "CREATE INDEX participant_group_idx ON participant (group_id)",
                "CREATE INDEX participant_exam_idx ON participant (exam_id, id)",
                "CREATE INDEX protocol_exam_idx ON protocol (exam_id)",
                "CREATE INDEX signature_protocol_idx ON signature (protocol_id)",
                "CREATE INDEX committee_member_person_idx ON committee_member (person_id)",
                "CREATE INDEX student_curriculum_idx ON student (curriculum_id, course)",
                "CREATE INDEX standard_name_idx ON standard (name, id)",
                "CREATE INDEX certificate_person_idx ON certificate (person_id)",
                "CREATE INDEX notification_recipient_idx ON notification (recipient_id, id)",
                "CREATE INDEX audit_event_exam_idx ON audit_event (exam_id, id)",
            ],
            reverse_sql=[
                "DROP INDEX exam_school_idx", "DROP INDEX exam_awarding_body_idx",
                "DROP INDEX exam_group_exam_idx", "DROP INDEX participant_group_idx",
                "DROP INDEX participant_exam_idx", "DROP INDEX protocol_exam_idx",
                "DROP INDEX signature_protocol_idx", "DROP INDEX committee_member_person_idx",
                "DROP INDEX student_curriculum_idx", "DROP INDEX standard_name_idx",
                "DROP INDEX certificate_person_idx", "DROP INDEX notification_recipient_idx",
                "DROP INDEX audit_event_exam_idx",
            ],
        ),
    ]
