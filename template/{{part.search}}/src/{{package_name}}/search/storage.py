"""Where a study lives: a journal file (one machine or a shared file system) or a database (many machines).

Any number of workers may start at the same moment on a fresh database. Optuna creates its tables on first
use, and that is not atomic across processes: on PostgreSQL the losers failed with ``UniqueViolation
"pg_type_typname_nsp_index"``, on SQLite with ``UNIQUE constraint failed: alembic_version.version_num`` or
``table ... already exists`` (4 workers at once: 9 or 10 of 10 starts lost at least one). Those errors mean
another worker got there first, so the setup is retried, briefly and a bounded number of times, for those
errors only; any other (a wrong host or password) is raised at once. A missing database driver is one line.
"""

import random
import time
from pathlib import Path

from ..errors import UserError

SETUP_ATTEMPTS = 8  # with the backoff below: at most ~3.6 s of waiting
RACE_MARKERS = ("already exists", "unique constraint", "duplicate key", "database is locked", "deadlock")
DRIVERS = {"psycopg": 'psycopg[binary]', "psycopg2": "psycopg2-binary", "pymysql": "PyMySQL",
           "mysqldb": "mysqlclient"}  # SQLAlchemy's driver name -> what to install


def _lost_a_race(error: BaseException) -> bool:
    """True for the errors of a worker that set up the schema at the same time as another."""
    import sqlalchemy.exc

    while error is not None:  # Optuna wraps some in StorageInternalError
        if isinstance(error, sqlalchemy.exc.IntegrityError):
            return True
        if isinstance(error, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ProgrammingError)):
            return any(marker in str(error).lower() for marker in RACE_MARKERS)
        error = error.__cause__ or error.__context__
    return False


def retry_setup(make):
    """``make()``, again after a short random wait while it fails because another worker was setting up."""
    for attempt in range(1, SETUP_ATTEMPTS + 1):
        try:
            return make()
        except Exception as error:
            if attempt == SETUP_ATTEMPTS or not _lost_a_race(error):
                raise
            time.sleep(random.uniform(0, min(1.0, 0.05 * 2 ** (attempt - 1))))


def _database(url: str):
    import optuna
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    engine_kwargs = {}
    if parsed.get_backend_name() == "sqlite":
        engine_kwargs["connect_args"] = {"timeout": 30}  # seconds a writer waits for the lock (sqlite3: 5)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        engine_kwargs["pool_pre_ping"] = True  # a connection dropped during a long trial is replaced, not an error
    try:
        return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs)
    except ImportError as error:  # Optuna: "Failed to import DB access module ..."
        driver = parsed.get_driver_name()
        package = DRIVERS.get(driver, driver)
        raise UserError(f"hydra.sweeper.storage={parsed.render_as_string(hide_password=True)} needs the database "
                        f"driver '{driver}': pip install \"{package}\"") from error


def open_storage(location: str | None):
    """A database URL (``sqlite:///s.db``, ``postgresql://...``) or a file path (Optuna's journal file).

    Every process or machine given the same location works on the same study.
    """
    import optuna

    if not location:
        raise UserError("hydra.sweeper.storage is empty: give a file path or a database URL shared by the workers")
    if "://" in str(location):
        return retry_setup(lambda: _database(str(location)))
    path = Path(location)  # the journal's appends are serialised by Optuna's own file lock
    path.parent.mkdir(parents=True, exist_ok=True)
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))


def create_or_load_study(location: str | None, study_name: str, **options):
    """``optuna.create_study(load_if_exists=True)`` that any number of workers may call at the same moment."""
    import optuna

    storage = open_storage(location)
    return retry_setup(lambda: optuna.create_study(study_name=study_name, storage=storage, load_if_exists=True,
                                                   **options))
