"""Security headers on every response. JSON may never be framed, sniffed as something else or
run as a page. HTML pages set their own framing policy (the BigCommerce control panel frames
the app's admin page), so only JSON gets the strict one here."""
from flask import request

JSON_CSP = "default-src 'none'; frame-ancestors 'none'"


def security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "application/json":
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", JSON_CSP)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register(app) -> None:
    app.after_request(security_headers)
