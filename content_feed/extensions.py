"""Flask extensions shared by every package (one instance each, bound per app)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

import content_feed.limit_storage  # noqa: F401  (registers sunlight-memory://)

csrf = CSRFProtect()
# The storage comes from RATELIMIT_STORAGE_URI (init_extensions defaults it to
# in-memory counters on the app's clock, content_feed/limit_storage.py: a hall
# runs one server process). Behind several nodes, point it at a shared store.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
