"""The placenames schema."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, Table, Text, func

from servicekit.db import service_metadata
from servicekit.tables import kit_tables

SCHEMA = "placenames"
metadata = service_metadata(SCHEMA)
kit = kit_tables(metadata)

divisions = Table(
    "divisions", metadata,
    Column("code", Text, primary_key=True),  # never deleted: a retired code stays here, so it is never reused
    Column("level", Text, nullable=False),
    Column("parent_code", Text, index=True),
    Column("source", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

division_changes = Table(
    "division_changes", metadata,
    Column("code", Text, ForeignKey(divisions.c.code), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("successor_code", Text, nullable=False, server_default=""),
    Column("reason", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_division_changes_kind_date", "kind", "effective_date"),
)
