CREATE TABLE keep (id integer PRIMARY KEY);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE r (id integer PRIMARY KEY, q_id integer, keep_id integer REFERENCES keep (id));
CREATE TABLE p (id integer PRIMARY KEY, q_id integer, label varchar(20) NOT NULL DEFAULT 'p');
CREATE TABLE q (id integer PRIMARY KEY, p_id integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE p ADD CONSTRAINT p_q_id_fkey FOREIGN KEY (q_id) REFERENCES q (id);
ALTER TABLE r ADD CONSTRAINT r_q_id_fkey FOREIGN KEY (q_id) REFERENCES q (id);
CREATE INDEX q_p_idx ON q (p_id);
CREATE TRIGGER r_stamp BEFORE INSERT ON r FOR EACH ROW EXECUTE FUNCTION stamp();
