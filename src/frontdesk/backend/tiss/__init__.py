"""The local TISS operator: the embedded backend and `frontdesk serve` answering TISS 4.01.00.

`routes` hooks `POST /v1/tiss/v4.01.00/{service}` and `GET /v1/_local/tiss` into the HTTP
app without importing lxml (it loads with the first TISS request); `operator` checks each
message (schemas, destination, sender, login, hash) and answers with the standard faults or
from `answers`, which runs the four services over the same engine, store and demo data;
`records` keeps what it answered (per prestador and sequencialTransacao) in its own tables.
"""
