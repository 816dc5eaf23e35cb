"""The board pages."""

from flask import Blueprint

bp = Blueprint("board", __name__)
