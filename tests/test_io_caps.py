"""The size caps shared by more than one reader path are one constant each."""

from __future__ import annotations

from analyzer.io import archive, caps, fit


def test_a_gzipped_fit_file_expands_at_most_to_what_the_fit_reader_accepts():
    # one object, not two equal numbers: changing the FIT reader's cap moves the gzip cap with
    # it, so a .fit.gz is never expanded further than its FIT file could then be read
    assert archive.MAX_GZIP_BYTES is caps.MAX_FIT_BYTES
    assert fit.MAX_FILE_BYTES is caps.MAX_FIT_BYTES
    assert archive.DEFAULT_LIMITS.max_gzip_bytes is caps.MAX_FIT_BYTES
