CREATE TABLE author (id integer PRIMARY KEY, bio text, phone text, born integer);
COMMENT ON TABLE author IS 'A person who writes books, under their own name or a pen name.';
COMMENT ON COLUMN author.bio IS 'A few lines about the author';
COMMENT ON COLUMN author.born IS 'Year of birth — it''s "approximate"';
CREATE TABLE shelf (id integer PRIMARY KEY);
COMMENT ON TABLE shelf IS 'Where books stand.';
