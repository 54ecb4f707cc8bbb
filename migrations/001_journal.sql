-- The shared incident journal: one row per incident anchoring its head, one row per entry.
-- Applied once per database by the journal's worker (see src/journal/pgJournalWorker.ts), recorded
-- in schema_migrations.

CREATE TABLE IF NOT EXISTS incidents (
  id         text PRIMARY KEY,
  -- The last entry's seq and hash: -1 and the genesis hash before the first entry. Rows of
  -- journal_entries beyond or short of it are an edit of the table, as journal.head is for a folder.
  head_seq   integer NOT NULL DEFAULT -1,
  head_hash  text NOT NULL DEFAULT '0x0000000000000000000000000000000000000000000000000000000000000000',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS journal_entries (
  incident_id text NOT NULL REFERENCES incidents (id),
  seq         integer NOT NULL CHECK (seq >= 0),
  type        text NOT NULL,
  prev        text NOT NULL,
  hash        text NOT NULL,
  -- The entry exactly as journal.jsonl would hold it: jsonb would reorder keys and respell numbers,
  -- and an export must give back the bytes that were hashed.
  line        text NOT NULL,
  written_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, seq)
);
