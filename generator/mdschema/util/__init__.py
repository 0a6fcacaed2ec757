"""Small shared pieces: graphs, SQL text, hashing, redaction, speed."""
