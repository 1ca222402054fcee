"""Published example data that more than one test checks against."""

from __future__ import annotations

#: The 15 p-values of the worked example in Benjamini Y, Hochberg Y. Controlling the false
#: discovery rate: a practical and powerful approach to multiple testing. *J R Stat Soc B*
#: 1995;57(1):289-300, doi:10.1111/j.2517-6161.1995.tb02031.x. At q = 0.05 the procedure
#: rejects four of them.
BH_1995_P = (
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
)
