"""The counter on a TISS operator: what the app drives when its profile is a TISS one.

The app speaks to one desk service, whatever the backend; for a TISS profile that service is
`tiss_desk.TissDesk`, which answers with the app's own result types (`frontdesk.client.models`:
Guide, Token, Channels…) and errors (`frontdesk.client.client_errors`, plus `counter_errors`
here), so the screens stay the same and the app never sees TISS XML:

- `exports`: the practice system's TISS XML files in the profile's import folder, read into
  today's queue (each file's problems kept for the import report);
- `manual`: a guide started by hand from the card (SP/SADT or odonto), with the clinic's
  fixed data from the profile;
- `entries`: the queue's guides, wherever they came from (or a card alone), as the app's
  `Guide` (`guides.TissGuide`: the Guide plus what only TISS tells);
- `ledger`: what the operator answered for each guide (status, senha, glosas, the file
  written back), kept in the user data directory, never a code;
- `tiss_desk`: the service itself (validate, Sem token, status checks, the write-back);
- `answers`: the operator's answers in the app's words (Guide, glosas, next status check);
- `counter_errors`: what a receptionist can act on (operator away, login refused, a message refused,
  a code refused, a glosa that points at a field);
- `connect`: a `TissDesk` for a TISS profile's connection, or the local TISS demonstration.

It sits between the app and the layers below (config, client's models, tiss); it imports
neither textual nor rich.
"""
