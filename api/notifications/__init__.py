"""Notifications: every shopper-visible event, written to the outbox by the domain, rendered
(render.py, catalog.py, templates/mail/) and delivered by the worker (worker.py) over SMTP or a
Twilio-compatible SMS API (transports.py); periodic jobs write reminders, delay incentives and the
merchant's digest (jobs.py)."""
