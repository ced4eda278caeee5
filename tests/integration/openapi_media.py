"""How schemathesis writes the bodies the services document as JSON values but read in another media type.

An NDJSON batch is documented as the array of articles it carries: it goes on the wire one JSON value per
line (a value that is not an array, as negative cases send, as its one line). Loaded by `st run` through
`SCHEMATHESIS_HOOKS`, and imported by the in-process fuzz test.
"""

import json
from typing import Any

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()
