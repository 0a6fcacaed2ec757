"""What PostgreSQL says a schema is: snapshots, typed differences, descriptions."""
