"""PLACEHOLDER: being written this session."""

from flask_smorest import Blueprint

blp = Blueprint("barcodes_api", __name__)
