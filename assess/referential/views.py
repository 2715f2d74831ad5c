from flask import Blueprint

bp = Blueprint("referential", __name__)
