"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("auth_api", __name__)
