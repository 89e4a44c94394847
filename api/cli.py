"""The `backorder-desk` command."""
import gc
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


def _gunicorn(app, host: str, port: int, workers: int, threads: int = 4, post_worker_init=None) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", os.environ.get("ACCESS_LOG") or None)
            if post_worker_init:
                self.cfg.set("post_worker_init", lambda _worker: post_worker_init())

        def load(self):
            return app

    # The app is loaded once, here, before the workers fork: what it holds lives as long as they
    # do. Frozen, the collector never walks it again (a full collection of it paused every thread
    # of a worker, 120 ms on a loaded machine: the availability benchmark's p99) and its pages
    # stay shared with the workers. Collected first, so no garbage of the loading is kept.
    gc.collect()
    gc.freeze()
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


@main.group()
def jobs():
    """Due jobs (payment-hold expiry, refund retries, …)."""


@jobs.command("run")
def jobs_run():
    """Run every due job once and print what each did as JSON."""
    from api.extensions import db as database
    from api.jobs import run_due_jobs

    app = _app()
    with app.app_context():
        counts = run_due_jobs(database)
    click.echo(json.dumps(counts))
    if any(count < 0 for count in counts.values()):
        raise SystemExit(1)


@main.command()
@click.option("--store", "store_hash", required=True, help="The BigCommerce store hash.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650),
              help="Import orders created in the last N days: every variant's sales history, and the orders still "
                   "to ship. Orders imported before are skipped; an interrupted import continues where it stopped.")
def sync(store_hash, days):
    """Import a BigCommerce store's catalog (products, variants, stock) and its order history."""
    from api.bigcommerce.client import BigCommerceError
    from api.bigcommerce.sync import import_store
    from api.domain.errors import DomainError
    from api.extensions import db as database

    app = _app()
    with app.app_context():
        try:
            result = import_store(database, store_hash, days, echo=click.echo)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        except BigCommerceError as error:
            raise click.ClickException(f"BigCommerce: {error}") from None
    click.echo(json.dumps(result))


@main.command()
@click.option("--once", is_flag=True, help="Run every periodic job once, deliver everything due, then exit (cron, tests).")
@click.option("--poll", default=2.0, show_default=True, type=float, help="Seconds to wait when nothing is due.")
def worker(once, poll):
    """Deliver the outbox (email, SMS) with retries and run the periodic jobs. Several may run
    in parallel on PostgreSQL. SIGTERM finishes the message in hand, then exits."""
    import logging
    import signal

    from api.notifications.worker import Worker

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = _app()
    gc.collect()  # as `serve` does: collections then walk only what the work itself makes
    gc.freeze()
    with app.app_context():
        try:
            runner = Worker.for_app(app)
        except ValueError as error:  # a malformed SMTP_URL
            raise click.ClickException(str(error)) from None
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: runner.stop.set())
        logging.getLogger("api.worker").info("Worker started (pid %s).", os.getpid())
        runner.run(once=once, poll_seconds=poll)
        logging.getLogger("api.worker").info("Worker stopped.")


def _demo_client(config) -> dict:
    """The app credentials the demo storefront signs its current-customer JWT with (and the
    sessions endpoint verifies it with): BIGCOMMERCE_CLIENT_ID/SECRET when set, else made up
    for this run."""
    import secrets

    return {
        "BIGCOMMERCE_CLIENT_ID": config["BIGCOMMERCE_CLIENT_ID"] or "demo-" + secrets.token_hex(8),
        "BIGCOMMERCE_CLIENT_SECRET": config["BIGCOMMERCE_CLIENT_SECRET"] or secrets.token_urlsafe(32),
    }


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
    client = _demo_client(probe.config)
    app = _app(DATABASE_URL=url, DEMO_MODE=True, APP_URL=app_url, **client)
    run_upgrade(url)
    with app.app_context(), database.transaction() as session:
        seeded = seed(session, app_url)
    app.extensions["database"].dispose()  # no connection may cross into the forked worker
    click.echo(
        "\nBackorder Desk demo is running.\n"
        f"  Demo storefront:  {app_url}/demo/\n"
        f"  API (OpenAPI):    {app_url}/api/openapi.json\n"
        f"  Health:           {app_url}/healthz\n"
        f"  Mailbox:          {app_url}/demo/mailbox\n"
        f"  Merchant console: {app_url}/demo/console (signed in; or {app_url}/console/ with the key below)\n"
        f"  Store hash:       {seeded['store_hash']}\n"
        f"  Admin API key:    {seeded['admin_api_key']}\n"
        "Press Ctrl+C to stop.\n"
    )
    sys.stdout.flush()
    # The outbox worker runs alongside, on its own app (its own engine), so every message the
    # demo causes lands in the mailbox at /demo/mailbox.
    from api.notifications.worker import start_in_thread

    worker_app = _app(DATABASE_URL=url, DEMO_MODE=True, APP_URL=app_url, **client)
    # Started inside the gunicorn worker process: a thread running in the master at fork time
    # could hold a database lock the forked worker would wait on forever.
    _gunicorn(app, host, port, workers=1, threads=8, post_worker_init=lambda: start_in_thread(worker_app))
