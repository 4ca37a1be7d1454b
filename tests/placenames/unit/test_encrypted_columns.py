"""Placenames stores no encrypted personal data, so it has no `rekey` command. The day one of its
tables gets a LargeBinary ``*_enc`` column this fails: list it for rekey, as marriage does
(marriage.adapters.encrypted, ServiceCli(encrypted=...))."""
from __future__ import annotations

from placenames.adapters.tables import metadata
from servicekit.rekey import unlisted_encrypted_columns


def test_placenames_has_no_encrypted_columns() -> None:
    assert unlisted_encrypted_columns(metadata, ()) == []
