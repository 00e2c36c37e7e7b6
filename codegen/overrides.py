"""Reviewed corrections to the service model, applied by the loader.

Each entry says why it exists. The loader fails when an entry no longer matches
the model, so a stale override cannot linger silently.
"""

from __future__ import annotations

# (service name, shape, member) -> why the member is treated as optional even
# though the model marks it required.
OPTIONAL_MEMBERS: dict[tuple[str, str, str], str] = {
    ("sagemaker", "ModelPackageSummary", "ModelPackageName"): (
        "boto/botocore#3022: ListModelPackages omits it for versioned packages "
        "(optional in the model since botocore 1.44; kept against a regression)"
    ),
}
