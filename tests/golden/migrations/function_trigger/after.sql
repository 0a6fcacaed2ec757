CREATE TABLE page (id integer PRIMARY KEY, title text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    NEW.title := btrim(NEW.title);
    RETURN NEW;
END
$$;
CREATE FUNCTION slugify(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(value) $$;
CREATE TRIGGER page_touch BEFORE INSERT OR UPDATE ON page FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER page_new AFTER INSERT ON page FOR EACH ROW WHEN (NEW.title IS NULL) EXECUTE FUNCTION touch();
