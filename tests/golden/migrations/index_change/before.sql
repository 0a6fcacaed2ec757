CREATE TABLE book (
    id integer PRIMARY KEY,
    author_id integer,
    body text,
    pages integer,
    title text,
    updated_at timestamptz
);
CREATE INDEX book_author_idx ON book (author_id);
CREATE INDEX book_body_idx ON book (body);
CREATE INDEX book_pages_idx ON book (pages);
CREATE INDEX book_title_idx ON book (title);
CREATE INDEX book_updated_idx ON book (updated_at);
CREATE INDEX book_gone_idx ON book (author_id, pages);
