CREATE TABLE item (
    id integer PRIMARY KEY,
    a text NOT NULL,
    b text,
    c text NOT NULL DEFAULT 'x'
);
