"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("movements_api", __name__)
