"""The array fields of the FIT profile, read from Garmin's FIT SDK, and the module that lists them.

fitdecode's profile (which the reader uses) does not say which fields are
arrays; Garmin's Profile.xlsx does (column "Array"), and the FIT SDK's Python
package carries it. :mod:`analyzer.io.fit.profile_arrays` is generated from
it by::

    python -m tests.helpers.fit_profile_arrays > analyzer/io/fit/profile_arrays.py

and ``tests/test_fit_device_quirks.py`` checks that it is still what the
installed SDK says.
"""

from __future__ import annotations


def sdk_array_fields() -> tuple[str, frozenset[tuple[int, int]]]:
    """The SDK's profile version and its ``(message number, field number)`` array fields."""
    from garmin_fit_sdk.profile import Profile

    pairs = frozenset(
        (int(mesg["num"]), int(field["num"]))
        for mesg in Profile["messages"].values()
        for field in mesg["fields"].values()
        if field["array"] == "true"
    )
    version = Profile["version"]
    return f"{version['major']}.{version['minor']}", pairs


def module_text() -> str:
    version, pairs = sdk_array_fields()
    rows = "\n".join(f"        ({m}, {f})," for m, f in sorted(pairs))
    return f'''"""Fields the FIT profile declares as arrays, as (message number, field number).

Generated from the FIT SDK {version} profile (Profile.xlsx, column "Array") by
``python -m tests.helpers.fit_profile_arrays``; fitdecode's profile, which
the reader otherwise uses, does not carry this column. A field not listed
here holds one value, so a device that records more elements for it wrote
something the profile does not define (:mod:`.plan`).
"""

from __future__ import annotations

ARRAY_FIELDS: frozenset[tuple[int, int]] = frozenset(
    (
{rows}
    )
)
'''


if __name__ == "__main__":
    print(module_text(), end="")
