"""Default configuration and the rules that turn environment into settings."""

from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Placeholder that marks "no secret configured"; refused outside development and tests.
INSECURE_SECRET_KEY = "dev-only-insecure-key"

LANGUAGES = ("ky", "ru", "en")


class DefaultConfig:
    """Settings that hold when nothing else is configured."""

    SECRET_KEY = INSECURE_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled with SQLite in the instance folder
    # pre_ping replaces connections the database dropped (restart, failover) before use;
    # hide_parameters keeps values (e-mail addresses, hashes) out of logged database errors.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "ky"
    BABEL_DEFAULT_TIMEZONE = "Asia/Bishkek"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: Secure in production, not in debug runs and tests
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # Learners fill forms slowly on poor connections: the token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    # Form fields (not files) of one request: a long lesson in Cyrillic is 6 bytes a letter
    # once URL-encoded, and Werkzeug's default of 500 KB refused it.
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024

    # Uploads (portal/uploads): checked per file; MAX_CONTENT_LENGTH above must stay larger.
    UPLOAD_DIR = None  # filled with instance/uploads
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    # Videos are streamed to disk; the video upload form lifts the request limit to this.
    UPLOAD_VIDEO_MAX_BYTES = 200 * 1024 * 1024
    UPLOAD_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # DOCX/XLSX, as declared in the ZIP directory
    UPLOAD_MAX_IMAGE_PIXELS = 40_000_000  # refused from the header, before decoding
    UPLOAD_IMAGE_MAX_SIDE = 1600  # images are re-encoded to fit this box

    # Certificates (courses): a font with the Kyrgyz letters ө ү ң, embedded in every PDF.
    CERTIFICATE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    CERTIFICATE_FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    # Search (portal/search): the index is a cache of the database, rebuilt when missing.
    SEARCH_INDEX_DIR = None  # filled with instance/search-index
    SEARCH_WRITER_TIMEOUT = 30  # seconds to wait for the index writer lock
    SEARCH_APPLY_AFTER_REQUEST = True  # apply changes once a response is sent
    SEARCH_CHANGELOG_KEEP_DAYS = 30
    SEARCH_LOG_QUERIES = True
    # The server's master reads results' texts this long before forking, so that new workers
    # make their first snippets from warm word caches (0: only the warm-up queries).
    SEARCH_WARM_UP_SECONDS = 3.0
    SEARCH_RATE_LIMIT = "60 per minute;600 per hour"
    SEARCH_SUGGEST_RATE_LIMIT = "120 per minute"

    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-* to trust.
    TRUSTED_PROXIES = 0

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    REGISTER_RATE_LIMIT = "5 per minute;20 per hour"
    PASSWORD_RESET_RATE_LIMIT = "5 per minute;20 per hour"

    MAX_FAILED_LOGINS = 5
    LOGIN_LOCK_MINUTES = 15
    PASSWORD_RESET_MAX_AGE = 3600
    PASSWORD_MIN_LENGTH = 10

    MAIL_BACKEND = "console"  # console | smtp | memory
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "portal@localhost"

    PORTAL_NAME = "LSG Learning Portal"

    # portal/logs.py: "text" lines for people, "json" lines for log collectors; on stderr.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver SQLAlchemy should use."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigurationError(RuntimeError):
    """Raised when the portal must not start with the configuration it was given."""
