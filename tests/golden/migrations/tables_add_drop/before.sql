CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE a (id serial PRIMARY KEY, keep_id integer REFERENCES keep (id));
CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id) ON DELETE CASCADE, note text);
CREATE TABLE c (id integer PRIMARY KEY, b_id integer NOT NULL REFERENCES b (id));
CREATE INDEX b_note_idx ON b (note);
COMMENT ON TABLE b IS 'The middle one';
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER c_stamp BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION stamp();
