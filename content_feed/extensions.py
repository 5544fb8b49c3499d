"""Flask extensions shared by every package (one instance each, bound per app)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
# In-memory counters: a hall runs one server process. Behind several nodes,
# point RATELIMIT_STORAGE_URI at a shared store.
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
