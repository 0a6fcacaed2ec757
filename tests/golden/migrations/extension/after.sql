CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE note (id integer PRIMARY KEY, embedding vector(3));
CREATE INDEX note_embedding_idx ON note USING hnsw (embedding vector_cosine_ops) WITH (m = 16);
