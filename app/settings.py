"""Settings read once from the environment; every default works for a first run."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tortoise.backends.base.config_generator import expand_db_url

from app.cors import DEVELOPMENT_ORIGINS, OriginPatternError, check_pattern
from integrations.oidc import OidcConfig
from mail.message import DEFAULT_MAIL_FROM

if TYPE_CHECKING:
    from mail.sender import SmtpConfig

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
    "models.compensation",
    "models.operation",
    "models.appeal",
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


def _port(name: str, default: int) -> int:
    port = _int(name, default)
    if port > 65535:
        raise SettingsError(f"{name} must be at most 65535")
    return port


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise SettingsError(f"{name} must be one of: {', '.join(choices)}")
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


SMTP_TLS_MODES = ("none", "starttls", "tls")


def _mail_from(name: str) -> str:
    value = os.environ.get(name) or DEFAULT_MAIL_FROM
    if "\n" in value or "\r" in value or "@" not in parseaddr(value)[1]:
        raise SettingsError(f"{name} must be an e-mail address, e.g. Name <noreply@example.ee>")
    return value


_OIDC = {
    "issuer": "EH_OIDC_ISSUER",
    "authorization_endpoint": "EH_OIDC_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "EH_OIDC_TOKEN_ENDPOINT",
    "jwks_uri": "EH_OIDC_JWKS_URI",
    "client_id": "EH_OIDC_CLIENT_ID",
    "client_secret": "EH_OIDC_CLIENT_SECRET",
}


def _oidc(public_url: str) -> OidcConfig | None:
    """All of the provider's settings, or none (then /auth/login says sign-in is off)."""
    values = {key: os.environ.get(name, "") for key, name in _OIDC.items()}
    given = [name for key, name in _OIDC.items() if values[key]]
    if not given:
        return None
    missing = [name for key, name in _OIDC.items() if not values[key]]
    if missing:
        raise SettingsError(f"OpenID Connect sign-in also needs {', '.join(missing)}")
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not values[key].startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise SettingsError(f"{_OIDC[key]} must be an https:// URL")
    redirect = os.environ.get("EH_OIDC_REDIRECT_URI") or f"{public_url}/auth/callback"
    return OidcConfig(
        issuer=values["issuer"],
        authorization_endpoint=values["authorization_endpoint"],
        token_endpoint=values["token_endpoint"],
        jwks_uri=values["jwks_uri"],
        client_id=values["client_id"],
        client_secret=values["client_secret"],
        redirect_uri=redirect,
    )


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "asyncpg")


def _database_url(name: str = "DATABASE_URL") -> str:
    """The database URL, checked piece by piece; a message names the piece, never the value
    (the URL may carry a password)."""
    url = os.environ.get(name) or default_database_url()
    scheme, separator, rest = url.partition("://")
    if not separator or scheme not in DATABASE_SCHEMES:
        raise SettingsError(f"{name} must start with sqlite://, postgres:// or postgresql://")
    if scheme == "sqlite":
        if not rest:
            raise SettingsError(f"{name} must name a file after sqlite://")
        return url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise SettingsError(f"{name} has a malformed host or port") from None
    if not parts.hostname:
        raise SettingsError(f"{name} must name the database server's host")
    if not parts.path.strip("/"):
        raise SettingsError(f"{name} must name the database after the host, e.g. .../eksamihaldus")
    return url


def _public_url(name: str = "EH_PUBLIC_URL") -> str:
    value = (os.environ.get(name) or "http://127.0.0.1:8000").rstrip("/")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise SettingsError(f"{name} must be an http:// or https:// URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(f"{name} must be an http:// or https:// URL")
    return value


def cors_origins_from_env(production: bool) -> tuple[str, ...]:
    """EH_CORS_ORIGINS: comma-separated origin patterns; development allows localhost."""
    raw = os.environ.get("EH_CORS_ORIGINS")
    if raw is None:
        return () if production else DEVELOPMENT_ORIGINS
    try:
        return tuple(check_pattern(p.strip()) for p in raw.split(",") if p.strip())
    except OriginPatternError as error:
        raise SettingsError(f"EH_CORS_ORIGINS: {error}") from None


LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def logging_from_env() -> tuple[str, str]:
    """EH_LOG_FORMAT and EH_LOG_LEVEL: read before anything else, since logging comes first."""
    log_format = _choice("EH_LOG_FORMAT", "text", LOG_FORMATS)
    level = (os.environ.get("EH_LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"EH_LOG_LEVEL must be one of: {', '.join(LOG_LEVELS)}")
    return log_format, level


def _existing_file(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    path = Path(raw) if raw else default
    if not path.is_file():
        raise SettingsError(f"{name} must name a readable file")
    return path


def _signing(production: bool) -> dict[str, Any]:
    key, certificate = os.environ.get("EH_ESEAL_KEY_FILE"), os.environ.get("EH_ESEAL_CERT_FILE")
    if bool(key) != bool(certificate):
        raise SettingsError(
            "EH_ESEAL_KEY_FILE and EH_ESEAL_CERT_FILE are set together or not at all"
        )
    if production and not key:
        raise SettingsError("EH_ESEAL_KEY_FILE and EH_ESEAL_CERT_FILE are required in production")
    tsa_url = os.environ.get("EH_TSA_URL") or None
    if production and not tsa_url:
        raise SettingsError("EH_TSA_URL is required in production")
    if tsa_url and not tsa_url.startswith(("http://", "https://")):
        raise SettingsError("EH_TSA_URL must be an http:// or https:// URL")
    ocsp_url = os.environ.get("EH_OCSP_URL") or None
    if ocsp_url and not ocsp_url.startswith(("http://", "https://")):
        raise SettingsError("EH_OCSP_URL must be an http:// or https:// URL")
    return {
        "pki_dir": Path(os.environ.get("EH_PKI_DIR", VAR_DIR / "pki")),
        "tsa_url": tsa_url,
        "ocsp_url": ocsp_url,
        "ocsp_timeout_seconds": _int("EH_OCSP_TIMEOUT_SECONDS", 10, minimum=1),
        "server_signing": _bool("EH_SERVER_SIGNING", not production),
        "trust_development_pki": _bool("EH_TRUST_DEVELOPMENT_PKI", not production),
        "eseal_key_file": _existing_file("EH_ESEAL_KEY_FILE", Path()) if key else None,
        "eseal_certificate_file": _existing_file("EH_ESEAL_CERT_FILE", Path()) if key else None,
        "signing_session_seconds": _int("EH_SIGNING_SESSION_SECONDS", 300, minimum=30),
        "verify_max_bytes": _int("EH_VERIFY_MAX_BYTES", 20 * 1024 * 1024, minimum=1024),
    }


def _sk_service(prefix: str, production: bool) -> dict[str, Any]:
    """Smart-ID or Mobile-ID: off until its URL is set; then the relying party's UUID and
    name are needed, and for https the PEM file of SK's pinned API certificates."""
    name = prefix.lower()
    url = os.environ.get(f"EH_{prefix}_URL") or None
    if url is None:
        return {f"{name}_url": None}
    from integrations.sk.common import check_service_url

    try:
        url = check_service_url(url)
    except ValueError:
        raise SettingsError(
            f"EH_{prefix}_URL must be https://, or http:// on loopback (the simulator)"
        ) from None
    if production and url.startswith("http://"):
        raise SettingsError(f"EH_{prefix}_URL: the simulator is never used in production")
    uuid_, party = (
        os.environ.get(f"EH_{prefix}_RELYING_PARTY_UUID"),
        os.environ.get(f"EH_{prefix}_RELYING_PARTY_NAME"),
    )
    if not uuid_ or not party:
        raise SettingsError(
            f"EH_{prefix}_RELYING_PARTY_UUID and EH_{prefix}_RELYING_PARTY_NAME are required "
            f"with EH_{prefix}_URL"
        )
    pinned = os.environ.get(f"EH_{prefix}_TLS_CERTIFICATES") or None
    if url.startswith("https://") and not pinned:
        raise SettingsError(
            f"EH_{prefix}_TLS_CERTIFICATES (PEM of SK's API certificates) is required for https"
        )
    return {
        f"{name}_url": url,
        f"{name}_relying_party_uuid": uuid_,
        f"{name}_relying_party_name": party,
        f"{name}_tls_certificates": (
            _existing_file(f"EH_{prefix}_TLS_CERTIFICATES", Path()) if pinned else None
        ),
    }


def _phone_signing(production: bool) -> dict[str, Any]:
    return {
        **_sk_service("SMART_ID", production),
        **_sk_service("MOBILE_ID", production),
        "signing_long_poll_ms": _int("EH_SIGNING_LONG_POLL_MS", 5000, minimum=1000),
        "signing_lease_seconds": _int("EH_SIGNING_LEASE_SECONDS", 30, minimum=2),
        "signing_workers": _int("EH_SIGNING_WORKERS", 2, minimum=0),
        "signing_start_wait_ms": _int("EH_SIGNING_START_WAIT_MS", 500, minimum=0),
    }


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
    # A GraphQL request body other than an upload (JSON, however it arrives); uploads are
    # bounded by verify_max_bytes and room for the multipart envelope.
    max_body_bytes: int = 1024 * 1024
    # On PostgreSQL, `exam` and `exams` are answered by one compiled statement each
    # (resolvers/compiled); off: every field takes the resolver path, as on SQLite.
    compiled_reads: bool = True
    # Behaviour
    production: bool = False
    load_demo_data: bool = True
    # Serving: `serve` listens here with this many processes; a deployment that runs
    # `eksamihaldus migrate` and `eksamihaldus worker` on their own turns the last two off.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    migrate_on_start: bool = True
    mail_in_serve: bool = True
    shutdown_timeout_seconds: int = 25
    log_format: str = "text"
    log_level: str = "INFO"
    # Mail: with no SMTP host, mails are written to the log (and stay readable in the app).
    # A CSV export of the population register (personal_code, first_name, last_name); the
    # X-tee service itself cannot be reached from here.
    population_register_file: Path = (
        PROJECT_ROOT / "integrations" / "population_register" / ("local_register.csv")
    )
    # OpenID Connect sign-in (the state authentication service); None when not configured.
    oidc: OidcConfig | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_tls: str = "none"
    smtp_timeout_seconds: int = 30
    mail_from: str = DEFAULT_MAIL_FROM
    mail_poll_seconds: int = 2
    # Signing: the development PKI (server-held keys, local timestamps) unless configured.
    pki_dir: Path = VAR_DIR / "pki"
    tsa_url: str | None = None
    ocsp_url: str | None = None
    ocsp_timeout_seconds: int = 10
    server_signing: bool = True
    trust_development_pki: bool = True
    eseal_key_file: Path | None = None
    eseal_certificate_file: Path | None = None
    signing_session_seconds: int = 300
    verify_max_bytes: int = 20 * 1024 * 1024
    # Trusted documents: run only operations registered with `eksamihaldus operations add`.
    trusted_documents_only: bool = False
    # Signed download links (`documentDownloadUrl`, `extractDownloadUrl`) live this long.
    download_url_seconds: int = 300
    # Appeals: the largest PDF attachment accepted (decoded bytes).
    appeal_attachment_max_bytes: int = 5 * 1024 * 1024
    # Browsers on these origins may call the API (CORS) and open live-update sockets
    # (app/cors.py has the pattern syntax); production allows none unless configured.
    cors_origins: tuple[str, ...] = ("http://localhost:*",)
    # Live updates: at most this many operations at once on one WebSocket.
    ws_max_subscriptions: int = 20
    # Smart-ID and Mobile-ID (SK): off while the URL is None; see README "Smart-ID and
    # Mobile-ID". One long poll of a session's status, and how long a process's claim on a
    # session lasts before another process may take it over.
    smart_id_url: str | None = None
    smart_id_relying_party_uuid: str = ""
    smart_id_relying_party_name: str = ""
    smart_id_tls_certificates: Path | None = None
    mobile_id_url: str | None = None
    mobile_id_relying_party_uuid: str = ""
    mobile_id_relying_party_name: str = ""
    mobile_id_tls_certificates: Path | None = None
    signing_long_poll_ms: int = 5000
    signing_lease_seconds: int = 30
    # Worker processes for CPU-bound document work (signing/workers.py); 0: a thread.
    signing_workers: int = 2
    # Smart-ID/Mobile-ID: how long a start waits for the verification code (then it follows).
    signing_start_wait_ms: int = 500

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def smtp(self) -> SmtpConfig | None:
        """The SMTP server to deliver mail through; None when mail goes to the log."""
        from mail.sender import SmtpConfig, TlsMode

        if not self.smtp_host:
            return None
        return SmtpConfig(
            host=self.smtp_host,
            port=self.smtp_port,
            username=self.smtp_username,
            password=self.smtp_password,
            tls=TlsMode(self.smtp_tls),
            timeout_seconds=self.smtp_timeout_seconds,
        )

    @classmethod
    def from_env(cls) -> Settings:
        url = _database_url()
        public_url = _public_url()
        log_format, log_level = logging_from_env()
        algorithm = os.environ.get("EH_JWT_ALGORITHM", "ES256")
        if algorithm not in {"ES256", "RS256"}:
            raise SettingsError("EH_JWT_ALGORITHM must be ES256 or RS256")
        public_keys = os.environ.get("EH_JWT_PUBLIC_KEYS_FILE")
        production = _bool("EH_PRODUCTION", False)
        if production and not public_keys:
            raise SettingsError("EH_JWT_PUBLIC_KEYS_FILE is required when EH_PRODUCTION is true")
        smtp_tls = os.environ.get("EH_SMTP_TLS") or "none"
        if smtp_tls not in SMTP_TLS_MODES:
            raise SettingsError("EH_SMTP_TLS must be none, starttls or tls")
        smtp_username = os.environ.get("EH_SMTP_USERNAME") or None
        smtp_password = os.environ.get("EH_SMTP_PASSWORD") or None
        if bool(smtp_username) != bool(smtp_password):
            raise SettingsError(
                "EH_SMTP_USERNAME and EH_SMTP_PASSWORD are set together or not at all"
            )
        smtp_port = _port("EH_SMTP_PORT", 25)
        return cls(
            database_url=url,
            public_url=public_url,
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
            max_body_bytes=_int("EH_MAX_BODY_BYTES", 1024 * 1024, minimum=4096),
            appeal_attachment_max_bytes=_int(
                "EH_APPEAL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024
            ),
            production=production,
            load_demo_data=_bool("EH_DEMO_DATA", not production),
            host=os.environ.get("EH_HOST") or "127.0.0.1",
            port=_port("EH_PORT", 8000),
            workers=_int("EH_WORKERS", 1),
            migrate_on_start=_bool("EH_MIGRATE_ON_START", True),
            mail_in_serve=_bool("EH_MAIL_IN_SERVE", True),
            compiled_reads=_bool("EH_COMPILED_READS", True),
            shutdown_timeout_seconds=_int("EH_SHUTDOWN_TIMEOUT_SECONDS", 25),
            log_format=log_format,
            log_level=log_level,
            smtp_host=os.environ.get("EH_SMTP_HOST") or None,
            smtp_port=smtp_port,
            smtp_username=smtp_username,
            smtp_password=smtp_password,
            smtp_tls=smtp_tls,
            smtp_timeout_seconds=_int("EH_SMTP_TIMEOUT_SECONDS", 30),
            mail_from=_mail_from("EH_MAIL_FROM"),
            mail_poll_seconds=_int("EH_MAIL_POLL_SECONDS", 2),
            trusted_documents_only=_bool("EH_TRUSTED_DOCUMENTS_ONLY", False),
            download_url_seconds=_int("EH_DOWNLOAD_URL_SECONDS", 300, minimum=10),
            **_signing(production),
            cors_origins=cors_origins_from_env(production),
            ws_max_subscriptions=_int("EH_WS_MAX_SUBSCRIPTIONS", 20),
            **_phone_signing(production),
            oidc=_oidc(public_url),
            population_register_file=_existing_file(
                "EH_POPULATION_REGISTER_FILE",
                PROJECT_ROOT / "integrations" / "population_register" / "local_register.csv",
            ),
        )


def tortoise_config(database_url: str) -> dict[str, object]:
    """The Tortoise configuration for one database; migrations live in models/migrations."""
    url = database_url.replace("postgresql://", "postgres://", 1)
    connection: str | dict[str, Any] = url
    if url.startswith("postgres://"):
        from tortoise.exceptions import ConfigurationError

        from app.pgconnection import connection_options

        try:
            connection = expand_db_url("asyncpg://" + url[len("postgres://") :])
            connection["credentials"].update(connection_options())
        except (ConfigurationError, ValueError):
            connection = url  # malformed: Settings names the variable when it is read
    elif url.startswith("sqlite://"):
        # Unicode UPPER/LOWER, so that searches ignore case in Estonian as on PostgreSQL.
        connection = {**expand_db_url(url), "engine": "models.sqlite_unicode"}
    return {
        "connections": {"default": connection},
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
