CREATE TABLE author (
    id integer PRIMARY KEY,
    name text NOT NULL,
    nickname text
);
COMMENT ON COLUMN author.nickname IS 'What friends call them';
INSERT INTO author VALUES (1, 'Ann', 'A');
