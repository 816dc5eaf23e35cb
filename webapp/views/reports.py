"""The reports pages."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
