"""Gunicorn settings for the portal: gunicorn -c gunicorn.conf.py portal.wsgi:app

Environment: PORTAL_BIND (default 127.0.0.1:8000), PORTAL_WORKERS or WEB_CONCURRENCY (default
2 × CPUs), PORTAL_TIMEOUT (seconds, default 60), PORTAL_LOG_FORMAT (text | json) and
PORTAL_LOG_LEVEL; the portal's own settings come from instance/config.py and PORTAL_*.
"""

import gc
import os

from gunicorn.glogging import Logger

from portal.logs import gunicorn_logging, path_without_secrets


def usable_cpus() -> int:
    """CPUs this process may run on (a container or systemd CPUAffinity may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "portal.wsgi:app"
bind = [os.environ.get("PORTAL_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("PORTAL_WORKERS") or os.environ.get("WEB_CONCURRENCY") or 0)
workers = workers or 2 * usable_cpus()
# Sync workers: nginx buffers slow clients' requests and responses, so a worker is never
# held by a learner's slow connection.
worker_class = "sync"
timeout = int(os.environ.get("PORTAL_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # used by threaded workers and keep-alive proxies; sync workers close anyway
# A worker restarts after this many requests (jittered so they do not all restart at once),
# which bounds any slow leak.
max_requests = 1000
max_requests_jitter = 100
# The app is built once in the master and shared copy-on-write; post_fork below gives every
# worker its own database connections and search files.
preload_app = True
# Workers' heartbeat files in memory: a slow or read-only disk cannot get a worker killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# Gunicorn 25.1+ opens a control socket under $HOME by default; the service needs none.
control_socket_disable = True

# Both logs to stderr (the journal under systemd), in the portal's format. The access line has
# the request id the app logged with, and the path without secrets or query string.
_log_format = os.environ.get("PORTAL_LOG_FORMAT", "text")
_log_level = os.environ.get("PORTAL_LOG_LEVEL", "INFO")
loglevel = _log_level.lower()
logconfig_dict = gunicorn_logging(_log_format, _log_level)
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s worker=%(p)s'
)


class PortalLogger(Logger):
    """Gunicorn's logger, with password-reset tokens taken out of logged paths."""

    def atoms(self, resp, req, environ, request_time):
        """The access log fields, with the path as the portal's own log would show it."""
        atoms = super().atoms(resp, req, environ, request_time)
        from portal.wsgi import app

        atoms["U"] = path_without_secrets(app, atoms["m"] or "GET", atoms["U"] or "")
        return atoms


logger_class = PortalLogger


def when_ready(server):
    """Warm the search up in the master once, before it forks: every worker (and every worker
    restarted after max_requests) then starts with it ready."""
    from portal.search.engine import warm_up
    from portal.wsgi import app

    warm_up(app)
    # The warmed caches are never freed: keep the collector of each worker off them, so that
    # it neither spends time on them nor writes to (and so copies) the pages they share.
    gc.freeze()


def post_fork(server, worker):
    """Drop the master's database connections and search files from the new worker."""
    from portal import reset_after_fork
    from portal.wsgi import app

    reset_after_fork(app)
