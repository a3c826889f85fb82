"""The `eksamihaldus` command, run as a user would run it, against the test database."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from app.auth import verify_token
from models.enums import Role
from tests.factories import create_school, create_user


async def _run(app, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    settings = app.state.settings
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "EH_JWT_PRIVATE_KEY_FILE": str(settings.jwt_private_key_file),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_token_is_printed_for_a_role_the_person_holds(app, empty_db):
    school = await create_school(code="4321")
    person = await create_user(Role.SCHOOL, school)

    code, out, _ = await _run(app, "token", "--person", person.personal_code, "--role", "SCHOOL")

    assert code == 0
    claims = verify_token(app.state.keys, app.state.settings, out.strip())
    assert (claims.person_id, claims.role, claims.organisation_id) == (
        person.id,
        Role.SCHOOL,
        school.id,
    )


async def test_a_personal_view_token_needs_no_role(app, empty_db):
    from tests.factories import create_person

    person = await create_person()

    code, out, _ = await _run(app, "token", "--person", person.personal_code, "--role", "PERSONAL")

    assert code == 0
    claims = verify_token(app.state.keys, app.state.settings, out.strip())
    assert (claims.person_id, claims.role, claims.organisation_id) == (person.id, None, None)


async def test_token_refuses_a_role_the_person_does_not_hold(app, empty_db):
    person = await create_user(Role.SCHOOL, await create_school())

    code, out, err = await _run(
        app, "token", "--person", person.personal_code, "--role", "REGISTRY_ADMIN"
    )

    assert code == 1
    assert out == ""
    assert "does not hold that role" in err


async def test_token_refuses_an_invalid_personal_code_without_echoing_it(app, empty_db):
    code, out, err = await _run(app, "token", "--person", "5000011511", "--role", "SCHOOL")

    assert code == 2
    assert "not a valid Estonian personal code" in err
    assert "5000011511" not in err + out


COMMITTED_SDL = (Path(__file__).resolve().parents[2] / "schema" / "schema.graphql").read_text()


async def test_export_schema_prints_the_committed_sdl(app):
    code, out, _ = await _run(app, "export-schema")

    assert code == 0
    assert out == COMMITTED_SDL


async def test_pki_init_creates_the_development_pki_once(app, tmp_path: Path):
    directory = tmp_path / "pki"

    code, out, _ = await _run(app, "pki", "init", "--directory", str(directory))
    root = (directory / "root.cert.pem").read_bytes()
    again, _, _ = await _run(app, "pki", "init", "--directory", str(directory))

    assert (code, again) == (0, 0)
    assert "certomancer --config" in out
    for name in ("root.cert.pem", "eseal.cert.pem", "tsa.cert.pem", "certomancer.yml"):
        assert (directory / name).is_file(), name
    assert (directory / "root.cert.pem").read_bytes() == root  # kept, not replaced
    assert oct((directory / "root.key.pem").stat().st_mode & 0o777) == "0o600"
