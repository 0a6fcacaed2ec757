CREATE TABLE box (
    id integer PRIMARY KEY,
    w integer NOT NULL,
    h integer NOT NULL,
    area integer GENERATED ALWAYS AS (w * h * 2) STORED,
    label text,
    code text GENERATED ALWAYS AS (upper(label)) STORED,
    CONSTRAINT box_area_positive CHECK (area > 0)
);
COMMENT ON COLUMN box.area IS 'Surface';
CREATE INDEX box_area_idx ON box (area);
CREATE INDEX box_big_idx ON box (id) WHERE area > 100;
CREATE INDEX box_label_idx ON box (label);
