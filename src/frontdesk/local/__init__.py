"""Local mode's composition: the local backend and the client (or a TISS transport) in one
process, with no socket. `embedded_client` is the token contract's desk on the embedded
backend; `embedded_operator` is the local TISS operator of the TISS demonstration.
"""
