"""Every encrypted column of the marriage schema, in one place: what `python -m marriage rekey`
re-encrypts after an encryption-key rotation (servicekit.rekey, docs/operations.md).

A new encrypted column belongs here too; tests/marriage/unit/test_encrypted_columns.py fails while a
LargeBinary ``*_enc`` column of the metadata is missing. The ``*_hash`` columns (``id_hash``,
``man_hash``, ``woman_hash``, ``party_hash``, ``agent_id_hash``) are HMAC digests, not encrypted
blobs: never listed.
"""
from __future__ import annotations

from servicekit.rekey import EncryptedColumns

from marriage.adapters.import_tables import corrections, import_rows
from marriage.adapters.tables import certificates, marriage_parties

ENCRYPTED = (
    EncryptedColumns.of(marriage_parties, "id_enc"),
    EncryptedColumns.of(import_rows, "original_enc"),
    EncryptedColumns.of(corrections, "original_enc", "corrected_enc"),
    EncryptedColumns.of(certificates, "agent_id_enc"),
)
