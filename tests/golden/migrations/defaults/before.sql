CREATE TABLE event (
    id integer PRIMARY KEY,
    attempts integer,
    created_at timestamptz DEFAULT now(),
    label text DEFAULT 'new',
    meta jsonb NOT NULL DEFAULT '{}'
);
