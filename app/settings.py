"""Settings read once from the environment; every default works for a first run."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EH_VAR_DIR", PROJECT_ROOT / "var"))

MODEL_MODULES = [
    "models.organisation",
    "models.person",
    "models.standard",
    "models.curriculum",
    "models.student",
    "models.exam",
    "models.group",
    "models.participant",
    "models.protocol",
    "models.certificate",
    "models.notification",
    "models.audit",
]


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message never echoes secrets."""


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false")


def default_database_url() -> str:
    return f"sqlite://{VAR_DIR / 'eksamihaldus.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    public_url: str = "http://127.0.0.1:8000"
    # Tokens
    jwt_issuer: str = "eksamihaldus"
    jwt_audience: str = "eksamihaldus-api"
    jwt_algorithm: str = "ES256"
    jwt_private_key_file: Path = VAR_DIR / "keys" / "jwt-private.pem"
    jwt_public_keys_file: Path | None = None
    jwt_ttl_seconds: int = 3600
    # Request limits
    max_query_depth: int = 12
    max_query_tokens: int = 2000
    max_aliases: int = 15
    max_query_cost: int = 100_000
    # Behaviour
    production: bool = False
    load_demo_data: bool = True

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("DATABASE_URL") or default_database_url()
        if not url.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
            raise SettingsError(
                "DATABASE_URL must start with sqlite://, postgres:// or postgresql://"
            )
        algorithm = os.environ.get("EH_JWT_ALGORITHM", "ES256")
        if algorithm not in {"ES256", "RS256"}:
            raise SettingsError("EH_JWT_ALGORITHM must be ES256 or RS256")
        public_keys = os.environ.get("EH_JWT_PUBLIC_KEYS_FILE")
        production = _bool("EH_PRODUCTION", False)
        if production and not public_keys:
            raise SettingsError("EH_JWT_PUBLIC_KEYS_FILE is required when EH_PRODUCTION is true")
        return cls(
            database_url=url,
            public_url=os.environ.get("EH_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            jwt_issuer=os.environ.get("EH_JWT_ISSUER", "eksamihaldus"),
            jwt_audience=os.environ.get("EH_JWT_AUDIENCE", "eksamihaldus-api"),
            jwt_algorithm=algorithm,
            jwt_private_key_file=Path(
                os.environ.get("EH_JWT_PRIVATE_KEY_FILE", VAR_DIR / "keys" / "jwt-private.pem")
            ),
            jwt_public_keys_file=Path(public_keys) if public_keys else None,
            jwt_ttl_seconds=_int("EH_JWT_TTL_SECONDS", 3600, minimum=60),
            max_query_depth=_int("EH_MAX_QUERY_DEPTH", 12),
            max_query_tokens=_int("EH_MAX_QUERY_TOKENS", 2000),
            max_aliases=_int("EH_MAX_ALIASES", 15),
            max_query_cost=_int("EH_MAX_QUERY_COST", 100_000),
            production=production,
            load_demo_data=_bool("EH_DEMO_DATA", not production),
        )


def tortoise_config(database_url: str) -> dict[str, object]:
    """The Tortoise configuration for one database; migrations live in models/migrations."""
    url = database_url.replace("postgresql://", "postgres://", 1)
    if url.startswith("postgres://"):
        url = "asyncpg://" + url[len("postgres://") :]
    return {
        "connections": {"default": url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL") or default_database_url())
