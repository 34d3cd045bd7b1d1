"""Settings from the environment, read in one place at app creation (never at import)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Mapping

from config.data import CONFIG_DIR


class ConfigError(RuntimeError):
    """A required setting is missing or malformed: the app refuses to start."""


def _database_uri(url: str | None, instance_path: Path) -> str:
    if not url:
        return f"sqlite:///{instance_path / 'gateway.db'}"
    # psycopg 3 is the driver we ship; accept the plain scheme people paste.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(uri: str) -> dict:
    """A database that does not answer must fail a request in seconds (then the message
    goes to the spool), not hang it past the provider's timeout.

    No pre-ping: a round trip before every request's first statement cost a tenth of the
    ingest path. Connections are recycled after 30 minutes instead, and a connection found
    dead (the database restarted) invalidates the whole pool on its first failed statement;
    the webhook retries once on a fresh connection (gateway.webhooks), jobs by rq's retry."""
    options: dict = {"pool_recycle": 1800}
    if uri.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": 5}
    return options


def _secret_key(env: Mapping[str, str], instance_path: Path) -> str:
    """SECRET_KEY from the environment; in development, one generated once and kept
    in instance/ so sessions survive restarts. In production a missing key is fatal."""
    key = env.get("SECRET_KEY")
    if key:
        return key
    if env.get("APP_ENV", "development") == "production":
        raise ConfigError("SECRET_KEY must be set when APP_ENV=production")
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    instance_path.mkdir(parents=True, exist_ok=True)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _list(env: Mapping[str, str], name: str) -> list[str]:
    return [part.strip() for part in env.get(name, "").split(",") if part.strip()]


def _rates(env: Mapping[str, str], name: str, default: dict[str, int]) -> dict[str, int]:
    """`sms=60,wechat=600`: segments per minute per channel."""
    rates = dict(default)
    for part in _list(env, name):
        channel, _, value = part.partition("=")
        try:
            rates[channel.strip()] = int(value)
        except ValueError as exc:
            raise ConfigError(f"{name}: {part!r} is not channel=number") from exc
    return rates


def _ints(env: Mapping[str, str], name: str, default: list[int]) -> list[int]:
    try:
        return [int(part) for part in _list(env, name)] or default
    except ValueError as exc:
        raise ConfigError(f"{name} must be whole numbers separated by commas") from exc


SMS_PROVIDERS = ("twilio", "tencent", "aliyun")


def _sms(env: Mapping[str, str]) -> dict:
    """Which provider sends SMS, and the secrets of the domestic ones (Tencent, Alibaba)."""
    provider = (env.get("SMS_PROVIDER") or "twilio").strip().lower()
    if provider not in SMS_PROVIDERS:
        raise ConfigError(f"SMS_PROVIDER must be one of {', '.join(SMS_PROVIDERS)}, got {provider!r}")
    secret = env.get("SMS_CALLBACK_SECRET") or None
    if provider != "twilio" and env.get("APP_ENV") == "production" and not secret:
        raise ConfigError(f"SMS_CALLBACK_SECRET must be set when SMS_PROVIDER={provider} in production")
    if secret is not None and len(secret) < 16:
        raise ConfigError("SMS_CALLBACK_SECRET must be at least 16 characters")
    return {
        "SMS_PROVIDER": provider,
        "SMS_CALLBACK_SECRET": secret,
        "SMS_CALLBACK_ALLOW": _list(env, "SMS_CALLBACK_ALLOW"),
        "TENCENT_SECRET_ID": env.get("TENCENT_SECRET_ID") or None,
        "TENCENT_SECRET_KEY": env.get("TENCENT_SECRET_KEY") or None,
        "TENCENT_SMS_APP_ID": env.get("TENCENT_SMS_APP_ID") or None,
        "TENCENT_SMS_REGION": env.get("TENCENT_SMS_REGION", "ap-guangzhou"),
        "TENCENT_SMS_ENDPOINT": env.get("TENCENT_SMS_ENDPOINT") or None,   # a proxy, or a fake in tests
        "ALIYUN_ACCESS_KEY_ID": env.get("ALIYUN_ACCESS_KEY_ID") or None,
        "ALIYUN_ACCESS_KEY_SECRET": env.get("ALIYUN_ACCESS_KEY_SECRET") or None,
        "ALIYUN_SMS_ENDPOINT": env.get("ALIYUN_SMS_ENDPOINT") or None,
    }


def _onduty(env: Mapping[str, str]) -> list[str]:
    """Phones paged for urgent petitions. In production nobody-to-page is fatal: a danger
    would reach no person (the app warns at start in development, see core.app)."""
    phones = _list(env, "ONDUTY_PHONES")
    if not phones and env.get("APP_ENV", "development") == "production":
        raise ConfigError("ONDUTY_PHONES must name at least one phone when APP_ENV=production")
    return phones


def _phone_book(env: Mapping[str, str], name: str) -> dict[str, list[str]]:
    """`hrss=+8613900000001 +8613900000002,township_gov:dongtun=+8613900000003`: phones per unit
    (a department code, or township_gov:<township> for a township's government)."""
    book: dict[str, list[str]] = {}
    for part in _list(env, name):
        unit, sep, phones = part.partition("=")
        if not sep or not unit.strip() or not phones.split():
            raise ConfigError(f"{name}: {part!r} is not unit=phone [phone ...]")
        book[unit.strip()] = phones.split()
    return book


def load_settings(instance_path: str | Path, env: Mapping[str, str] | None = None) -> dict:
    """Flask config keys built from the environment."""
    env = os.environ if env is None else env
    instance_path = Path(instance_path)
    return {
        "APP_ENV": env.get("APP_ENV", "development"),
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_uri(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(_database_uri(env.get("DATABASE_URL"), instance_path)),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "RQ_QUEUE": env.get("RQ_QUEUE", "gateway"),  # outbound sends; "<name>-urgent" goes first
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or None,
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_FROM": env.get("TWILIO_FROM") or None,
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
        "WECHAT_TOKEN": env.get("WECHAT_TOKEN") or None,
        "WECHAT_APP_ID": env.get("WECHAT_APP_ID") or None,
        "WECHAT_APP_SECRET": env.get("WECHAT_APP_SECRET") or None,
        "WECHAT_AES_KEY": env.get("WECHAT_AES_KEY") or None,
        "WECHAT_API_BASE": (env.get("WECHAT_API_BASE") or "https://api.weixin.qq.com").rstrip("/"),
        "TWILIO_API_BASE": (env.get("TWILIO_API_BASE") or "").rstrip("/") or None,
        "OUTBOUND_SEGMENTS_PER_MINUTE": _rates(env, "OUTBOUND_SEGMENTS_PER_MINUTE",
                                               {"sms": 60, "whatsapp": 60, "messenger": 60, "wechat": 600}),
        "OUTBOUND_RETRY_DELAYS": _ints(env, "OUTBOUND_RETRY_DELAYS", [10, 60, 300, 1800]),
        # Short: a hanging provider must not hold a worker (classification has its own queue).
        "SEND_TIMEOUT": _float(env, "SEND_TIMEOUT", 5.0),
        "SWEEP_GRACE_SECONDS": _int(env, "SWEEP_GRACE_SECONDS", 60),
        "SWEEP_INTERVAL_SECONDS": _int(env, "SWEEP_INTERVAL_SECONDS", 30),
        "ALERT_PENDING_SECONDS": _int(env, "ALERT_PENDING_SECONDS", 300),
        "ALERT_REPEAT_MINUTES": _int(env, "ALERT_REPEAT_MINUTES", 30),
        "SPOOL_DIR": Path(env.get("SPOOL_DIR") or instance_path / "spool"),
        "OPEN311_JURISDICTION": env.get("OPEN311_JURISDICTION", "yanjin"),
        "OPEN311_CONTACT": env.get("OPEN311_CONTACT", "延津县信访局"),
        "CONFIG_DIR": Path(env.get("GATEWAY_CONFIG_DIR") or CONFIG_DIR),
        "MODEL_DIR": Path(env.get("MODEL_DIR") or instance_path / "models"),
        # where `flask reports build` archives and the console lists the periodic reports
        "REPORTS_DIR": Path(env.get("REPORTS_DIR") or instance_path / "reports"),
        "TIMEZONE": env.get("TIMEZONE", "Asia/Shanghai"),
        "LANGUAGE": env.get("LANGUAGE_DEFAULT", "zh"),
        "TRIAGE_THRESHOLD": _float(env, "TRIAGE_THRESHOLD", 0.6),
        # weight of one imported ledger row in `nlp train` (a seed example weighs 1; 0 leaves
        # the county's history out of training): docs/decisions.md
        "LEDGER_TRAINING_WEIGHT": _float(env, "LEDGER_TRAINING_WEIGHT", 1.0),
        "ONDUTY_PHONES": _onduty(env),
        "LEADER_PHONES": _list(env, "LEADER_PHONES"),  # the bureau's leaders: one page per group petition
        "FLOOD_LIMIT": _int(env, "FLOOD_LIMIT", 20),
        "FLOOD_WINDOW_MINUTES": _int(env, "FLOOD_WINDOW_MINUTES", 10),
        "THREAD_WINDOW_MINUTES": _int(env, "THREAD_WINDOW_MINUTES", 5),
        # village information officers: the day of the month from which non-reporters are reminded
        "INFORMANT_REMIND_DAY": min(max(_int(env, "INFORMANT_REMIND_DAY", 25), 1), 28),
        "MAX_BODY_CHARS": _int(env, "MAX_BODY_CHARS", 5000),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 256 * 1024),
        **_sms(env),
        **_security(env),
        # Workflow (docs/supervision.md): 签收 limit, reminders, who is told, 回访, scanned letters.
        "SIGN_FOR_DAYS": _int(env, "SIGN_FOR_DAYS", 3),
        "REMIND_DAYS_BEFORE": _int(env, "REMIND_DAYS_BEFORE", 3),
        "CALLBACK_DAYS": _int(env, "CALLBACK_DAYS", 7),
        "SUPERVISE_HOUR": _int(env, "SUPERVISE_HOUR", 8),
        "UNIT_PHONES": _phone_book(env, "UNIT_PHONES"),
        "UNIT_HEAD_PHONES": _phone_book(env, "UNIT_HEAD_PHONES"),
        "BUREAU_PHONES": _list(env, "BUREAU_PHONES"),
        "ID_ENCRYPTION_KEY": env.get("ID_ENCRYPTION_KEY") or None,
        "ATTACHMENT_DIR": Path(env.get("ATTACHMENT_DIR") or instance_path / "attachments"),
        "ATTACHMENT_MAX_BYTES": _int(env, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
        "ATTACHMENT_MAX_FILES": _int(env, "ATTACHMENT_MAX_FILES", 5),
        # the written documents' PDFs (受理告知书, 处理意见书...): docs/documents.md
        "DOCUMENT_DIR": Path(env.get("DOCUMENT_DIR") or instance_path / "documents"),
    }


def _security(env: Mapping[str, str]) -> dict:
    """Sessions, limits and caps (docs/security.md says what each promises)."""
    production = env.get("APP_ENV", "development") == "production"
    return {
        # Flask's own keys: set outright (Flask's defaults exist, so setdefault would do nothing).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int(env, "SESSION_HOURS", 8)),
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30),
        "TRUSTED_PROXY_COUNT": _int(env, "TRUSTED_PROXY_COUNT", 0),
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
        # prometheus-client's multiprocess folder (gunicorn and rq workers of one host); the
        # library reads the variable itself at import, this tells /metrics to add them up
        "PROMETHEUS_MULTIPROC_DIR": env.get("PROMETHEUS_MULTIPROC_DIR") or None,
        "CASE_TEXT_LIMIT": _int(env, "CASE_TEXT_LIMIT", 20_000),
        "DAILY_CASE_LIMIT": _int(env, "DAILY_CASE_LIMIT", 10),
        "PAGE_HOURLY_LIMIT": _int(env, "PAGE_HOURLY_LIMIT", 10),
        "WEBCHAT_CASES_PER_HOUR": _int(env, "WEBCHAT_CASES_PER_HOUR", 5),
        "LOGIN_RATE": env.get("LOGIN_RATE", "20 per minute;200 per hour"),
        "OPEN311_POST_RATE": env.get("OPEN311_POST_RATE", "60 per hour"),
        "SIMULATOR_PREFIX": env.get("SIMULATOR_PREFIX", "+86100"),
        "WECHAT_MAX_SKEW_SECONDS": _int(env, "WECHAT_MAX_SKEW_SECONDS", 300),
    }


def check_production(config: Mapping) -> None:
    """Fail closed: in production a webhook whose signature cannot be checked would accept
    anyone's post as a citizen's, so the app refuses to start without its secret."""
    if config.get("APP_ENV") != "production":
        return
    provider = config.get("SMS_PROVIDER", "twilio")
    if provider == "twilio" and not config.get("TWILIO_AUTH_TOKEN"):
        raise ConfigError("TWILIO_AUTH_TOKEN must be set when APP_ENV=production: "
                          "without it Twilio's signature cannot be checked")
    if provider != "twilio" and not config.get("SMS_CALLBACK_SECRET"):
        raise ConfigError(f"SMS_CALLBACK_SECRET must be set when SMS_PROVIDER={provider} in production")
    wechat = any(config.get(k) for k in ("WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_AES_KEY"))
    if wechat and not config.get("WECHAT_TOKEN"):
        raise ConfigError("WECHAT_TOKEN must be set when APP_ENV=production and WeChat is enabled")
