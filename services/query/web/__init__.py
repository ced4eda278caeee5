"""The web reader: server-rendered pages over the query service's own reads, enhanced by htmx where it runs."""
