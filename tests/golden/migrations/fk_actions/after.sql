CREATE TABLE author (id integer PRIMARY KEY, code text UNIQUE);
CREATE TABLE book (
    id integer PRIMARY KEY,
    author_id integer REFERENCES author (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    editor_id integer REFERENCES author (id) ON DELETE SET NULL,
    author_code text
);
