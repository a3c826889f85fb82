"""People and the roles they hold in organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.exceptions import ValidationError
from tortoise.migrations.constraints import CheckConstraint

from models.base import TimestampedModel
from models.enums import Role, sql_in
from models.personal_code import is_valid_personal_code

if TYPE_CHECKING:
    from models.organisation import Organisation


def validate_personal_code(value: str) -> None:
    if not is_valid_personal_code(value):
        raise ValidationError("personal code is not a valid Estonian personal identification code")


class Person(TimestampedModel):
    personal_code = fields.CharField(
        max_length=11, unique=True, validators=[validate_personal_code]
    )
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "person"
        constraints = (
            CheckConstraint(check="length(personal_code) = 11", name="person_code_len_chk"),
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RoleAssignment(TimestampedModel):
    """A role a person holds (organisation is empty only for the registry admin)."""

    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="role_assignments", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="role_assignments", null=True, on_delete=fields.CASCADE
    )

    class Meta:
        table = "role_assignment"
        unique_together = (("person", "role", "organisation"),)
        constraints = (
            CheckConstraint(check=sql_in("role", Role), name="role_assignment_role_chk"),
            CheckConstraint(
                check="role = 'REGISTRY_ADMIN' OR organisation_id IS NOT NULL",
                name="role_assignment_org_chk",
            ),
        )


class LoginAttempt(TimestampedModel):
    """One sign-in through the state service, from redirect to callback: its `state` is
    used once, and its `nonce` ties the ID token to it."""

    state = fields.CharField(max_length=64, unique=True)
    nonce = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "login_attempt"
