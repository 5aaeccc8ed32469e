"""The database: the only code that speaks SQL. Each table is defined beside the code that
reads and writes it; `Store` is their one entry point."""
