"""`mdschema import`: docs in the spec format from a live database (read → group → write → read back)."""
