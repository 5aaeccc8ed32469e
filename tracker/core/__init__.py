"""The pure core: records, parsing, normalising, diffing and the rules between them.

Bytes and records in, records out. Nothing here touches the database, the network or the
terminal (an import-linter contract checks it); `tracker.store`, `tracker.net` and
`tracker.cli` do.
"""
