"""`eksamihaldus demo-reset` (./dev demo-reset): every row deleted, the demo data loaded again."""

from __future__ import annotations

import argparse
import dataclasses

from app import cli
from app.demo import DEMO_USERS
from models.organisation import Organisation
from models.person import Person
from tests.app.test_cli import _run
from tests.factories import create_school


async def test_demo_reset_deletes_everything_and_loads_the_demo(app, empty_db, monkeypatch):
    # given a database with a school the demo does not have
    extra = await create_school(name="Kustutatav Kool")
    monkeypatch.setenv("EH_SERVER_SIGNING", "false")

    # when the demo is reset
    code, out, err = await _run(app, "demo-reset")

    # then the extra school is gone and every demo user is there
    assert code == 0, err
    assert "demo data reset" in out
    assert not await Organisation.filter(id=extra.id, name="Kustutatav Kool").exists()
    codes = set(await Person.all().values_list("personal_code", flat=True))
    assert {user.personal_code for user in DEMO_USERS} <= codes


async def test_demo_reset_refuses_production_and_changes_nothing(app, empty_db, monkeypatch):
    # given a school and production settings
    school = await create_school()
    production = dataclasses.replace(app.state.settings, production=True)
    monkeypatch.setattr(cli, "_settings", lambda: production)

    # when a reset is asked for
    code = await cli._demo_reset(argparse.Namespace())

    # then it refuses, and the school is still there
    assert code == 2
    assert await Organisation.filter(id=school.id).exists()
