import logging

import pytest

from tests.fakes.stores import db, engine, open_db, postgres_run, postgres_url  # noqa: F401


@pytest.fixture(autouse=True)
def _restore_root_logging():
    """`main()` points the root logger at the (captured) stderr of one test; undo it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def data_dir(tmp_path):
    """The bot's data folder (archives, record, cache) for one test."""
    return tmp_path / "data"
