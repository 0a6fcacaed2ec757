CREATE TABLE account (
    id integer,
    code text,
    parent_id integer,
    CONSTRAINT account_pk PRIMARY KEY (id),
    CONSTRAINT account_code_uq UNIQUE (code),
    CONSTRAINT account_parent_fk FOREIGN KEY (parent_id) REFERENCES account (id),
    CONSTRAINT account_code_ck CHECK (code <> '')
);
CREATE INDEX account_lower_code ON account (lower(code));
