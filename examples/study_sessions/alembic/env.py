"""Alembic environment, written by mdschema (async psycopg 3 engine, advisory lock, include_object).

Works for `mdschema upgrade` and for the stock `alembic` command alike.
"""

from mdschema.migrations.env import run

run(package="generated")
