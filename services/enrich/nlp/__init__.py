"""The enrichment as a pure function of an article's text: no broker, database or runtime types in here."""
