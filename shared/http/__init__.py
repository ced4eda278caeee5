"""HTTP pieces shared by the ingest and query services."""
