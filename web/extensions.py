"""Flask extensions shared by every package (one instance each, bound per app)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

import web.limit_storage  # noqa: F401  (registers sunlight-memory://)

csrf = CSRFProtect()
# Its storage is [rate_limits] storage_url, set per app (web/rate_limits.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
