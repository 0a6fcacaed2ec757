CREATE TYPE mood AS ENUM ('calm', 'happy', 'meh', 'sad', 'angry');
CREATE TABLE diary (
    id integer PRIMARY KEY,
    feeling mood DEFAULT 'sad'
);
