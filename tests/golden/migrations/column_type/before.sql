CREATE TABLE contact (
    id integer PRIMARY KEY,
    phone text,
    title varchar(100),
    amount integer,
    ratio numeric(5,2),
    tags varchar(20)[]
);
INSERT INTO contact VALUES (1, '0049301234567', 'Dr', 5, 1.25, '{a,b}');
