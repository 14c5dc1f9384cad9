/// The OpenAPI 3.1 description of the whole API, served at `GET /openapi.json`.
///
/// The canonical copy is `Sources/CivicSealAPI/Resources/openapi.json` (for tools); this constant must be identical
/// — a test compares them, and another checks that every route the server knows is documented and vice versa.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "CivicSeal API",
            "version": "1.0.0",
            "description": "Identity-linked official documents: citizens request criminal record certificates and health documents with a national identity token; department officers decide; health facilities record health-book entries; approved requests are issued as PAdES-sealed PDFs that anyone can verify (status, five-field confirmation, PDF upload, trust anchors). Errors are application/problem+json (RFC 9457)."
          },
          "servers": [
            {
              "url": "http://127.0.0.1:8080"
            }
          ],
          "paths": {
            "/v1/requests": {
              "post": {
                "summary": "Submit a request (citizen)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "201": {
                    "description": "Created; a retry with the same Idempotency-Key returns the same request",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestSummary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RequestSubmission"
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": false,
                    "schema": {
                      "type": "string",
                      "maxLength": 200
                    }
                  }
                ]
              },
              "get": {
                "summary": "List the caller's own requests (citizen)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "200": {
                    "description": "Own requests",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestList"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ]
              }
            },
            "/v1/requests/{id}": {
              "get": {
                "summary": "One request with its history (owner, or an officer of its department)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "200": {
                    "description": "The request",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestDetail"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/requests/{id}/supplement": {
              "post": {
                "summary": "Answer a request for information with a corrected form (citizen)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "200": {
                    "description": "Back in the queue as submitted",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestSummary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RequestSubmission"
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/requests/{id}/cancel": {
              "post": {
                "summary": "Cancel a submitted request or one awaiting information (citizen)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "200": {
                    "description": "Cancelled",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestSummary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/health-book": {
              "get": {
                "summary": "The caller's own health-book entries (citizen)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "200": {
                    "description": "Health book",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ]
              }
            },
            "/v1/queues/{department}": {
              "get": {
                "summary": "A department's queue by state, oldest due first (officer of that department)",
                "tags": [
                  "officer"
                ],
                "responses": {
                  "200": {
                    "description": "One page",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestList"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "department",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "schema": {
                      "$ref": "#/components/schemas/Status"
                    }
                  },
                  {
                    "name": "cursor",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 200,
                      "default": 50
                    }
                  }
                ]
              }
            },
            "/v1/requests/{id}/claim": {
              "post": {
                "summary": "Claim a submitted request into review (officer)",
                "tags": [
                  "officer"
                ],
                "responses": {
                  "200": {
                    "description": "In review",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestSummary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/requests/{id}/decision": {
              "post": {
                "summary": "Approve with findings, reject or ask for information (the claiming officer)",
                "tags": [
                  "officer"
                ],
                "responses": {
                  "200": {
                    "description": "Decided",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestSummary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Decision"
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/requests/{id}/complexity": {
              "post": {
                "summary": "Set or correct the Art. 48 complexity, and so the statutory deadline (an officer of the department)",
                "description": "Criminal-record requests that are still open (submitted, in review by the claiming officer, or waiting for information). The due date is recomputed from the day the clock started (10 or 15 working days, configurable); the step is audited as set-complexity with the reasons and the written reason, and outlives a later supplement. Another kind of request is 422 (records.invalid-input); a closed request 409.",
                "tags": [
                  "officer"
                ],
                "responses": {
                  "200": {
                    "description": "Set; the summary carries the new due date",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RequestSummary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/ComplexityChange"
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/health-books/{personal_id}/entries": {
              "post": {
                "summary": "Record a health-book entry (health.clinician)",
                "tags": [
                  "health"
                ],
                "responses": {
                  "201": {
                    "description": "Recorded",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "properties": {
                            "entry": {
                              "type": "integer"
                            }
                          },
                          "required": [
                            "entry"
                          ]
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/HealthBookEntry"
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "personal_id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9]{12}$"
                    }
                  }
                ]
              }
            },
            "/healthz": {
              "get": {
                "summary": "Liveness and database check",
                "tags": [
                  "operations"
                ],
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "properties": {
                            "status": {
                              "const": "ok"
                            }
                          }
                        }
                      }
                    }
                  },
                  "503": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": []
              }
            },
            "/metrics": {
              "get": {
                "summary": "Prometheus metrics: requests by route and status, latency histograms, requests by lifecycle state, the server's self-protection events",
                "description": "Not public: needs the operator's metrics token as a bearer token (serve --metrics-token-file FILE or CIVICSEAL_METRICS_TOKEN). Without a configured token the endpoint does not exist (404).",
                "tags": [
                  "operations"
                ],
                "responses": {
                  "200": {
                    "description": "Prometheus text exposition format 0.0.4",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "metricsToken": []
                  }
                ]
              }
            },
            "/openapi.json": {
              "get": {
                "summary": "This document",
                "tags": [
                  "operations"
                ],
                "responses": {
                  "200": {
                    "description": "OpenAPI 3.1",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                },
                "security": []
              }
            },
            "/v1/requests/{id}/document": {
              "get": {
                "summary": "Download the sealed PDF of an issued request (the citizen who submitted it)",
                "tags": [
                  "citizen"
                ],
                "responses": {
                  "200": {
                    "description": "The PAdES-sealed PDF",
                    "content": {
                      "application/pdf": {
                        "schema": {
                          "type": "string",
                          "format": "binary"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{32}$"
                    },
                    "description": "Request id: 32 lowercase hex digits (128 bits, unguessable, never reused)."
                  }
                ]
              }
            },
            "/v1/documents/{id}/status": {
              "get": {
                "summary": "Public status of a document: status, kind, issuing department, issue date; no personal data",
                "tags": [
                  "verification"
                ],
                "responses": {
                  "200": {
                    "description": "The status",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/DocumentStatus"
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"
                    },
                    "description": "Document id: 128 random bits, 26 characters of Crockford base 32."
                  }
                ]
              }
            },
            "/v1/documents/{id}/revoke": {
              "post": {
                "summary": "Revoke a document with a public reason code and internal grounds (a revoker of the issuing department: justice.revoker or health.revoker; deciding officers get 403); the request becomes revoked. Verifiers see only the code and the date, never the grounds.",
                "tags": [
                  "officer"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": [
                          "reasonCode",
                          "reason"
                        ],
                        "properties": {
                          "reasonCode": {
                            "type": "string",
                            "enum": [
                              "issued-in-error",
                              "superseded",
                              "holder-request",
                              "key-compromise",
                              "cessation-of-operation"
                            ],
                            "description": "The public reason (after RFC 5280 reason codes); an unknown code is a 422."
                          },
                          "reason": {
                            "type": "string",
                            "maxLength": 2000,
                            "description": "The grounds in free text: internal (history and audit trail), never shown to verifiers."
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Revoked",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/DocumentStatus"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "415": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "bearer": []
                  }
                ],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"
                    },
                    "description": "Document id: 128 random bits, 26 characters of Crockford base 32."
                  }
                ]
              }
            },
            "/v1/trust": {
              "get": {
                "summary": "Trust anchors and every department certificate (active and retired) as PEM, for offline verifiers",
                "tags": [
                  "verification"
                ],
                "responses": {
                  "200": {
                    "description": "Trust material",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Trust"
                        }
                      }
                    }
                  }
                },
                "security": []
              }
            },
            "/v1/verify": {
              "post": {
                "summary": "Verify a sealed PDF (public). Any bytes get a verdict: a file that is not a sealed PDF is outcome invalid with a failed structure check. Only an empty body is 400; another media type 415; more than 10 MiB 413. Verification runs on its own threads with a bounded queue: when it is full, 503 with Retry-After.",
                "tags": [
                  "verification"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/pdf": {
                      "schema": {
                        "type": "string",
                        "format": "binary",
                        "maxLength": 10485760
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The verdict (outcome valid, invalid or revoked, with named checks)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Verdict"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "415": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "503": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": []
              }
            },
            "/v1/verify/details": {
              "post": {
                "summary": "Five-field confirmation (public): confirmed only when document id, full name, birth date, sex and ID number all match; never says which differed. Names compare case-insensitively after NFC and white-space normalisation. At most 10 attempts per minute per client address (then 429 with Retry-After).",
                "tags": [
                  "verification"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/DetailsConfirmation"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "{\"confirmed\": false}, or confirmed with status, kind, department and issue date",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Confirmation"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "415": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "429": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": []
              }
            },
            "/v/{id}": {
              "get": {
                "summary": "Verification page (the QR code's target): status, kind, department and issue date, and the five-field form. Vietnamese, or English with the civicseal_lang cookie (GET /language/en). Plain HTML; sets the session cookie the form needs.",
                "tags": [
                  "verification"
                ],
                "responses": {
                  "200": {
                    "description": "The page",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such document (HTML page)",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                },
                "security": [],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"
                    },
                    "description": "Document id: 128 random bits, 26 characters of Crockford base 32."
                  }
                ]
              },
              "post": {
                "summary": "The verification page's form (application/x-www-form-urlencoded: csrf, documentId, fullName, birthDate, sex, personalId), sent with the session cookie and the csrf token of the page: the answer as a page. Same rate limit as /v1/verify/details.",
                "tags": [
                  "verification"
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/x-www-form-urlencoded": {
                      "schema": {
                        "$ref": "#/components/schemas/DetailsConfirmation"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Confirmed or not, as a page",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "No session cookie, or a missing or wrong csrf token (HTML page); nothing is checked",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Malformed document id (HTML page)",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "429": {
                    "description": "Too many attempts (HTML page, Retry-After)",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                },
                "security": [],
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"
                    },
                    "description": "Document id: 128 random bits, 26 characters of Crockford base 32."
                  }
                ]
              }
            }
          },
          "components": {
            "securitySchemes": {
              "metricsToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "The operator's metrics token (at least 16 characters), compared in constant time."
              },
              "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "An OpenID Connect ID token from a configured issuer. Citizens: sub, personal_id, name, birthdate, gender, acr (level1|level2). Staff: sub, name, roles (justice.officer, health.officer, justice.revoker, health.revoker, health.clinician), department. What each role may do, on which kinds of request and in which department, is one table (AuthorizationPolicy): a role that does not cover the action or the kind gets 403, another department's request 404."
              }
            },
            "responses": {
              "Problem": {
                "description": "RFC 9457 problem",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              }
            },
            "schemas": {
              "Problem": {
                "type": "object",
                "required": [
                  "type",
                  "title",
                  "status"
                ],
                "properties": {
                  "type": {
                    "type": "string",
                    "format": "uri"
                  },
                  "title": {
                    "type": "string"
                  },
                  "status": {
                    "type": "integer"
                  },
                  "detail": {
                    "type": "string"
                  },
                  "errors": {
                    "type": "array",
                    "description": "Offending fields with stable codes. On 401 and 403 the first entry is the identity code (e.g. expired, unknown-kid, insufficient-assurance) against the claim concerned or Authorization, followed by any claim validation codes; never a claim value.",
                    "items": {
                      "type": "object",
                      "required": [
                        "field",
                        "code",
                        "message"
                      ],
                      "properties": {
                        "field": {
                          "type": "string"
                        },
                        "code": {
                          "type": "string"
                        },
                        "message": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              },
              "Status": {
                "type": "string",
                "enum": [
                  "submitted",
                  "in_review",
                  "needs_info",
                  "approved",
                  "issued",
                  "rejected",
                  "cancelled",
                  "revoked"
                ]
              },
              "RequestSummary": {
                "type": "object",
                "required": [
                  "id",
                  "status",
                  "kind",
                  "department",
                  "dueDate",
                  "fee",
                  "overdue",
                  "version"
                ],
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "status": {
                    "$ref": "#/components/schemas/Status"
                  },
                  "kind": {
                    "type": "string",
                    "enum": [
                      "criminal-record",
                      "health-certificate",
                      "health-book-extract"
                    ]
                  },
                  "form": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "enum": [
                      1,
                      2,
                      null
                    ]
                  },
                  "department": {
                    "type": "string"
                  },
                  "assignee": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "Officers only"
                  },
                  "receivedOn": {
                    "type": "string",
                    "format": "date"
                  },
                  "dueDate": {
                    "type": "string",
                    "format": "date",
                    "description": "Statutory due date in working days"
                  },
                  "overdue": {
                    "type": "boolean"
                  },
                  "fee": {
                    "type": "object",
                    "properties": {
                      "amount": {
                        "type": "integer"
                      },
                      "currency": {
                        "const": "VND"
                      },
                      "category": {
                        "type": "string"
                      }
                    }
                  },
                  "version": {
                    "type": "integer"
                  },
                  "createdAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "updatedAt": {
                    "type": "string",
                    "format": "date-time"
                  }
                }
              },
              "RequestList": {
                "type": "object",
                "required": [
                  "items"
                ],
                "properties": {
                  "items": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/RequestSummary"
                    }
                  },
                  "nextCursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                }
              },
              "RequestDetail": {
                "type": "object",
                "required": [
                  "request",
                  "submission",
                  "history"
                ],
                "properties": {
                  "request": {
                    "$ref": "#/components/schemas/RequestSummary"
                  },
                  "submission": {
                    "$ref": "#/components/schemas/RequestSubmission"
                  },
                  "findings": {
                    "type": [
                      "object",
                      "null"
                    ]
                  },
                  "history": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "number": {
                          "type": "integer"
                        },
                        "at": {
                          "type": "string",
                          "format": "date-time"
                        },
                        "action": {
                          "type": "string"
                        },
                        "from": {
                          "type": [
                            "string",
                            "null"
                          ]
                        },
                        "to": {
                          "type": "string"
                        },
                        "actorRole": {
                          "type": "string"
                        },
                        "actor": {
                          "type": [
                            "string",
                            "null"
                          ]
                        },
                        "reason": {
                          "type": [
                            "string",
                            "null"
                          ]
                        }
                      }
                    }
                  }
                }
              },
              "RequestSubmission": {
                "type": "object",
                "required": [
                  "request",
                  "relation",
                  "contact",
                  "copies",
                  "delivery"
                ],
                "description": "Unknown members are refused. Dates are YYYY-MM-DD. Text is normalised to NFC.",
                "properties": {
                  "request": {
                    "type": "object",
                    "required": [
                      "kind"
                    ],
                    "properties": {
                      "kind": {
                        "type": "string",
                        "enum": [
                          "criminal-record",
                          "health-certificate",
                          "health-book-extract"
                        ]
                      },
                      "form": {
                        "type": "integer",
                        "enum": [
                          1,
                          2
                        ]
                      },
                      "purpose": {
                        "type": "string"
                      },
                      "statesBans": {
                        "type": "boolean"
                      },
                      "expungementToVerify": {
                        "type": "boolean"
                      },
                      "certificateType": {
                        "type": "string",
                        "enum": [
                          "driving-licence",
                          "general",
                          "employment",
                          "study"
                        ]
                      },
                      "licenceClass": {
                        "type": "string",
                        "description": "Health certificates of type driving-licence only (required there, refused otherwise): a class of the 2024 Road Traffic Order and Safety Law.",
                        "enum": [
                          "A1",
                          "A",
                          "B1",
                          "B",
                          "C1",
                          "C",
                          "D1",
                          "D2",
                          "D",
                          "BE",
                          "C1E",
                          "CE",
                          "D1E",
                          "D2E",
                          "DE"
                        ]
                      },
                      "sections": {
                        "type": "array",
                        "items": {
                          "type": "string"
                        }
                      },
                      "from": {
                        "type": "string"
                      },
                      "to": {
                        "type": "string"
                      }
                    }
                  },
                  "relation": {
                    "type": "string",
                    "enum": [
                      "self",
                      "parent-of-minor",
                      "authorised-proxy"
                    ]
                  },
                  "subject": {
                    "type": "object"
                  },
                  "proxy": {
                    "type": "object"
                  },
                  "particulars": {
                    "type": "object"
                  },
                  "residenceHistory": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "from": {
                          "type": "string"
                        },
                        "to": {
                          "type": "string"
                        },
                        "address": {
                          "type": "string"
                        },
                        "provinceCode": {
                          "type": "string"
                        },
                        "countryCode": {
                          "type": "string"
                        },
                        "occupation": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "contact": {
                    "type": "object",
                    "properties": {
                      "phone": {
                        "type": "string"
                      },
                      "email": {
                        "type": "string"
                      }
                    }
                  },
                  "copies": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "delivery": {
                    "type": "object",
                    "properties": {
                      "method": {
                        "type": "string",
                        "enum": [
                          "electronic",
                          "postal",
                          "in-person"
                        ]
                      },
                      "postalAddress": {
                        "type": "object"
                      }
                    }
                  },
                  "feeGroup": {
                    "type": "string"
                  }
                }
              },
              "Decision": {
                "type": "object",
                "required": [
                  "decision"
                ],
                "additionalProperties": false,
                "properties": {
                  "decision": {
                    "type": "string",
                    "enum": [
                      "approve",
                      "reject",
                      "request-info"
                    ]
                  },
                  "reason": {
                    "type": "string",
                    "maxLength": 2000,
                    "description": "Required for reject and request-info"
                  },
                  "findings": {
                    "description": "Required for approve: every fact the document prints, typed per kind; an unknown or missing member is a 422 naming it (findings.unknown-member, findings.required), never defaulted. Text refuses control and bidi characters; event dates cannot be after today.",
                    "oneOf": [
                      {
                        "$ref": "#/components/schemas/CriminalRecordFindings"
                      },
                      {
                        "$ref": "#/components/schemas/HealthCertificateFindings"
                      },
                      {
                        "$ref": "#/components/schemas/HealthBookExtractFindings"
                      }
                    ]
                  },
                  "expectedVersion": {
                    "type": "integer",
                    "minimum": 1
                  }
                }
              },
              "ComplexityChange": {
                "type": "object",
                "required": [
                  "reasons",
                  "reason"
                ],
                "additionalProperties": false,
                "properties": {
                  "reasons": {
                    "type": "array",
                    "uniqueItems": true,
                    "description": "The Art. 48 reasons that apply; an empty list is the ordinary case (10 working days).",
                    "items": {
                      "type": "string",
                      "enum": [
                        "several-provinces",
                        "lived-abroad",
                        "foreigner",
                        "expungement-to-verify"
                      ]
                    }
                  },
                  "reason": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 1800,
                    "description": "Why the officer sets it: kept in the history and the audit trail."
                  },
                  "expectedVersion": {
                    "type": "integer",
                    "minimum": 1
                  }
                }
              },
              "CriminalRecordFindings": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "convictions",
                  "bans"
                ],
                "description": "Empty lists: no criminal record ('Không có án tích').",
                "properties": {
                  "convictions": {
                    "type": "array",
                    "maxItems": 50,
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "judgmentDate",
                        "judgmentNumber",
                        "court",
                        "crime",
                        "articles",
                        "mainPenalty",
                        "additionalPenalties",
                        "executionStatus",
                        "expunged"
                      ],
                      "properties": {
                        "judgmentDate": {
                          "type": "string",
                          "format": "date",
                          "description": "YYYY-MM-DD, not after today"
                        },
                        "judgmentNumber": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "court": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "crime": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "articles": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "mainPenalty": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "additionalPenalties": {
                          "type": "string",
                          "maxLength": 500,
                          "description": "Empty when none was imposed"
                        },
                        "executionStatus": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "expunged": {
                          "type": "boolean"
                        }
                      }
                    }
                  },
                  "bans": {
                    "type": "array",
                    "maxItems": 50,
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "description",
                        "judgment",
                        "court",
                        "duration"
                      ],
                      "properties": {
                        "description": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "judgment": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "court": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "duration": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        }
                      }
                    }
                  }
                }
              },
              "HealthCertificateFindings": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "licenceClass",
                  "examinedOn",
                  "validityMonths",
                  "results",
                  "drugTest",
                  "conclusion",
                  "doctor"
                ],
                "properties": {
                  "licenceClass": {
                    "type": "string",
                    "enum": [
                      "A1",
                      "A",
                      "B1",
                      "B",
                      "C1",
                      "C",
                      "D1",
                      "D2",
                      "D",
                      "BE",
                      "C1E",
                      "CE",
                      "D1E",
                      "D2E",
                      "DE",
                      "E"
                    ]
                  },
                  "examinedOn": {
                    "type": "string",
                    "format": "date",
                    "description": "YYYY-MM-DD, not after today"
                  },
                  "validityMonths": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 60
                  },
                  "results": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 50,
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "specialtyVietnamese",
                        "specialtyEnglish",
                        "finding",
                        "assessment"
                      ],
                      "properties": {
                        "specialtyVietnamese": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "specialtyEnglish": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "finding": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        },
                        "assessment": {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 500
                        }
                      }
                    }
                  },
                  "drugTest": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 500
                  },
                  "conclusion": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 500
                  },
                  "doctor": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 500
                  }
                }
              },
              "HealthBookExtractFindings": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "sections"
                ],
                "properties": {
                  "sections": {
                    "type": "array",
                    "minItems": 1,
                    "description": "Exactly the sections the request asked for",
                    "items": {
                      "type": "string",
                      "enum": [
                        "encounters",
                        "vaccinations",
                        "allergies"
                      ]
                    }
                  }
                }
              },
              "HealthBookEntry": {
                "type": "object",
                "required": [
                  "entryType"
                ],
                "properties": {
                  "entryType": {
                    "type": "string",
                    "enum": [
                      "encounter",
                      "vaccination",
                      "allergy"
                    ]
                  }
                }
              },
              "DocumentStatus": {
                "type": "object",
                "required": [
                  "documentId",
                  "status",
                  "kind",
                  "department",
                  "issueDate"
                ],
                "properties": {
                  "documentId": {
                    "type": "string"
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "valid",
                      "revoked"
                    ]
                  },
                  "kind": {
                    "type": "string",
                    "enum": [
                      "criminal-record",
                      "health-certificate",
                      "health-book-extract"
                    ]
                  },
                  "department": {
                    "type": "object",
                    "properties": {
                      "id": {
                        "type": "string"
                      },
                      "name": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "nameEnglish": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  },
                  "issueDate": {
                    "type": "string",
                    "format": "date",
                    "description": "Issue day in Việt Nam time"
                  },
                  "revocationDate": {
                    "type": "string",
                    "format": "date"
                  },
                  "revocationReason": {
                    "type": "string",
                    "enum": [
                      "issued-in-error",
                      "superseded",
                      "holder-request",
                      "key-compromise",
                      "cessation-of-operation",
                      "unspecified"
                    ],
                    "description": "The public reason code of a revocation (unspecified: revoked before codes existed)."
                  }
                }
              },
              "Confirmation": {
                "type": "object",
                "required": [
                  "confirmed"
                ],
                "properties": {
                  "confirmed": {
                    "type": "boolean"
                  },
                  "documentId": {
                    "type": "string"
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "valid",
                      "revoked"
                    ]
                  },
                  "kind": {
                    "type": "string"
                  },
                  "department": {
                    "type": "object",
                    "properties": {
                      "id": {
                        "type": "string"
                      },
                      "name": {
                        "type": [
                          "string",
                          "null"
                        ]
                      },
                      "nameEnglish": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  },
                  "issueDate": {
                    "type": "string",
                    "format": "date"
                  },
                  "revocationDate": {
                    "type": "string",
                    "format": "date"
                  },
                  "revocationReason": {
                    "type": "string",
                    "enum": [
                      "issued-in-error",
                      "superseded",
                      "holder-request",
                      "key-compromise",
                      "cessation-of-operation",
                      "unspecified"
                    ],
                    "description": "The public reason code of a revocation (unspecified: revoked before codes existed)."
                  }
                }
              },
              "DetailsConfirmation": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "documentId",
                  "fullName",
                  "birthDate",
                  "sex",
                  "personalId"
                ],
                "properties": {
                  "documentId": {
                    "type": "string"
                  },
                  "fullName": {
                    "type": "string"
                  },
                  "birthDate": {
                    "type": "string",
                    "format": "date"
                  },
                  "sex": {
                    "type": "string",
                    "enum": [
                      "male",
                      "female"
                    ]
                  },
                  "personalId": {
                    "type": "string",
                    "pattern": "^[0-9]{12}$"
                  }
                }
              },
              "Trust": {
                "type": "object",
                "required": [
                  "trustAnchors",
                  "departments"
                ],
                "properties": {
                  "trustAnchors": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "subject": {
                          "type": "string"
                        },
                        "sha256": {
                          "type": "string"
                        },
                        "pem": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "departments": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "id": {
                          "type": "string"
                        },
                        "name": {
                          "type": "string"
                        },
                        "nameEnglish": {
                          "type": "string"
                        },
                        "certificates": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "name": {
                                "type": "string"
                              },
                              "status": {
                                "type": "string",
                                "enum": [
                                  "active",
                                  "retired"
                                ]
                              },
                              "subject": {
                                "type": "string"
                              },
                              "sha256": {
                                "type": "string"
                              },
                              "notBefore": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "notAfter": {
                                "type": "string",
                                "format": "date-time"
                              },
                              "pem": {
                                "type": "string",
                                "description": "The certificate then its chain, PEM"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              },
              "Verdict": {
                "type": "object",
                "required": [
                  "outcome",
                  "checks"
                ],
                "properties": {
                  "outcome": {
                    "type": "string",
                    "enum": [
                      "valid",
                      "invalid",
                      "revoked"
                    ]
                  },
                  "checks": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "passed": {
                          "type": "boolean"
                        },
                        "message": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "signer": {
                    "type": "string"
                  },
                  "department": {
                    "type": "string"
                  },
                  "signingTime": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "documentId": {
                    "type": "string"
                  },
                  "documentKind": {
                    "type": "string"
                  },
                  "revocation": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "description": "When the document is revoked: the date and the public reason code, never the grounds.",
                    "properties": {
                      "date": {
                        "type": "string",
                        "format": "date-time"
                      },
                      "reason": {
                        "type": "string",
                        "enum": [
                          "issued-in-error",
                          "superseded",
                          "holder-request",
                          "key-compromise",
                          "cessation-of-operation",
                          "unspecified"
                        ]
                      }
                    }
                  }
                },
                "additionalProperties": true
              }
            }
          }
        }
        """#
}
