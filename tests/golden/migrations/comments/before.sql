CREATE TABLE author (id integer PRIMARY KEY, bio text, phone text, born integer);
COMMENT ON TABLE author IS 'Someone who writes.';
COMMENT ON COLUMN author.bio IS 'Short biography';
COMMENT ON COLUMN author.phone IS 'Digits only';
CREATE TABLE shelf (id integer PRIMARY KEY);
