-- Every lock-safe form, both ways: what the upgrade adds on tables in use, the downgrade adds back.
CREATE TABLE author (
    id integer PRIMARY KEY,
    name text,
    email text,
    born integer CHECK (born > 1000),
    handle text CONSTRAINT author_handle_key UNIQUE NULLS NOT DISTINCT,
    nick text NOT NULL
);
CREATE TABLE book (
    id integer PRIMARY KEY,
    author_id integer,
    editor_id integer REFERENCES author (id) ON DELETE SET NULL,
    title text,
    pages integer
);
CREATE INDEX book_pages_idx ON book (pages);
