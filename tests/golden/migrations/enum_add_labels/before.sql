CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE diary (
    id integer PRIMARY KEY,
    feeling mood DEFAULT 'sad'
);
INSERT INTO diary VALUES (1, 'happy'), (2, 'sad');
