CREATE TABLE review (
    id integer PRIMARY KEY,
    rating integer CHECK (rating BETWEEN 1 AND 5),
    body text,
    CONSTRAINT review_id_positive CHECK (id > 0)
);
