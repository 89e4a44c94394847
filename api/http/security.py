"""Security headers on every response. JSON may never be framed, sniffed as something else or
run as a page. HTML pages set their own framing policy (the BigCommerce control panel frames
the app's admin page), so only JSON gets the strict one here."""
from flask import request

JSON_CSP = "default-src 'none'; frame-ancestors 'none'"


def security_headers(response):
    # A header already set by the view wins. Looked up once: werkzeug's Headers raises (and
    # catches) an exception for every name it does not hold, four times per answer otherwise.
    present = {name.lower() for name in response.headers.keys()}
    wanted = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
    if response.mimetype == "application/json":
        wanted += [("X-Frame-Options", "DENY"), ("Content-Security-Policy", JSON_CSP)]
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    for name, value in wanted:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def register(app) -> None:
    app.after_request(security_headers)
