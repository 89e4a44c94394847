"""Extensions, created once and bound to the app in create_app."""
from flask_smorest import Api

from api.db import Database

db = Database()
rest = Api()
