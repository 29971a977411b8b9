"""Configuration from the environment.

Every setting is read from an environment variable of the same name.  The only
built-in defaults are harmless ones; secrets and the database have none outside
development mode (``PORTAL_DEV=1``, set by ``portal run``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the environment lacks a setting the portal cannot run without."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def normalize_db_url(url: str) -> str:
    """Make plain ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config dict from the environment plus explicit overrides."""
    env = os.environ
    dev = _bool(env.get("PORTAL_DEV"))
    cfg: dict[str, Any] = {
        "PORTAL_DEV": dev,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "DATABASE_URL": env.get("DATABASE_URL"),
        "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "BABEL_DEFAULT_LOCALE": "kk",
        "BABEL_DEFAULT_TIMEZONE": env.get("PORTAL_TIMEZONE", "Asia/Almaty"),
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), default=not dev),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), default=not dev),
        "PERMANENT_SESSION_LIFETIME": _int("PORTAL_SESSION_HOURS", 12) * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_FROM": env.get("MAIL_FROM", "1414 <noreply@1414.kz>"),
        # E-mail appeals mailbox (Rules No. 83, cl. 8); intake is off while IMAP_HOST is empty.
        "IMAP_HOST": env.get("IMAP_HOST", ""),
        "IMAP_PORT": env.get("IMAP_PORT", ""),
        "IMAP_USER": env.get("IMAP_USER", ""),
        "IMAP_PASSWORD": env.get("IMAP_PASSWORD", ""),
        "IMAP_SSL": env.get("IMAP_SSL", ""),
        "IMAP_STARTTLS": env.get("IMAP_STARTTLS", ""),
        "IMAP_MAILBOX": env.get("IMAP_MAILBOX", "INBOX"),
        # API searches are logged in batches: at most this many seconds late (0: at once).
        "KB_API_LOG_WAIT": float(_int("KB_API_LOG_WAIT_MS", 1000)) / 1000,
        # Monthly report PDFs are rendered in chunks on several processes.
        "REPORT_PDF_WORKERS": _int("REPORT_PDF_WORKERS", min(os.cpu_count() or 1, 4)),
        "REPORT_PDF_CHUNK_ROWS": _int("REPORT_PDF_CHUNK_ROWS", 250),
        "REPORT_ATTACH_MAX_BYTES": _int("REPORT_ATTACH_MAX_BYTES", 10 * 1024 * 1024),
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": env.get("SMS_GATEWAY_TOKEN", ""),
        "RQ_QUEUE": env.get("RQ_QUEUE", "portal"),
        # Outbox delivery: retry with doubling back-off, give up after N attempts.
        "OUTBOX_RETRY_SECONDS": _int("OUTBOX_RETRY_SECONDS", 60),
        "OUTBOX_RETRY_MAX_SECONDS": _int("OUTBOX_RETRY_MAX_SECONDS", 3600),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 20),
        # Reminders: working days before the due date, at this Astana hour.
        "REMINDER_STAGES": env.get("REMINDER_STAGES", "2,1,0"),
        "REMINDER_HOUR": _int("REMINDER_HOUR", 9),
        "REMINDER_ESCALATION_REPEAT": _int("REMINDER_ESCALATION_REPEAT", 1),
        "DATA_DIR": Path(env.get("PORTAL_DATA_DIR", str(ROOT / "var"))),
        "TESTING": False,
    }
    if overrides:
        cfg.update(overrides)
    if cfg["DATABASE_URL"]:
        cfg["DATABASE_URL"] = normalize_db_url(cfg["DATABASE_URL"])
    _check_required(cfg)
    return cfg


def _check_required(cfg: dict[str, Any]) -> None:
    """Refuse to start outside development without the settings production needs."""
    if cfg["PORTAL_DEV"] or cfg["TESTING"]:
        missing = [k for k in ("DATABASE_URL",) if not cfg.get(k)]
    else:
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not cfg.get(k)]
    if missing:
        raise ConfigError(
            "Missing required environment variable(s): "
            + ", ".join(missing)
            + ". Set them, or use `portal run` for a development instance."
        )
    if not cfg.get("SECRET_KEY"):
        # Development only: a per-checkout random key kept under var/.
        cfg["SECRET_KEY"] = dev_secret_key(Path(cfg["DATA_DIR"]))


def dev_secret_key(data_dir: Path) -> str:
    """Return (creating once) the development secret key stored in the data dir."""
    import secrets

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
