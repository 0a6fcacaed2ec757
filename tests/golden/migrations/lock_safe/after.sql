-- Every lock-safe form, both ways: what the upgrade adds on tables in use, the downgrade adds back.
CREATE TABLE author (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text CONSTRAINT author_email_key UNIQUE,
    born integer,
    handle text,
    nick text
);
CREATE TABLE book (
    id integer PRIMARY KEY,
    author_id integer REFERENCES author (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    editor_id integer,
    title text,
    pages integer CHECK (pages > 0),
    CONSTRAINT book_title_author_key UNIQUE (title, author_id) INCLUDE (pages)
);
CREATE INDEX book_title_idx ON book (lower(title)) WHERE pages IS NOT NULL;
-- a new table needs none of it
CREATE TABLE shelf (
    id integer PRIMARY KEY,
    book_id integer NOT NULL REFERENCES book (id),
    label text UNIQUE CHECK (label <> '')
);
CREATE INDEX shelf_book_idx ON shelf (book_id);
