"""Schemathesis hooks for the contract test: the media types both services document as strings, sent as text.

Loaded by `st run` through `SCHEMATHESIS_HOOKS` (the CLI runs in its own process).
"""

import schemathesis

# An NDJSON batch is documented as a string (one JSON article per line): it goes on the wire as written.
schemathesis.serializer.alias(["application/x-ndjson"], "text/plain")
