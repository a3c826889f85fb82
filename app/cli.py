"""The `eksamihaldus` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from app.logs import configure, logging_config
from app.settings import Settings, SettingsError, logging_from_env

log = logging.getLogger("eksamihaldus")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        sys.exit(f"eksamihaldus: configuration error: {error}")


def _check_keys(settings: Settings) -> None:
    """Read the token keys now, so that a bad key file stops `serve` with one line."""
    from app.auth import AuthError, load_key_ring

    try:
        load_key_ring(settings)
    except AuthError as error:
        sys.exit(f"eksamihaldus: configuration error: {error}")


def _serve(args: argparse.Namespace) -> int:
    from app.graphiql import fetch_assets, missing_assets
    from app.server import METRICS_DIRECTORY, serve_one, serve_workers, shared_metrics_directory

    settings = _settings()
    _check_keys(settings)
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if workers < 1:
        sys.exit("eksamihaldus: --workers must be at least 1")
    if missing_assets():
        try:
            fetch_assets()
        except RuntimeError as error:
            log.warning("GraphiQL assets are missing and could not be fetched: %s", error)
    options = {
        "log_config": logging_config(settings.log_level, settings.log_format),
        "timeout_graceful_shutdown": settings.shutdown_timeout_seconds,
        # Live-update sockets: the `websockets` package's current (sans-I/O) implementation,
        # not the deprecated legacy one uvicorn's "auto" picks.
        "ws": "websockets-sansio",
    }
    if workers > 1:
        # Several processes: migrate once here, each worker only connects.
        from app import db

        if settings.is_sqlite:
            sys.exit("eksamihaldus: several workers need PostgreSQL (SQLite has one writer)")
        if settings.migrate_on_start:
            asyncio.run(db.apply_migrations(settings.database_url))
        with shared_metrics_directory():
            return serve_workers(
                "app.asgi:create_worker_app", host=host, port=port, workers=workers, **options
            )
    with shared_metrics_directory() if os.environ.get(METRICS_DIRECTORY) else nullcontext():
        from app.asgi import create_app

        app = create_app(settings)
        print(f"Eksamihaldus: GraphiQL at http://{host}:{port}/graphql")
        print("Sign in as a demo user: eksamihaldus demo-users")
        return serve_one(app, host=host, port=port, **options)


async def _token(args: argparse.Namespace) -> int:
    from app import db
    from app.auth import PERSONAL_VIEW, issue_token, load_key_ring
    from models.enums import Role
    from models.person import Person, RoleAssignment
    from models.personal_code import is_valid_personal_code

    settings = _settings()
    try:
        role = None if args.role == PERSONAL_VIEW else Role(args.role)
    except ValueError:
        print(f"eksamihaldus: unknown role {args.role}; one of: {', '.join(Role)}", file=sys.stderr)
        return 2
    if not is_valid_personal_code(args.person):
        print("eksamihaldus: that is not a valid Estonian personal code", file=sys.stderr)
        return 2
    await db.start(settings.database_url)
    try:
        person = await Person.get_or_none(personal_code=args.person)
        if role is None:  # the person's own view: every known person holds it
            if person is None:
                print("eksamihaldus: no such person here", file=sys.stderr)
                return 1
            keys = load_key_ring(settings)
            print(issue_token(keys, settings, person_id=person.id, role=None, organisation_id=None))
            return 0
        assignments = RoleAssignment.filter(person__personal_code=args.person, role=role)
        if args.organisation:
            assignments = assignments.filter(organisation__code=args.organisation)
        found = await assignments.values("organisation_id")
        if person is None or not found:
            print(
                "eksamihaldus: this person does not hold that role"
                + (" in that organisation" if args.organisation else ""),
                file=sys.stderr,
            )
            return 1
        if len(found) > 1:
            print(
                "eksamihaldus: the person holds this role in several organisations: "
                "name one with --organisation",
                file=sys.stderr,
            )
            return 1
        token = issue_token(
            load_key_ring(settings),
            settings,
            person_id=person.id,
            role=role,
            organisation_id=found[0]["organisation_id"],
        )
    finally:
        await db.close()
    print(token)
    return 0


def _demo_users(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from app.demo import DEMO_USERS

    table = Table(
        title="Demo users (eksamihaldus token --person CODE --role ROLE --organisation ORG)"
    )
    for column in ("personal code", "name", "role", "organisation", "org code", "try"):
        table.add_column(column)
    for user in DEMO_USERS:
        table.add_row(
            user.personal_code,
            f"{user.first_name} {user.last_name}",
            user.role.value,
            user.organisation_name or "",
            user.organisation_code or "",
            user.note,
        )
    Console().print(table)
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from app.graphql import export_sdl

    sys.stdout.write(export_sdl())
    return 0


async def _migrate(args: argparse.Namespace) -> int:
    from app import db

    settings = _settings()
    if settings.is_sqlite:
        db.ensure_sqlite_directory(settings.database_url)
    await db.apply_migrations(settings.database_url)
    print("migrations applied")
    if args.demo_data:
        from app.demo import load_demo_data
        from app.signing import signing_setup

        signing = signing_setup(settings)
        await db.connect(settings.database_url)
        try:
            loaded = await load_demo_data(signing if signing.person_keys else None)
        finally:
            await db.close()
        print("demo data loaded" if loaded else "the database has data: no demo data loaded")
    return 0


async def _demo_reset(args: argparse.Namespace) -> int:
    """Delete every row and load the demo data again (never in production)."""
    from app import db
    from app.demo import load_demo_data
    from app.signing import signing_setup

    settings = _settings()
    if settings.production:
        print(
            "eksamihaldus: demo-reset deletes every row and refuses to run with EH_PRODUCTION",
            file=sys.stderr,
        )
        return 2
    if settings.is_sqlite:
        db.ensure_sqlite_directory(settings.database_url)
    await db.apply_migrations(settings.database_url)
    signing = signing_setup(settings)
    await db.connect(settings.database_url)
    try:
        await db.empty_all_tables()
        await load_demo_data(signing if signing.person_keys else None)
    finally:
        await db.close()
    print("demo data reset: every row deleted and the demo data loaded (./dev demo-users)")
    return 0


async def _worker(args: argparse.Namespace) -> int:
    import signal

    from tortoise.exceptions import BaseORMException

    from app import db
    from mail.sender import email_sender
    from mail.worker import run_worker
    from models.notification import OutboxMessage

    settings = _settings()
    if settings.is_sqlite:
        db.ensure_sqlite_directory(settings.database_url)
    # The worker only connects: `serve` or `eksamihaldus migrate` migrates.
    await db.connect(settings.database_url)
    try:
        try:
            await OutboxMessage.exists()
        except (BaseORMException, OSError) as error:
            print(
                f"eksamihaldus: the database is not ready ({type(error).__name__}); "
                "run `eksamihaldus migrate` first",
                file=sys.stderr,
            )
            return 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, stop.set)
        await run_worker(
            email_sender(settings.smtp),
            stop,
            settings.mail_poll_seconds,
            mail_from=settings.mail_from,
        )
    finally:
        await db.close()
    return 0


async def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.imports import ehis_importer, run_import, standards_importer

    settings = _settings()
    paths = [Path(file) for file in args.files]
    if args.registry == "ehis":
        importer = ehis_importer(paths, dry_run=args.dry_run)
        return await run_import(settings, "EHIS import", importer, show_problems=args.show)
    if len(paths) != 1:
        print("eksamihaldus: a standards import reads one JSON file", file=sys.stderr)
        return 2
    importer = standards_importer(paths[0], dry_run=args.dry_run)
    return await run_import(settings, "Standards import", importer, show_problems=args.show)


async def _operations_add(args: argparse.Namespace) -> int:
    from app import db
    from app.graphql import build_schema
    from app.operations import ManifestError, add_documents, read_manifest

    settings = _settings()
    try:
        documents = read_manifest(Path(args.manifest), build_schema(settings)._schema)
    except ManifestError as error:
        print(f"eksamihaldus: nothing registered: {error}", file=sys.stderr)
        return 2
    await db.connect(settings.database_url)
    try:
        added, unchanged = await add_documents(documents)
    finally:
        await db.close()
    print(f"{added} operations registered, {unchanged} already registered")
    return 0


async def _operations_list(args: argparse.Namespace) -> int:
    from app import db
    from models.operation import TrustedOperation

    settings = _settings()
    await db.connect(settings.database_url)
    try:
        rows = (
            await TrustedOperation.all()
            .order_by("id")
            .values_list("document_id", "operation_names")
        )
    finally:
        await db.close()
    for document_id, names in rows:
        print(f"{document_id}  {names or '(anonymous)'}")
    return 0


def _add_operations_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    operations = commands.add_parser(
        "operations", help="trusted documents: eksamihaldus operations add MANIFEST.json"
    )
    actions = operations.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="register graphql-codegen's persisted-documents manifest (all or nothing)"
    )
    add.add_argument("manifest", help="persisted-documents.json: {hash: document}")
    add.set_defaults(run=lambda a: asyncio.run(_operations_add(a)))
    actions.add_parser(
        "list", help="print the registered documents' hashes and names"
    ).set_defaults(run=lambda a: asyncio.run(_operations_list(a)))


def _add_import_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    helps = {
        "ehis": (
            "schools, curricula and students from EHIS",
            "an EHIS .json file, or .csv files named *schools.csv, *curricula.csv, "
            "*students.csv (read together, in one transaction)",
        ),
        "standards": ("the register's occupational standards", "a standards .json file"),
    }
    for registry, (what, files) in helps.items():
        group = commands.add_parser(registry, help=f"{what}: eksamihaldus {registry} import FILE")
        actions = group.add_subparsers(dest="action", required=True)
        action = actions.add_parser(
            "import",
            help=f"import {what}; exit 0: all imported, 1: some rows rejected, 2: nothing changed",
        )
        action.add_argument("files", nargs="+", metavar="FILE", help=files)
        action.add_argument(
            "--dry-run", action="store_true", help="check and count everything, save nothing"
        )
        action.add_argument(
            "--show", type=int, default=20, metavar="N", help="print the first N row problems"
        )
        action.set_defaults(run=lambda a: asyncio.run(_import(a)), registry=registry)


def _assets(args: argparse.Namespace) -> int:
    from app.graphiql import fetch_assets

    fetch_assets()
    print("GraphiQL assets are in place")
    return 0


def _pki_init(args: argparse.Namespace) -> int:
    from signing.pki import DevelopmentPki

    directory = Path(args.directory) if args.directory else _settings().pki_dir
    pki = DevelopmentPki.create(directory)
    print(f"development PKI in {directory}")
    print(f"  root certificate:   {directory / 'root.cert.pem'}")
    print(f"  e-seal certificate: {directory / 'eseal.cert.pem'}")
    print(f"  timestamp server:   certomancer --config {pki.certomancer_config} animate --aiohttp")
    print("  signer certificates are issued on first use, one per person")
    return 0


async def _renew_timestamps(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from app import db
    from app.signing import signing_setup
    from models.workflow.renewal import renew_timestamps

    settings = _settings()
    setup = signing_setup(settings).long_term
    err = Console(stderr=True)
    await db.connect(settings.database_url)
    try:
        with Progress(
            TextColumn("archive timestamps"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("renew", total=None)
            report = await renew_timestamps(
                setup,
                margin=timedelta(days=args.within_days),
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    finally:
        await db.close()
    print(f"{report.checked} signed documents checked, {report.renewed} renewed")
    for kind, pk, reason in report.problems:
        print(f"  {kind} {pk}: {reason}")
    return 1 if report.problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        log_format, level = logging_from_env()
    except SettingsError as error:
        sys.exit(f"eksamihaldus: configuration error: {error}")
    configure(level, log_format)
    parser = argparse.ArgumentParser(
        prog="eksamihaldus", description="Vocational qualification exam management backend."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, load demo data if empty, serve the API")
    serve.add_argument("--host", help="address to listen on (default: $EH_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: $EH_PORT or 8000)")
    serve.add_argument(
        "--workers", type=int, help="processes, PostgreSQL only (default: $EH_WORKERS or 1)"
    )
    serve.set_defaults(run=_serve)

    token = commands.add_parser("token", help="print an access token for a person's role")
    token.add_argument("--person", required=True, help="personal code")
    token.add_argument(
        "--role",
        required=True,
        help="SCHOOL, AWARDING_BODY, ASSESSOR, ..., or PERSONAL for the person's own view",
    )
    token.add_argument("--organisation", help="EHIS code of the school or registry code")
    token.set_defaults(run=lambda a: asyncio.run(_token(a)))

    commands.add_parser("demo-users", help="list the demo people and roles").set_defaults(
        run=_demo_users
    )
    commands.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(
        run=_export_schema
    )
    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument(
        "--demo-data", action="store_true", help="then load the demo data into an empty database"
    )
    migrate.set_defaults(run=lambda a: asyncio.run(_migrate(a)))
    commands.add_parser(
        "demo-reset", help="delete every row and load the demo data again (not in production)"
    ).set_defaults(run=lambda a: asyncio.run(_demo_reset(a)))
    commands.add_parser(
        "worker", help="deliver the outbox's mails until SIGTERM or SIGINT"
    ).set_defaults(run=lambda a: asyncio.run(_worker(a)))
    commands.add_parser("assets", help="fetch GraphiQL's files for offline use").set_defaults(
        run=_assets
    )
    pki = commands.add_parser("pki", help="the development PKI: eksamihaldus pki init")
    pki_actions = pki.add_subparsers(dest="action", required=True)
    init = pki_actions.add_parser(
        "init", help="create the root CA, e-seal and timestamp authority (kept if present)"
    )
    init.add_argument("--directory", help="where to keep it (default: EH_PKI_DIR, var/pki)")
    init.set_defaults(run=_pki_init)
    documents = commands.add_parser("documents", help="signed documents: renew-timestamps")
    document_actions = documents.add_subparsers(dest="action", required=True)
    renew = document_actions.add_parser(
        "renew-timestamps",
        help="add an archive timestamp to every signed document whose newest timestamp's TSA "
        "certificate expires soon; idempotent; exit 1 if some could not be renewed",
    )
    renew.add_argument(
        "--within-days",
        type=int,
        default=365,
        metavar="N",
        help="renew when that certificate expires within N days (default 365)",
    )
    renew.set_defaults(run=lambda a: asyncio.run(_renew_timestamps(a)))
    _add_import_commands(commands)
    _add_operations_commands(commands)
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
