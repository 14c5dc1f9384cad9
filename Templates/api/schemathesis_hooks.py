"""schemathesis hooks for CivicSeal (loaded through `hooks` in schemathesis.toml).

`POST /v1/verify` takes the PDF itself as `application/pdf`: its generated bodies are sent as raw bytes, like
`application/octet-stream` (schemathesis has no serializer of its own for PDF). `POST /pki/ocsp` takes a DER
OCSP request as `application/ocsp-request`, and `POST /pki/tsa` a DER TimeStampReq as
`application/timestamp-query`, sent the same way.
"""

import schemathesis

schemathesis.serializer.alias("application/pdf", "application/octet-stream")
schemathesis.serializer.alias("application/ocsp-request", "application/octet-stream")
schemathesis.serializer.alias("application/timestamp-query", "application/octet-stream")
