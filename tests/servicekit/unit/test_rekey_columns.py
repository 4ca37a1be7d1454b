"""EncryptedColumns and the completeness check each service's test runs (servicekit.rekey)."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, Text

from servicekit.rekey import EncryptedColumns, unlisted_encrypted_columns

metadata = MetaData(schema="demo")
people = Table("people", metadata, Column("id", Integer, primary_key=True), Column("id_hash", LargeBinary),
               Column("id_enc", LargeBinary), Column("note_enc", LargeBinary), Column("name", Text))
pairs = Table("pairs", metadata, Column("a", Integer, primary_key=True), Column("b", Text, primary_key=True),
              Column("blob_enc", LargeBinary))


def test_of_takes_schema_name_and_primary_key_from_the_table() -> None:
    assert EncryptedColumns.of(pairs, "blob_enc") == EncryptedColumns("demo", "pairs", ("a", "b"), ("blob_enc",))


@pytest.mark.parametrize("columns", [(), ("name",), ("missing",)])
def test_of_refuses_what_is_not_an_encrypted_column(columns: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        EncryptedColumns.of(people, *columns)


def test_unlisted_names_every_forgotten_enc_column_and_no_hash_column() -> None:
    assert unlisted_encrypted_columns(metadata, ()) == ["demo.pairs.blob_enc", "demo.people.id_enc",
                                                        "demo.people.note_enc"]
    partial = (EncryptedColumns.of(people, "id_enc"), EncryptedColumns.of(pairs, "blob_enc"))
    assert unlisted_encrypted_columns(metadata, partial) == ["demo.people.note_enc"]
