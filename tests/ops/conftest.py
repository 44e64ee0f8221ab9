import pytest

from tests.fakes.stores import db, engine, open_db, postgres_run, postgres_url  # noqa: F401


@pytest.fixture
def data_dir(tmp_path):
    """The bot's data folder (archives, record, cache) for one test."""
    return tmp_path / "data"
