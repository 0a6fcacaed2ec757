CREATE TABLE author (id integer PRIMARY KEY, code text UNIQUE);
CREATE TABLE book (
    id integer PRIMARY KEY,
    author_id integer REFERENCES author (id) ON DELETE CASCADE,
    editor_id integer,
    author_code text REFERENCES author (code)
);
