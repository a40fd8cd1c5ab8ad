"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("balances_api", __name__)
