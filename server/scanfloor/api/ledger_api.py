"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("ledger_api", __name__)
