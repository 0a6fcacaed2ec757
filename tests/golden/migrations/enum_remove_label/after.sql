CREATE TYPE status AS ENUM ('draft', 'published');
CREATE TABLE doc (
    id integer PRIMARY KEY,
    state status NOT NULL DEFAULT 'draft',
    history status[],
    CONSTRAINT doc_published_has_id CHECK (state <> 'published' OR id > 0)
);
CREATE INDEX doc_published_idx ON doc (id) WHERE state = 'published';
