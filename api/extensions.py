"""Extensions, created once and bound to the app in create_app."""
from flask_smorest import Api

from api.db import Database
from api.http.rate_limits import RateLimits

db = Database()
rest = Api()
rate_limits = RateLimits()
