CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm');
CREATE TABLE book (
    id integer PRIMARY KEY,
    title varchar(200) NOT NULL UNIQUE,
    feeling mood DEFAULT 'sad'
);
CREATE INDEX book_title_idx ON book (lower(title));
CREATE TABLE review (
    id integer PRIMARY KEY,
    book_id integer REFERENCES book (id) ON DELETE CASCADE,
    body text
);
INSERT INTO book VALUES (1, 'One', 'sad');
INSERT INTO review VALUES (1, 1, 'Good');
