CREATE TABLE account (
    id integer,
    code text,
    parent_id integer,
    CONSTRAINT account_pkey PRIMARY KEY (id),
    CONSTRAINT account_code_key UNIQUE (code),
    CONSTRAINT account_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES account (id),
    CONSTRAINT account_code_check CHECK (code <> '')
);
CREATE INDEX account_lower_idx ON account (lower(code));
