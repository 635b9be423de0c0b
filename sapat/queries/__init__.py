"""SQL against the warehouse, one module per domain; each function (conn, ...) → DataFrame."""
