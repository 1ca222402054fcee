"""The one import path of the library: :class:`ImportJob` and what it reports.

Modules, in the order a file passes through them:

* :mod:`.inputs` - paths and uploads turned into files (folders walked, archives opened);
* :mod:`.reading` - who reads them: this process, or worker processes ahead of it;
* :mod:`.onefile` - one file's rows, bytes and history row, wholly or not at all;
* :mod:`.job` - the loop, its commits and the Garmin assembly at the end;
* :mod:`.results` - :class:`ImportResult` per file, :class:`ImportReport` per job.
"""

from analyzer.store.importing.job import ImportJob
from analyzer.store.importing.results import ImportReport, ImportResult

__all__ = ["ImportJob", "ImportReport", "ImportResult"]
