CREATE TABLE review (
    id integer PRIMARY KEY,
    rating integer CHECK (rating BETWEEN 1 AND 10),
    body text CHECK (body <> ''),
    UNIQUE (body)
);
