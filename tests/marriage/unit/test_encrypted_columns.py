"""The marriage service's list of encrypted columns (what `python -m marriage rekey` re-encrypts)
is complete: a LargeBinary ``*_enc`` column missing from it would keep its old-key blobs after a
rotation and become unreadable once the retired key is dropped."""
from __future__ import annotations

import marriage.adapters.import_tables  # noqa: F401 - its tables join marriage's metadata
from marriage.adapters.encrypted import ENCRYPTED
from marriage.adapters.tables import SCHEMA, metadata
from servicekit.rekey import unlisted_encrypted_columns
from sqlalchemy import LargeBinary


def test_every_encrypted_column_is_listed_for_rekey() -> None:
    assert unlisted_encrypted_columns(metadata, ENCRYPTED) == []


def test_the_list_holds_encrypted_blobs_only_never_hash_columns() -> None:
    listed = {f"{spec.table}.{column}" for spec in ENCRYPTED for column in spec.columns}
    assert listed == {"marriage_parties.id_enc", "import_rows.original_enc", "corrections.original_enc",
                      "corrections.corrected_enc", "certificates.agent_id_enc"}
    for spec in ENCRYPTED:
        assert spec.schema == SCHEMA
        table = metadata.tables[f"{SCHEMA}.{spec.table}"]
        assert spec.key == tuple(c.name for c in table.primary_key.columns)
        for column in spec.columns:
            assert column.endswith("_enc") and isinstance(table.c[column].type, LargeBinary)
