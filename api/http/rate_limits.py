"""Rate limits per client address on the few routes that take one (session exchanges, shopper
actions, restock subscriptions), in fixed windows counted in RATELIMIT_STORAGE_URI's storage
(memory, or Redis so that several processes share the counts). The app's RATELIMIT_ENABLED
set to False turns them off (the browser tests do: one client address makes all their requests).

Only a limited view's own decorator counts. An app-wide hook (Flask-Limiter's, used before)
runs on every request to find limits that no other route has: about a tenth of the
storefront's availability answer went to it."""
import math
import time
from functools import wraps

from flask import after_this_request, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from api.http.errors import error_response


class RateLimits:
    """Each app's counters (app.extensions["rate_limits"])."""

    def init_app(self, app) -> None:
        app.extensions["rate_limits"] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))

    def reset(self, app) -> None:
        """Forget every count (tests start each afresh)."""
        app.extensions["rate_limits"].storage.reset()

    def limit(self, setting: str, scope: str | None = None):
        """A view's limit, read from the app's config (`setting`, e.g. "30 per minute") so each
        deployment tunes it. Views given the same `scope` draw on one budget; otherwise each view
        has its own. Every answer says its limit (X-RateLimit-Limit, -Remaining, -Reset); a refused
        one is 429 in the error shape with Retry-After, before the request is read any further."""

        def decorate(view):
            @wraps(view)
            def limited(*args, **kwargs):
                if not current_app.config.get("RATELIMIT_ENABLED", True):
                    return view(*args, **kwargs)
                limit = parse(current_app.config[setting])
                counter = current_app.extensions["rate_limits"]
                key = (request.remote_addr or "127.0.0.1", scope or request.endpoint)
                allowed = counter.hit(limit, *key)
                window = counter.get_window_stats(limit, *key)
                headers = {"X-RateLimit-Limit": str(limit.amount), "X-RateLimit-Remaining": str(window.remaining),
                           "X-RateLimit-Reset": str(math.ceil(window.reset_time))}
                if not allowed:
                    wait = max(math.ceil(window.reset_time - time.time()), 1)
                    return error_response(429, f"Too many requests: at most {limit}. Try again in {wait} s.",
                                          headers={**headers, "Retry-After": str(wait)})

                @after_this_request
                def say_the_limit(response):
                    response.headers.update(headers)
                    return response

                return view(*args, **kwargs)

            return limited

        return decorate
