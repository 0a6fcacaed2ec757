CREATE TABLE page (id integer PRIMARY KEY, title text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE FUNCTION old_helper(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT n + 1 $$;
CREATE TRIGGER page_touch BEFORE UPDATE ON page FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER page_gone BEFORE INSERT ON page FOR EACH ROW EXECUTE FUNCTION touch();
