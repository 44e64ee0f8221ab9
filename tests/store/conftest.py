"""The store's suite runs on both engines: every test taking `db` or `open_db` runs once on
a SQLite file and once on a PostgreSQL schema (see tests/fakes/stores.py)."""
from tests.fakes.stores import db, engine, open_db, postgres_run, postgres_url  # noqa: F401
