"""The open API: Open311 GeoReport v2, the web chat JSON API and page, and their OpenAPI
description. Blueprints are registered by core.app."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from api.docs import bp as docs_bp
    from api.open311 import bp as open311_bp
    from api.webchat import bp as webchat_bp
    import api.webchat_phone  # noqa: F401  (its routes join the web chat blueprint)

    app.register_blueprint(open311_bp)
    app.register_blueprint(webchat_bp)
    app.register_blueprint(docs_bp)
