CREATE TABLE item (
    id integer PRIMARY KEY,
    a text,
    b text NOT NULL,
    c text DEFAULT 'x'
);
