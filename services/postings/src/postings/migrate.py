"""Schema migrations: Alembic, run on a connection of the configured database."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from postings.db import create_db_engine
from postings.settings import Settings

log = logging.getLogger(__name__)
SCRIPTS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


def upgrade(settings: Settings, revision: str = "head") -> str:
    """Bring the schema to `revision`; returns the revision the database is at afterwards."""
    engine = create_db_engine(settings, pool_size=1, io_timeout=False)
    config = _config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    log.info("schema migrated", extra={"revision": current})
    return current or "base"


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head
