"""Clear answers to bad requests, never a stack trace: a short JSON body on the machine
endpoints (webhooks, API, Open311, health, metrics, or a client that asks for JSON), a
Chinese page everywhere else. The console renders its own pages inside its layout."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from gateway.limits import MESSAGE

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/webhooks/", "/api/", "/open311/", "/openapi", "/healthz", "/metrics")
TITLES = {
    400: ("请求无效", "请求的格式不对或页面已过期，请返回刷新后重试。"),
    401: ("需要登录", "请先登录。"),
    403: ("无权访问", "您无权查看或办理此项。"),
    404: ("未找到", "该页面不存在。请检查网址，或从首页进入。"),
    405: ("不支持的操作", "该网址不支持这种请求方式，请从页面上的按钮或链接进入。"),
    413: ("内容过大", "提交的内容或文件超过了大小上限，请缩小后重试。"),
    415: ("格式不支持", "提交的内容格式不受支持。"),
    429: ("请求过于频繁", "请求过于频繁，请稍后再试。"),
    500: ("系统出错", "系统暂时出错，工作人员会查看记录。请稍后重试；已提交的内容不会丢失。"),
}


def wants_json() -> bool:
    if request.path.startswith(JSON_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_page(code: int, name: str):
    """The Chinese HTML page for `code` (outside the console's own layout)."""
    title, message = TITLES.get(code, (name, ""))
    return render_template("error.html", code=code, title=title, message=message,
                           console=request.path.startswith("/console")), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json():
            return jsonify(error=exc.name, message=exc.description, status=exc.code), exc.code
        return error_page(exc.code or 500, exc.name)

    @app.errorhandler(429)
    def too_many(exc: HTTPException):
        return jsonify(error="Too Many Requests", message=MESSAGE, status=429), 429

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        log.error("internal error: %s", exc.original_exception or exc)
        if wants_json():
            return jsonify(error="Internal Server Error", status=500), 500
        return error_page(500, "Internal Server Error")
