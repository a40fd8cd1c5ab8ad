"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("items_api", __name__)
