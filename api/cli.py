"""The `backorder-desk` command."""
import json
import os
import sys

import click


def _app(**overrides):
    from api import create_app

    return create_app(overrides)


@click.group()
def main():
    """Backorder Desk: backorders shoppers can trust."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=lambda: int(os.environ.get("WEB_CONCURRENCY", "2")), show_default="WEB_CONCURRENCY or 2", type=int)
def serve(host, port, workers):
    """Serve the API and widget with gunicorn."""
    _gunicorn(_app(), host, port, workers)


def _gunicorn(app, host: str, port: int, workers: int, threads: int = 4) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", os.environ.get("ACCESS_LOG") or None)

        def load(self):
            return app

    Server().run()


@main.group()
def db():
    """Database schema."""


@db.command()
def upgrade():
    """Create or migrate the schema to the latest version (Alembic)."""
    from api.migrate import upgrade as run_upgrade

    app = _app()
    run_upgrade(app.config["DATABASE_URL"])
    click.echo("Database is at the latest schema.")


@main.group()
def store():
    """Stores."""


@store.command("create")
@click.option("--hash", "store_hash", required=True, help="The store's hash (BigCommerce store hash).")
@click.option("--origin", "origins", multiple=True, required=True, help="Storefront origin, e.g. https://shop.example.com (repeatable).")
@click.option("--platform", type=click.Choice(["local", "bigcommerce"]), default="local", show_default=True)
@click.option("--name", default="", help="Display name.")
def store_create(store_hash, origins, platform, name):
    """Create a store and print its admin API key (shown once) as JSON."""
    from api.domain.errors import DomainError
    from api.domain.stores import create_store
    from api.extensions import db as database

    app = _app()
    with app.app_context():
        try:
            with database.transaction() as session:
                _, api_key = create_store(session, store_hash, list(origins), platform, name)
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(json.dumps({"store_hash": store_hash, "admin_api_key": api_key}))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host, port):
    """Create a fresh demo database, seed a believable store and serve everything."""
    from api.demo.seed import seed
    from api.extensions import db as database
    from api.migrate import upgrade as run_upgrade

    probe = _app()
    path = os.path.join(probe.instance_path, "demo.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    url = "sqlite:///" + path
    app_url = os.environ.get("APP_URL") or f"http://{host}:{port}"
    app = _app(DATABASE_URL=url, DEMO_MODE=True, APP_URL=app_url)
    run_upgrade(url)
    with app.app_context(), database.transaction() as session:
        seeded = seed(session, app_url)
    click.echo(
        "\nBackorder Desk demo is running.\n"
        f"  Demo storefront:  {app_url}/demo/\n"
        f"  API (OpenAPI):    {app_url}/api/openapi.json\n"
        f"  Health:           {app_url}/healthz\n"
        f"  Store hash:       {seeded['store_hash']}\n"
        f"  Admin API key:    {seeded['admin_api_key']}\n"
        "Press Ctrl+C to stop.\n"
    )
    sys.stdout.flush()
    _gunicorn(app, host, port, workers=1, threads=8)
