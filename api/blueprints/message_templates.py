"""Message templates: every event a shopper (or the merchant) is written about, in every
language and channel, and a preview of each rendered with sample data and the store's branding."""
from flask import current_app
from marshmallow import Schema, fields, validate

from api.domain import clock
from api.domain.errors import Invalid, NotFound
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store
from api.notifications import samples
from api.notifications.catalog import LOCALES
from api.notifications.render import render

blp = admin_blueprint("message_templates", __name__, "Message templates and previews")


class Template(Schema):
    event = fields.String()
    locales = fields.List(fields.String())
    channels = fields.List(fields.String(validate=validate.OneOf(["email", "sms"])))


class TemplateList(Schema):
    items = fields.List(fields.Nested(Template))


class PreviewQuery(Schema):
    locale = fields.String(load_default="en", validate=validate.OneOf(LOCALES))
    channel = fields.String(load_default="email", validate=validate.OneOf(["email", "sms"]))


class Preview(Schema):
    event = fields.String()
    locale = fields.String()
    channel = fields.String()
    subject = fields.String(metadata={"description": "Empty for SMS."})
    text = fields.String(metadata={"description": "The plain-text email, or the SMS."})
    html = fields.String(metadata={"description": "The HTML email (a whole document); empty for SMS."})


@blp.route("/message-templates", methods=["GET"])
@blp.response(200, TemplateList)
@documented(blp, 401)
def list_templates():
    """Every message event with the languages and channels it is written in."""
    return {"items": [{"event": event, "locales": samples.locales_of(event), "channels": samples.channels_of(event)}
                      for event in samples.events()]}


@blp.route("/message-templates/<event>/preview", methods=["GET"])
@blp.arguments(PreviewQuery, location="query")
@blp.response(200, Preview)
@documented(blp, 401, 404, 422)
def preview_template(query, event):
    """A message as a shopper would read it, with sample data and this store's name and branding."""
    if event not in samples.events():
        raise NotFound(f"No message template {event}.")
    locale, channel = query["locale"], query["channel"]
    if locale not in samples.locales_of(event):
        raise Invalid("Not written in that language.", {"query": {"locale": [f"{event} is written in English only."]}})
    if channel not in samples.channels_of(event):
        raise Invalid("Not sent on that channel.", {"query": {"channel": [f"{event} is sent by email only."]}})
    store = admin_store()
    config = current_app.config
    rendered = render(None, store, event, samples.sample_payload(event, locale, clock.today()),
                      app_url=config["APP_URL"], secret_keys=config["SECRET_KEYS"])
    if channel == "sms":
        return {"event": event, "locale": locale, "channel": channel, "subject": "", "text": rendered.sms, "html": ""}
    return {"event": event, "locale": locale, "channel": channel, "subject": rendered.subject,
            "text": rendered.text, "html": rendered.html}
