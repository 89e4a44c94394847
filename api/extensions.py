"""Extensions, created once and bound to the app in create_app."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

from api.db import Database

db = Database()
rest = Api()
# Storage from RATELIMIT_STORAGE_URI (memory:// by default; redis://… for several processes).
limiter = Limiter(get_remote_address, headers_enabled=True)
