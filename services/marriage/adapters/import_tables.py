"""Tables of historical imports (补录, rules.md §1.8): imports, their rows, defects and corrections.

Every archive row is kept in `import_rows` with its original values encrypted (they hold ID
numbers), whether or not it could become a marriage record: defective rows are flagged, never
dropped. A row whose kind and date are usable is also a `marriages` record (historical = true);
`marriage_id` links the two. Corrections never overwrite an original: the row's current values
are its original plus the approved corrections, each of which keeps the value it replaced.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from marriage.adapters.tables import metadata

imports = Table(
    "imports", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("request_id", Text, nullable=False, server_default=""),
    Column("source_name", Text, nullable=False, server_default=""),
    Column("format", Text, nullable=False),  # CSV, XLSX, JSONL
    Column("encoding", Text, nullable=False, server_default=""),  # as read: UTF-8 or GB18030 ('' for XLSX)
    Column("rows_read", BigInteger, nullable=False, server_default=text("0")),
    Column("rows_imported", BigInteger, nullable=False, server_default=text("0")),
    Column("rows_with_defects", BigInteger, nullable=False, server_default=text("0")),
    Column("rows_unreadable", BigInteger, nullable=False, server_default=text("0")),
    Column("defect_counts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("imported_by", Text, nullable=False, server_default=""),
    # The importer's jurisdiction (division-code prefix; '' = the whole bureau): who may see and correct
    # its rows. Not the rows' office codes — archives carry retired codes (422302 蒲圻市 before 1998).
    Column("jurisdiction", Text, nullable=False, server_default=""),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    # SHA-256 of the file as uploaded: the same archive is not imported twice.
    Column("content_sha256", LargeBinary),
    Index("ix_imports_content_sha256", "content_sha256", postgresql_where=text("content_sha256 IS NOT NULL")),
)

import_rows = Table(
    "import_rows", metadata,
    # No foreign key to imports: rows are written only by the import, in the transaction that writes
    # the import itself, and a per-row key check would cost the bulk load about 10 µs a row.
    Column("import_id", UUID(as_uuid=True), nullable=False),
    Column("row_number", Integer, nullable=False),  # 1 = first data row after the header
    Column("kind", Text, nullable=False, server_default=""),  # marriage, divorce, '' when unknown
    Column("certificate_number", Text, nullable=False, server_default=""),
    Column("event_date", Date),  # the registration date when it is a real day
    # Keyed hashes (PiiCipher.digest) of the canonical ID numbers, when the numbers are usable.
    Column("man_hash", LargeBinary),
    Column("woman_hash", LargeBinary),
    Column("marriage_id", UUID(as_uuid=True)),  # the marriage record made from this row
    Column("ended_marriage_id", UUID(as_uuid=True)),  # for a divorce row: the marriage it ended
    Column("original_enc", LargeBinary, nullable=False),  # PiiCipher.encrypt(JSON of the row as read)
    PrimaryKeyConstraint("import_id", "row_number"),
    CheckConstraint("kind IN ('marriage','divorce','')", name="kind"),
    Index("ix_import_rows_marriage_id", "marriage_id", postgresql_where=text("marriage_id IS NOT NULL")),
    Index("ix_import_rows_unmatched_divorces", "man_hash", "woman_hash",
          postgresql_where=text("kind = 'divorce' AND ended_marriage_id IS NULL")),
)

import_defects = Table(
    "import_defects", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("import_id", UUID(as_uuid=True), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("code", Text, nullable=False),
    Column("field", Text, nullable=False, server_default=""),
    Column("message", Text, nullable=False, server_default=""),
    # Noted for the archive (a 15-digit ID upgraded) but no defect of the record: never "open".
    Column("informational", Boolean, nullable=False, server_default=text("false")),
    Column("marriage_id", UUID(as_uuid=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", UUID(as_uuid=True)),  # the approved correction
    Index("ix_import_defects_import_code", "import_id", "code"),
    Index("ix_import_defects_row", "import_id", "row_number"),
    Index("ix_import_defects_open_by_marriage", "marriage_id",
          postgresql_where=text("resolved_at IS NULL AND NOT informational")),
)

corrections = Table(
    "corrections", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("import_id", UUID(as_uuid=True), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("marriage_id", UUID(as_uuid=True)),
    Column("defect_id", BigInteger, ForeignKey(import_defects.c.id)),
    Column("field", Text, nullable=False),
    # Both values encrypted: the corrected field may be an ID number.
    Column("original_enc", LargeBinary, nullable=False),
    Column("corrected_enc", LargeBinary, nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence_ref", Text, nullable=False),
    Column("state", Text, nullable=False),  # PROPOSED, APPROVED, REJECTED
    Column("proposed_by", Text, nullable=False),
    Column("decided_by", Text, nullable=False, server_default=""),
    Column("decision_reason", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    ForeignKeyConstraint(["import_id", "row_number"], [import_rows.c.import_id, import_rows.c.row_number]),
    CheckConstraint("state IN ('PROPOSED','APPROVED','REJECTED')", name="state"),
    Index("ix_corrections_row", "import_id", "row_number"),
    Index("ix_corrections_state_created", "state", "created_at"),
)
