CREATE TABLE event (
    id integer PRIMARY KEY,
    attempts integer DEFAULT 0,
    created_at timestamptz,
    label text DEFAULT 'it''s new',
    meta jsonb NOT NULL DEFAULT '{"v": 1}'
);
