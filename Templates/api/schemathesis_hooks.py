"""schemathesis hooks for CivicSeal (loaded through `hooks` in schemathesis.toml).

`POST /v1/verify` takes the PDF itself as `application/pdf`: its generated bodies are sent as raw bytes, like
`application/octet-stream` (schemathesis has no serializer of its own for PDF); so does `POST /pki/tsa` with its
`application/timestamp-query`.
"""

import schemathesis

schemathesis.serializer.alias("application/pdf", "application/octet-stream")
# `POST /pki/tsa` takes a DER TimeStampReq (RFC 3161 §3.4): raw bytes too.
schemathesis.serializer.alias("application/timestamp-query", "application/octet-stream")
