"""Pure rendering: records in, text out (tables, reports, messages, charts)."""
