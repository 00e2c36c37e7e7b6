"""Service-agnostic runtime for generated AWS JSON-protocol clients.

Nothing here knows which service it talks to: the generated modules bind it to
one by passing a `ServiceSpec` and `OperationSpec`s.
"""
