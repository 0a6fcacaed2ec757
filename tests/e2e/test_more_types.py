"""Range and multirange types, bit strings, hstore and the other built-in types SQLAlchemy has a type for:
the docs' own SQL and mdschema's models and migrations build the same catalog, names included, and the
generated models store and read back real values through them."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from pathlib import Path

import pytest
from mdschema.migrations.models import load_package
from sqlalchemy import create_engine, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session
from support.fidelity import build_both_ways

KINDS = """
# Bookings

## booking

A room booked over a period.

```sql
CREATE EXTENSION IF NOT EXISTS hstore;

CREATE TABLE booking (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seats INT4RANGE NOT NULL,
    big INT8RANGE,
    price NUMRANGE,
    during TSTZRANGE NOT NULL, -- when the room is taken
    local_during TSRANGE,
    days DATERANGE,
    many_days DATEMULTIRANGE,
    many_seats INT4MULTIRANGE,
    flags BIT(8) NOT NULL DEFAULT B'00000000',
    one_bit BIT,
    mask VARBIT(16),
    free_mask BIT VARYING,
    attrs HSTORE,
    hw MACADDR8,
    query TSQUERY,
    config REGCONFIG NOT NULL DEFAULT 'english',
    source REGCLASS,
    seat_ranges INT4RANGE[]
);

CREATE INDEX idx_booking_during ON booking USING gist (during);
CREATE INDEX idx_booking_attrs ON booking USING gin (attrs);
```
"""


@pytest.fixture
def booked(tmp_path: Path, pg_server: str, make_database: Callable[..., str]):  # type: ignore[no-untyped-def]
    return build_both_ways(tmp_path, {"bookings.md": KINDS}, pg_server, make_database)


def test_types_come_through_both_ways(booked) -> None:  # type: ignore[no-untyped-def]
    assert booked.migrated == []
    assert booked.models == []
    booking = booked.direct.table("booking")
    assert booking is not None
    types = {c.name: c.type for c in booking.columns}
    assert types["seats"] == "int4range" and types["many_days"] == "datemultirange"
    assert types["flags"] == "bit(8)" and types["one_bit"] == "bit(1)"
    assert types["mask"] == "bit varying(16)" and types["free_mask"] == "bit varying"
    assert types["attrs"] == "hstore" and types["seat_ranges"] == "int4range[]"
    assert types["config"] == "regconfig" and types["hw"] == "macaddr8"


def test_models_store_and_read_the_values(booked, make_database: Callable[..., str]) -> None:  # type: ignore[no-untyped-def]
    models = load_package(booked.project.root, "generated", fresh=True)
    url = make_database(None)
    engine = create_engine(url)
    try:
        models.Base.metadata.create_all(engine)
        start = datetime.datetime(2026, 12, 3, 9, tzinfo=datetime.UTC)
        row = models.Booking(
            seats=Range(1, 5),
            price=Range(decimal.Decimal("9.50"), decimal.Decimal("20"), bounds="[]"),
            during=Range(start, start + datetime.timedelta(hours=2)),
            days=Range(datetime.date(2026, 12, 1), datetime.date(2026, 12, 4)),
            many_seats=[Range(1, 3), Range(7, 9)],
            flags="10100000",
            mask="101",
            attrs={"colour": "blue", "floor": None},
            seat_ranges=[Range(1, 2), Range(4, 6)],
        )
        with Session(engine) as session:
            session.add(row)
            session.commit()
        with Session(engine) as session:
            got = session.scalars(select(models.Booking)).one()
            assert got.seats == Range(1, 5)
            assert got.price == Range(decimal.Decimal("9.50"), decimal.Decimal("20"), bounds="[]")
            assert got.during.lower == start
            assert got.days == Range(datetime.date(2026, 12, 1), datetime.date(2026, 12, 4))
            assert list(got.many_seats) == [Range(1, 3), Range(7, 9)]
            assert got.flags == "10100000" and got.mask == "101"
            assert got.attrs == {"colour": "blue", "floor": None}
            assert got.seat_ranges == [Range(1, 2), Range(4, 6)]
            assert got.config == "english"
            # the range operators work through the models: which booking holds seat 3?
            held = session.scalars(select(models.Booking.id).where(models.Booking.seats.contains(3))).all()
            assert held == [got.id]
    finally:
        engine.dispose()


def test_sqlmodel_and_schemas_take_the_types(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """The same doc as SQLModel classes with Pydantic schemas: the catalog is the docs' own, and a range
    value goes in through BookingCreate and comes back through BookingRead. The schemas type ranges as
    Any (SQLAlchemy's Range is no Pydantic type; PostgreSQL validates it), and model_dump() would turn
    the Range dataclass into a dict: the fields set are taken as they are."""
    result = build_both_ways(
        tmp_path,
        {"bookings.md": KINDS},
        pg_server,
        make_database,
        config='models = "sqlmodel"\nschemas = true',
    )
    assert result.migrated == [] and result.models == []
    models = load_package(result.project.root, "generated", fresh=True)
    schemas = __import__("generated.schemas", fromlist=["BookingCreate"])
    url = make_database(None)
    engine = create_engine(url)
    try:
        models.Base.metadata.create_all(engine)
        start = datetime.datetime(2026, 12, 3, 9, tzinfo=datetime.UTC)
        payload = schemas.BookingCreate(
            seats=Range(2, 4), during=Range(start, start + datetime.timedelta(hours=1)), flags="00000001"
        )
        with Session(engine) as session:
            assert isinstance(payload.model_dump()["seats"], dict)  # why not model_dump(): see above
            fields = {name: getattr(payload, name) for name in payload.model_fields_set}
            session.add(models.Booking(**fields))
            session.commit()
        with Session(engine) as session:
            read = schemas.BookingRead.model_validate(session.scalars(select(models.Booking)).one())
        assert read.seats == Range(2, 4) and read.flags == "00000001" and read.config == "english"
    finally:
        engine.dispose()
