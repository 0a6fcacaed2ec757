CREATE TABLE author (
    id integer PRIMARY KEY,
    name text NOT NULL,
    born date DEFAULT '2000-01-01',
    score numeric(5,2) NOT NULL DEFAULT 0,
    "Odd Name" text
);
COMMENT ON COLUMN author.born IS 'Day of birth';
