"""Every DOI, PMID and PMCID the repository cites was checked against the paper it stands for.

A wrong identifier sends a reader to another paper, so each one is listed below with the work
it resolves to and where that was confirmed: the publisher's page, PubMed or PubMed Central
(shown with the DOI), a Crossref-based index, or, where no such page was at hand, the
publisher's own DOI scheme (journal, volume, issue and first page confirmed on PubMed) or
independent reference lists that agree. An identifier that could not be confirmed is not
cited: the reference gives authors, year, title and venue instead. A new citation fails this
test until it is checked and added here.
"""

from __future__ import annotations

import re

from tests.helpers.paths import ROOT

#: Folders (and files) whose text is scanned; data files and recorded outputs are not.
SCANNED = ("analyzer", "dashboards", "benchmarks", "tests", "README.md")
SKIPPED = ("tests/data", "tests/golden", "tests/test_citations.py")

DOI = re.compile(r"\b10\.\d{4,9}/[^\s,;)\"'>\]`}<]+", re.IGNORECASE)
PMID = re.compile(r"\bPMID:?\s*(\d{6,9})")
PMCID = re.compile(r"\bPMC\d{6,8}\b")

#: Confirmed identifiers: the work each resolves to, and where that was seen.
VERIFIED = {
    # Training load, fatigue, heart rate
    "10.1152/jappl.1990.69.3.1171": "Morton, Fitz-Clarke, Banister 1990, J Appl Physiol; "
    "PubMed 2246166, APS DOI scheme (69(3):1171)",
    "10.1249/01.mss.0000064999.82036.b4": "Lucia et al. 2003, Med Sci Sports Exerc, Tour vs "
    "Vuelta; PubMed 12750600, reference lists",
    "10.1519/00124278-200102000-00019": "Foster et al. 2001, J Strength Cond Res, session RPE; "
    "reference lists",
    "10.1097/00005768-199807000-00023": "Foster 1998, Med Sci Sports Exerc, monotony; "
    "reference lists",
    "10.1109/tsmc.1976.5409179": "Calvert et al. 1976, IEEE Trans Syst Man Cybern; reference lists",
    "10.1152/advan.00078.2011": "Clarke & Skiba 2013, Adv Physiol Educ; journals.physiology.org",
    "10.1136/bjsports-2016-096589": "Williams et al. 2017, Br J Sports Med, EWMA ACWR; "
    "reference lists (PMID 27650255)",
    "10.1136/bjsports-2017-098110": "Lolli et al. 2019, Br J Sports Med, coupling; reference lists",
    "10.1136/bjsports-2017-098925": "Windt & Gabbett 2019, Br J Sports Med; reference lists",
    "10.1136/bjsports-2015-095788": "Gabbett 2016, Br J Sports Med, training-injury paradox; "
    "reference lists",
    "10.1097/00003677-200104000-00009": "Coyle & Gonzalez-Alonso 2001, Exerc Sport Sci Rev; "
    "reference lists",
    "10.1056/nejm199910283411804": "Cole et al. 1999, N Engl J Med, heart-rate recovery; nejm.org",
    "10.3389/fphys.2014.00073": "Buchheit 2014, Front Physiol; frontiersin.org",
    "10.1161/01.cir.93.5.1043": "Task Force ESC/NASPE 1996, Circulation, HRV standards; "
    "reference lists",
    "10.1007/s40279-013-0071-8": "Plews et al. 2013, Sports Med, HRV; reference lists",
    "10.1007/s00421-007-0552-2": "Kiviniemi et al. 2007, Eur J Appl Physiol; link.springer.com",
    "10.1093/sleep/26.2.117": "Van Dongen et al. 2003, Sleep, cumulative cost of wakefulness; "
    "academic.oup.com",
    "10.1093/sleep/zsz180": "Walch et al. 2019, Sleep, sleep stages from Apple Watch acceleration "
    "and heart rate; scholarworks.smith.edu record (Sleep 42(12))",
    "10.17605/osf.io/6hfpz": "GoldenCheetah OpenData project; osf.io/6hfpz",
    # Physiology estimates
    "10.1055/s-2002-29081": "Boudet et al. 2002, Int J Sports Med, median maximal heart rate; "
    "PubMed 12015631",
    "10.2165/00007256-200333070-00004": "Achten & Jeukendrup 2003, Sports Med, heart rate "
    "monitoring; publisher page",
    "10.1371/journal.pone.0227709": "Quer et al. 2020, PLoS One, resting heart rate of 92,457 "
    "adults; journals.plos.org",
    # Devices, nights, days
    "10.1093/sleep/15.5.461": "Cole et al. 1992, Sleep, sleep/wake from wrist activity; "
    "PubMed 1455130",
    "10.1038/s41598-018-31266-z": "van Hees et al. 2018, Sci Rep, sleep without a diary; "
    "PMC6113241",
    "10.3389/fpubh.2017.00258": "Shaffer & Ginsberg 2017, Front Public Health, HRV metrics; "
    "PMC5624990",
    # Cramps, medications, logged values
    "10.1136/bjsm.2010.078535": "Schwellnus, Drew, Collins 2011, Br J Sports Med, Ironman "
    "cramps; Crossref index (OUCI)",
    "10.1007/s40279-019-01162-1": "Maughan & Shirreffs 2019, Sports Med, muscle cramping; "
    "link.springer.com",
    "10.4085/1062-6050-0696.20": "Miller et al. 2022, J Athl Train, exercise-associated cramps; "
    "PMC8775277",
    "34185846": "PMID of Miller et al. 2022; PubMed",
    "10.1371/journal.pone.0178465": "Grandner & Winkelman 2017, PLoS One, nocturnal leg cramps; "
    "PMC5460850",
    "10.1001/archinternmed.2011.1029": "Garrison et al. 2012, Arch Intern Med, prescriptions "
    "before leg cramps; Citizendium reference with authors and title",
    "10.1097/jsm.0000000000000456": "Schwellnus et al. 2018, Clin J Sport Med, 15778 runners; "
    "journals.lww.com",
    "28901963": "PMID of Schwellnus et al. 2018; PubMed mirror",
    "22963024": "PMID of Allen & Kirby 2012, Am Fam Physician, nocturnal leg cramps; PubMed",
    "10.1093/eurheartj/ehv043": "Stroes et al. 2015, Eur Heart J, statin muscle symptoms; "
    "PMC4416140",
    "25694464": "PMID of Stroes et al. 2015; PMC4416140",
    "10.1592/phco.27.3.412": "Backes et al. 2007, Pharmacotherapy, fibrates; 27(3):412-424 "
    "confirmed, Pharmacotherapy DOI scheme (volume.issue.page)",
    "10.2147/dmso.s352735": "Hu et al. 2022, Diabetes Metab Syndr Obes, cramps and retinopathy; "
    "dovepress.com",
    "10.2903/j.efsa.2015.4102": "EFSA NDA Panel 2015, EFSA J 13(5):4102, safety of caffeine; "
    "efsa.europa.eu",
    # Statistics
    "10.1093/oxfordjournals.aje.a115853": "Maclure 1991, Am J Epidemiol, case-crossover; "
    "reference lists",
    "10.1097/01.ede.0000181315.18836.9d": "Janes, Sheppard, Lumley 2005, Epidemiology, "
    "referent selection; reference lists",
    "10.1111/j.2517-6161.1995.tb02031.x": "Benjamini & Hochberg 1995, J R Stat Soc B; "
    "reference lists, academic.oup.com",
    "10.1038/nature02101": "Adams, Mann, Ammann 2003, Nature, superposed epochs; nature.com",
    "10.1186/1471-2288-14-122": "Armstrong, Gasparrini, Tobias 2014, BMC Med Res Methodol, "
    "conditional Poisson; biomedcentral.com",
    "10.1002/sim.2302": "Whitaker et al. 2006, Stat Med, self-controlled case series; "
    "reference lists",
}


def _scanned_files():
    for top in SCANNED:
        path = ROOT / top
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if file.suffix in (".py", ".md") and not relative.startswith(SKIPPED):
                yield relative, file.read_text(encoding="utf-8", errors="replace")


def cited_identifiers(text: str) -> set[str]:
    """DOIs (lower case, without a closing full stop or colon), PMIDs and PMCIDs in ``text``."""
    dois = {m.group(0).rstrip(".:").lower() for m in DOI.finditer(text)}
    return dois | set(PMID.findall(text)) | set(PMCID.findall(text))


def test_every_cited_identifier_was_checked():
    unchecked = {
        f"{where}: {identifier}"
        for where, text in _scanned_files()
        for identifier in cited_identifiers(text)
        if identifier not in VERIFIED
    }
    assert not unchecked, "\n".join(sorted(unchecked))


def test_the_scan_finds_each_kind_of_identifier():
    text = "doi:10.1093/sleep/15.5.461. PMID 22963024; PMCID: PMC5624990 (https://doi.org/10.2/x)"
    assert cited_identifiers(text) == {"10.1093/sleep/15.5.461", "22963024", "PMC5624990"}
    found = {i for _, text in _scanned_files() for i in cited_identifiers(text)}
    assert {"10.1001/archinternmed.2011.1029", "34185846", "10.17605/osf.io/6hfpz"} <= found
