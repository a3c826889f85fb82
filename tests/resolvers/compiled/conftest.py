"""Demo data and the demo users' tokens, for comparing the compiled and today's read paths."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.auth import issue_token
from app.demo import DEMO_USERS, load_demo_data
from models.organisation import Organisation
from models.person import Person


@dataclass(frozen=True)
class Who:
    name: str
    token: str | None


@pytest.fixture
async def demo_viewers(app, api) -> list[Who]:  # type: ignore[no-untyped-def]
    """Everyone who can sign in to the demo, in their role, and the public."""
    assert await load_demo_data()
    viewers = [Who("public", None)]
    for user in DEMO_USERS:
        person = await Person.get(personal_code=user.personal_code)
        organisation = (
            await Organisation.get(code=user.organisation_code) if user.organisation_code else None
        )
        token = issue_token(
            app.state.keys,
            app.state.settings,
            person_id=person.id,
            role=user.role,
            organisation_id=organisation.id if organisation else None,
        )
        viewers.append(Who(f"{user.role.value} {user.last_name}", token))
    return viewers
