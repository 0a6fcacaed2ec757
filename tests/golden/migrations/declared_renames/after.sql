CREATE TYPE mood AS ENUM ('happy', 'unhappy', 'calm');
CREATE TABLE novel (
    id integer PRIMARY KEY,
    headline varchar(200) NOT NULL UNIQUE,
    feeling mood DEFAULT 'unhappy'
);
CREATE INDEX novel_headline_idx ON novel (lower(headline));
CREATE TABLE review (
    id integer PRIMARY KEY,
    novel_id integer REFERENCES novel (id) ON DELETE CASCADE,
    review_text text
);
