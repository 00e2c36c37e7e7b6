"""The one exception the generator raises for a model it cannot turn into code."""


class CodegenError(Exception):
    """The model is unsupported, inconsistent, or would produce ambiguous names."""
