"""The local TISS operator: the embedded backend and `frontdesk serve` answering TISS in
every version frontdesk has schemas for (4.03.00, 4.02.00, 4.01.00), or those chosen.

`routes` hooks `POST /v1/tiss/v{version}/{service}` and `GET /v1/_local/tiss` into the HTTP
app without importing lxml (it loads with the first TISS request); `operator` checks each
message (version, schemas, destination, sender, login, hash) in its path's version and
answers with the standard faults or from `answers`, which runs the four services over the
same engine, store and demo data; `records` keeps what it answered (per prestador and
sequencialTransacao) in its own tables.
"""
