CREATE TABLE contact (
    id integer PRIMARY KEY,
    phone bigint,
    title varchar(300),
    amount bigint,
    ratio numeric(10,2),
    tags text[]
);
