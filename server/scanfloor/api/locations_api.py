"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("locations_api", __name__)
