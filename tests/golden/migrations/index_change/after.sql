CREATE TABLE book (
    id integer PRIMARY KEY,
    author_id integer,
    body text,
    pages integer,
    title text,
    updated_at timestamptz
);
CREATE INDEX book_author_idx ON book USING hash (author_id);
CREATE INDEX book_body_idx ON book (body text_pattern_ops);
CREATE INDEX book_pages_idx ON book (pages) WITH (fillfactor = 70);
CREATE INDEX book_title_idx ON book (title) INCLUDE (pages);
CREATE INDEX book_updated_idx ON book (updated_at DESC NULLS LAST) WHERE pages IS NOT NULL;
CREATE UNIQUE INDEX book_lower_title_key ON book (lower(title));
