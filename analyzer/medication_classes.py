"""What each medication is known for: drug classes reported with muscle cramps.

A curated table maps generic names and the commonest brand names to the drug
classes that the literature reports with muscle cramps, each with the kind of
evidence behind it and its references. :func:`classify` finds the classes in
a name as a person writes it in a medication log ("Atorvastatin calcium 20 mg",
"Lipitor", "losartan/HCTZ 50/12.5"): case, accents, salts, doses, dosage forms
and combination separators do not matter, because the name is split into words
and every word (and run of up to three words) is looked up. A name that holds
none of them is "class not known": the table lists only classes reported with
cramps, and a class missing here is not a statement that a drug is safe.

What the evidence is, class by class
------------------------------------
* **Population study** (Garrison et al. 2012): a sequence symmetry analysis of
  4.2 million residents of British Columbia aged 50 or more, in which new
  quinine prescriptions (the treatment of nocturnal leg cramps then) were more
  frequent in the year after starting a drug than in the year before. Adjusted
  sequence ratios (95% CI): long-acting beta-agonists 2.42 (2.02-2.89),
  potassium-sparing diuretics 2.12 (1.61-2.78), thiazide-like diuretics 1.48
  (1.29-1.68), statins 1.16 (1.04-1.29), loop diuretics 1.20 (1.00-1.44,
  p = 0.07, not significant).
* **Cross-sectional study** (Schwellnus et al. 2018): among 15,778 distance
  runners, statin users reported a history of exercise-associated cramps more
  often (prevalence ratio 1.26, p = 0.013).
* **Product labels** (Allen & Kirby 2012): intravenous iron sucrose, conjugated
  estrogens, raloxifene, naproxen and teriparatide are the medications most
  strongly associated with leg cramps in their labelling, at a low incidence.
* **Muscle side effects, not cramps specifically**: fibrates cause myopathy at
  a rate like statins' (Backes et al. 2007); statin-associated muscle symptoms
  include cramps (Stroes et al. 2015).
* **Named without a measured association**: insulin (cramps are common in
  diabetes, Hu et al. 2022, and hypoglycaemia is discussed as a cause in
  narrative reviews, but no study measuring cramp risk with insulin was found)
  and hormonal contraceptives (named in patient information as drugs that may
  cause cramps; no study measuring it was found).

References
----------
.. [1] Garrison SR, Dormuth CR, Morrow RL, Carney GA, Khan KM. Nocturnal leg
   cramps and prescription use that precedes them: a sequence symmetry
   analysis. Arch Intern Med 2012;172(2):120-126.
   doi:10.1001/archinternmed.2011.1029.
.. [2] Schwellnus MP, Swanevelder S, Jordaan E, Derman W, Van Rensburg DCJ.
   Underlying chronic disease, medication use, history of running injuries and
   being a more experienced runner are independent factors associated with
   exercise-associated muscle cramping: a cross-sectional study in 15778
   distance runners. Clin J Sport Med 2018;28(3):289-298.
   doi:10.1097/JSM.0000000000000456. PMID 28901963.
.. [3] Allen RE, Kirby KA. Nocturnal leg cramps. Am Fam Physician
   2012;86(4):350-355. PMID 22963024.
.. [4] Stroes ES, Thompson PD, Corsini A, et al. Statin-associated muscle
   symptoms: impact on statin therapy. European Atherosclerosis Society
   Consensus Panel statement. Eur Heart J 2015;36(17):1012-1022.
   doi:10.1093/eurheartj/ehv043. PMID 25694464.
.. [5] Backes JM, Gibson CA, Ruisinger JF, Moriarty PM. Fibrates: what have we
   learned in the past 40 years? Pharmacotherapy 2007;27(3):412-424.
   doi:10.1592/phco.27.3.412.
.. [6] Hu H, Wang C, Liang K, et al. Relationship between muscle cramps and
   diabetic retinopathy in patients with type 2 diabetes. Diabetes Metab Syndr
   Obes 2022;15:827-837. doi:10.2147/DMSO.S352735.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

#: What a name without any known class is called.
CLASS_NOT_KNOWN = "class not known"

#: The advice every class note ends with: report, never stop or change.
DOCTOR_ADVICE = (
    "Cramps that may be related to a medication should be reported to your doctor; "
    "do not stop or change a medication on your own."
)

GARRISON_2012 = (
    "Garrison et al., Arch Intern Med 2012;172:120-126, doi:10.1001/archinternmed.2011.1029"
)
SCHWELLNUS_2018 = (
    "Schwellnus et al., Clin J Sport Med 2018;28:289-298, doi:10.1097/JSM.0000000000000456"
)
ALLEN_KIRBY_2012 = "Allen & Kirby, Am Fam Physician 2012;86:350-355, PMID 22963024"
STROES_2015 = "Stroes et al., Eur Heart J 2015;36:1012-1022, doi:10.1093/eurheartj/ehv043"
BACKES_2007 = "Backes et al., Pharmacotherapy 2007;27:412-424, doi:10.1592/phco.27.3.412"
HU_2022 = "Hu et al., Diabetes Metab Syndr Obes 2022;15:827-837, doi:10.2147/DMSO.S352735"


@dataclass(frozen=True)
class DrugClass:
    """A drug class reported with muscle cramps.

    Attributes
    ----------
    key : str
        Identifier, e.g. ``"statin"``.
    label : str
        The class in plain words, e.g. ``"thiazide diuretic"``.
    evidence : str
        The kind of evidence: ``"population study"``, ``"cross-sectional study"``,
        ``"product labels"``, ``"muscle side effects"`` or ``"no measured association"``.
    finding : str
        What was found, in one clause that follows "reported with muscle cramps: ".
    references : tuple of str
        Short citations with DOI or PMID.
    generics : tuple of str
        Generic names (lower case, words separated by single spaces).
    brands : dict of str to str
        Brand name (lower case) -> the generic name(s) it contains.
    """

    key: str
    label: str
    evidence: str
    finding: str
    references: tuple[str, ...]
    generics: tuple[str, ...]
    brands: dict[str, str] = field(default_factory=dict)

    def note(self) -> str:
        """One sentence: the class, the kind of evidence, what was found and where.

        Example: "Statin (population study): cramp treatment started 1.16 times
        as often ... (Garrison et al., ...)."
        """
        label = self.label[0].upper() + self.label[1:]
        return f"{label} ({self.evidence}): {self.finding} ({'; '.join(self.references)})."


DRUG_CLASSES: tuple[DrugClass, ...] = (
    DrugClass(
        "thiazide_diuretic",
        "thiazide diuretic",
        "population study",
        "cramp treatment started 1.48 times as often in the year after starting a thiazide or "
        "thiazide-like diuretic as in the year before (95% CI 1.29-1.68, adults aged 50 or more)",
        (GARRISON_2012,),
        (
            "hydrochlorothiazide",
            "hctz",
            "chlorothiazide",
            "chlorthalidone",
            "chlortalidone",
            "indapamide",
            "metolazone",
            "bendroflumethiazide",
            "bendrofluazide",
            "cyclopenthiazide",
            "methyclothiazide",
            "polythiazide",
            "trichlormethiazide",
            "xipamide",
            "co amilozide",
            "co triamterzide",
        ),
        {
            "microzide": "hydrochlorothiazide",
            "esidrix": "hydrochlorothiazide",
            "hydrodiuril": "hydrochlorothiazide",
            "diuril": "chlorothiazide",
            "hygroton": "chlorthalidone",
            "thalitone": "chlorthalidone",
            "natrilix": "indapamide",
            "lozol": "indapamide",
            "fludex": "indapamide",
            "zaroxolyn": "metolazone",
            "aprinox": "bendroflumethiazide",
            "neo naclex": "bendroflumethiazide",
            "hyzaar": "losartan and hydrochlorothiazide",
            "cozaar comp": "losartan and hydrochlorothiazide",
            "diovan hct": "valsartan and hydrochlorothiazide",
            "co diovan": "valsartan and hydrochlorothiazide",
            "zestoretic": "lisinopril and hydrochlorothiazide",
            "prinzide": "lisinopril and hydrochlorothiazide",
            "micardis plus": "telmisartan and hydrochlorothiazide",
            "micardis hct": "telmisartan and hydrochlorothiazide",
            "atacand plus": "candesartan and hydrochlorothiazide",
            "atacand hct": "candesartan and hydrochlorothiazide",
            "exforge hct": "amlodipine, valsartan and hydrochlorothiazide",
            "benicar hct": "olmesartan and hydrochlorothiazide",
            "preterax": "perindopril and indapamide",
            "coversyl plus": "perindopril and indapamide",
            "tenoretic": "atenolol and chlortalidone",
            "moduretic": "amiloride and hydrochlorothiazide",
            "dyazide": "triamterene and hydrochlorothiazide",
            "maxzide": "triamterene and hydrochlorothiazide",
            "aldactazide": "spironolactone and hydrochlorothiazide",
        },
    ),
    DrugClass(
        "loop_diuretic",
        "loop diuretic",
        "population study",
        "a small association, not statistically significant: cramp treatment started 1.20 times "
        "as often in the year after starting as in the year before (95% CI 1.00-1.44, p = 0.07)",
        (GARRISON_2012,),
        (
            "furosemide",
            "frusemide",
            "bumetanide",
            "torasemide",
            "torsemide",
            "ethacrynic acid",
            "etacrynic acid",
            "piretanide",
        ),
        {
            "lasix": "furosemide",
            "bumex": "bumetanide",
            "burinex": "bumetanide",
            "demadex": "torsemide",
            "soaanz": "torsemide",
            "torem": "torasemide",
            "edecrin": "ethacrynic acid",
        },
    ),
    DrugClass(
        "potassium_sparing_diuretic",
        "potassium-sparing diuretic",
        "population study",
        "cramp treatment started 2.12 times as often in the year after starting as in the year "
        "before (95% CI 1.61-2.78, adults aged 50 or more)",
        (GARRISON_2012,),
        (
            "spironolactone",
            "eplerenone",
            "amiloride",
            "triamterene",
            "co amilozide",
            "co triamterzide",
        ),
        {
            "aldactone": "spironolactone",
            "carospir": "spironolactone",
            "inspra": "eplerenone",
            "midamor": "amiloride",
            "dyrenium": "triamterene",
            "moduretic": "amiloride and hydrochlorothiazide",
            "dyazide": "triamterene and hydrochlorothiazide",
            "maxzide": "triamterene and hydrochlorothiazide",
            "aldactazide": "spironolactone and hydrochlorothiazide",
        },
    ),
    DrugClass(
        "statin",
        "statin",
        "population study",
        "cramp treatment started 1.16 times as often in the year after starting a statin as in "
        "the year before (95% CI 1.04-1.29, a small association); runners taking statins "
        "reported a history of exercise-associated cramps 1.26 times as often; muscle symptoms, "
        "cramps among them, are one of the principal reasons statins are stopped",
        (GARRISON_2012, SCHWELLNUS_2018, STROES_2015),
        (
            "atorvastatin",
            "simvastatin",
            "rosuvastatin",
            "pravastatin",
            "lovastatin",
            "fluvastatin",
            "pitavastatin",
            "cerivastatin",
        ),
        {
            "lipitor": "atorvastatin",
            "sortis": "atorvastatin",
            "caduet": "amlodipine and atorvastatin",
            "atozet": "ezetimibe and atorvastatin",
            "zocor": "simvastatin",
            "vytorin": "ezetimibe and simvastatin",
            "inegy": "ezetimibe and simvastatin",
            "crestor": "rosuvastatin",
            "ezallor": "rosuvastatin",
            "pravachol": "pravastatin",
            "mevacor": "lovastatin",
            "altoprev": "lovastatin",
            "lescol": "fluvastatin",
            "livalo": "pitavastatin",
            "livazo": "pitavastatin",
            "zypitamag": "pitavastatin",
        },
    ),
    DrugClass(
        "fibrate",
        "fibrate (lipid-lowering)",
        "muscle side effects",
        "fibrates cause myopathy (muscle pain, weakness, cramps) at a rate similar to statins, "
        "more often with kidney disease or together with a statin; no cramp-specific rate "
        "was found",
        (BACKES_2007,),
        (
            "fenofibrate",
            "fenofibric acid",
            "gemfibrozil",
            "bezafibrate",
            "ciprofibrate",
            "clofibrate",
        ),
        {
            "tricor": "fenofibrate",
            "lipanthyl": "fenofibrate",
            "lipidil": "fenofibrate",
            "trilipix": "fenofibric acid",
            "fibricor": "fenofibric acid",
            "lopid": "gemfibrozil",
            "bezalip": "bezafibrate",
            "modalim": "ciprofibrate",
        },
    ),
    DrugClass(
        "laba",
        "long-acting beta-agonist",
        "population study",
        "cramp treatment started 2.42 times as often in the year after starting an inhaled "
        "long-acting beta-agonist as in the year before (95% CI 2.02-2.89; 2.55 with an inhaled "
        "corticosteroid in the same inhaler)",
        (GARRISON_2012,),
        (
            "salmeterol",
            "formoterol",
            "eformoterol",
            "arformoterol",
            "vilanterol",
            "indacaterol",
            "olodaterol",
            "bambuterol",
        ),
        {
            "serevent": "salmeterol",
            "advair": "fluticasone and salmeterol",
            "seretide": "fluticasone and salmeterol",
            "wixela": "fluticasone and salmeterol",
            "airduo": "fluticasone and salmeterol",
            "aerivio": "fluticasone and salmeterol",
            "foradil": "formoterol",
            "oxis": "formoterol",
            "perforomist": "formoterol",
            "atimos": "formoterol",
            "brovana": "arformoterol",
            "symbicort": "budesonide and formoterol",
            "duoresp": "budesonide and formoterol",
            "breztri": "budesonide, glycopyrronium and formoterol",
            "trixeo": "budesonide, glycopyrronium and formoterol",
            "dulera": "mometasone and formoterol",
            "zenhale": "mometasone and formoterol",
            "flutiform": "fluticasone and formoterol",
            "fostair": "beclometasone and formoterol",
            "trimbow": "beclometasone, glycopyrronium and formoterol",
            "bevespi": "glycopyrronium and formoterol",
            "duaklir": "aclidinium and formoterol",
            "breo": "fluticasone furoate and vilanterol",
            "relvar": "fluticasone furoate and vilanterol",
            "anoro": "umeclidinium and vilanterol",
            "trelegy": "fluticasone furoate, umeclidinium and vilanterol",
            "onbrez": "indacaterol",
            "arcapta": "indacaterol",
            "ultibro": "indacaterol and glycopyrronium",
            "utibron": "indacaterol and glycopyrronium",
            "striverdi": "olodaterol",
            "stiolto": "tiotropium and olodaterol",
            "spiolto": "tiotropium and olodaterol",
            "bambec": "bambuterol",
        },
    ),
    DrugClass(
        "insulin",
        "insulin",
        "no measured association",
        "cramps are common in diabetes (48% of 150 people with type 2 diabetes over 3 months) "
        "and low blood sugar is discussed as a cause, but no study measuring cramp risk with "
        "insulin was found",
        (HU_2022,),
        (
            "insulin",
            "insuline",
            "insulina",
            "glargine",
            "lispro",
            "aspart",
            "glulisine",
            "detemir",
            "degludec",
            "isophane",
        ),
        {
            "lantus": "insulin glargine",
            "toujeo": "insulin glargine",
            "basaglar": "insulin glargine",
            "abasaglar": "insulin glargine",
            "semglee": "insulin glargine",
            "humalog": "insulin lispro",
            "admelog": "insulin lispro",
            "lyumjev": "insulin lispro",
            "novorapid": "insulin aspart",
            "novolog": "insulin aspart",
            "fiasp": "insulin aspart",
            "apidra": "insulin glulisine",
            "levemir": "insulin detemir",
            "tresiba": "insulin degludec",
            "humulin": "human insulin",
            "novolin": "human insulin",
            "actrapid": "human insulin",
            "insulatard": "isophane insulin",
            "insuman": "human insulin",
            "ryzodeg": "insulin degludec and insulin aspart",
            "xultophy": "insulin degludec and liraglutide",
            "soliqua": "insulin glargine and lixisenatide",
        },
    ),
    DrugClass(
        "hormonal_contraceptive",
        "hormonal contraceptive",
        "no measured association",
        "named as a possible cause of cramps in patient information, but no study measuring "
        "cramp risk with hormonal contraceptives was found; conjugated estrogens, a related "
        "hormone, are among the drugs most associated with leg cramps in product labels",
        (ALLEN_KIRBY_2012,),
        (
            "ethinylestradiol",
            "ethinyl estradiol",
            "ethinyloestradiol",
            "ethinyl oestradiol",
            "levonorgestrel",
            "norethisterone",
            "norethindrone",
            "desogestrel",
            "drospirenone",
            "norgestimate",
            "gestodene",
            "dienogest",
            "etonogestrel",
            "nomegestrol",
            "medroxyprogesterone",
            "cyproterone",
            "ulipristal",
        ),
        {
            "yasmin": "ethinylestradiol and drospirenone",
            "yaz": "ethinylestradiol and drospirenone",
            "microgynon": "ethinylestradiol and levonorgestrel",
            "rigevidon": "ethinylestradiol and levonorgestrel",
            "levlen": "ethinylestradiol and levonorgestrel",
            "seasonique": "ethinylestradiol and levonorgestrel",
            "loestrin": "ethinylestradiol and norethisterone",
            "marvelon": "ethinylestradiol and desogestrel",
            "mercilon": "ethinylestradiol and desogestrel",
            "cerazette": "desogestrel",
            "cilest": "ethinylestradiol and norgestimate",
            "femodene": "ethinylestradiol and gestodene",
            "qlaira": "estradiol valerate and dienogest",
            "zoely": "estradiol and nomegestrol",
            "dianette": "ethinylestradiol and cyproterone",
            "mirena": "levonorgestrel",
            "kyleena": "levonorgestrel",
            "jaydess": "levonorgestrel",
            "skyla": "levonorgestrel",
            "nexplanon": "etonogestrel",
            "implanon": "etonogestrel",
            "nuvaring": "ethinylestradiol and etonogestrel",
            "depo provera": "medroxyprogesterone",
            "sayana press": "medroxyprogesterone",
            "evra": "ethinylestradiol and norelgestromin",
            "xulane": "ethinylestradiol and norelgestromin",
            "slynd": "drospirenone",
        },
    ),
    DrugClass(
        "estrogen_serm",
        "estrogen or estrogen-receptor modulator",
        "product labels",
        "conjugated estrogens and raloxifene are among the medications most strongly "
        "associated with leg cramps in their labelling (at a low overall incidence)",
        (ALLEN_KIRBY_2012,),
        ("conjugated estrogens", "conjugated oestrogens", "raloxifene", "bazedoxifene"),
        {
            "premarin": "conjugated estrogens",
            "prempro": "conjugated estrogens and medroxyprogesterone",
            "premique": "conjugated estrogens and medroxyprogesterone",
            "duavee": "conjugated estrogens and bazedoxifene",
            "duavive": "conjugated estrogens and bazedoxifene",
            "evista": "raloxifene",
            "optruma": "raloxifene",
        },
    ),
    DrugClass(
        "iv_iron",
        "intravenous iron (iron sucrose)",
        "product labels",
        "intravenous iron sucrose is among the medications most strongly associated with leg "
        "cramps in its labelling (at a low overall incidence)",
        (ALLEN_KIRBY_2012,),
        ("iron sucrose", "saccharated iron oxide"),
        {"venofer": "iron sucrose"},
    ),
    DrugClass(
        "naproxen",
        "naproxen (anti-inflammatory)",
        "product labels",
        "naproxen is among the medications most strongly associated with leg cramps in its "
        "labelling (at a low overall incidence)",
        (ALLEN_KIRBY_2012,),
        ("naproxen",),
        {
            "aleve": "naproxen",
            "naprosyn": "naproxen",
            "anaprox": "naproxen",
            "naprelan": "naproxen",
            "vimovo": "naproxen and esomeprazole",
            "treximet": "sumatriptan and naproxen",
        },
    ),
    DrugClass(
        "teriparatide",
        "teriparatide (parathyroid hormone analogue)",
        "product labels",
        "teriparatide is among the medications most strongly associated with leg cramps in its "
        "labelling (at a low overall incidence)",
        (ALLEN_KIRBY_2012,),
        ("teriparatide",),
        {"forteo": "teriparatide", "forsteo": "teriparatide", "terrosa": "teriparatide"},
    ),
)

#: Longest lexicon entry in words ("ethinyl oestradiol", "neo naclex", ...).
_MAX_WORDS = 3


def _lexicon() -> dict[str, tuple[DrugClass, ...]]:
    lexicon: dict[str, list[DrugClass]] = {}
    for drug_class in DRUG_CLASSES:
        for word in (*drug_class.generics, *drug_class.brands):
            entry = lexicon.setdefault(word, [])
            if drug_class not in entry:
                entry.append(drug_class)
    assert all(len(word.split()) <= _MAX_WORDS for word in lexicon)
    return {word: tuple(classes) for word, classes in lexicon.items()}


_LEXICON = _lexicon()
_NOT_A_LETTER = re.compile(r"[^a-z]+")


def name_words(name: object) -> list[str]:
    """The words of a medication name: lower case, accents removed, digits and signs dropped.

    "Atorvastatin-Calcium 20 mg" -> ``["atorvastatin", "calcium", "mg"]``;
    "Losartan/HCTZ 50/12.5" -> ``["losartan", "hctz"]``.
    """
    if name is None or (isinstance(name, float) and name != name):
        return []
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return _NOT_A_LETTER.sub(" ", text.casefold()).split()


def classify(name: object) -> tuple[DrugClass, ...]:
    """The drug classes reported with cramps that a medication name contains (may be empty).

    Every run of one to three consecutive words is looked up, so a
    combination product yields each of its classes, once, in table order.

    Examples
    --------
    >>> [c.label for c in classify("Atorvastatin calcium 20 mg")]
    ['statin']
    >>> [c.key for c in classify("Moduretic (amiloride/HCTZ)")]
    ['thiazide_diuretic', 'potassium_sparing_diuretic']
    >>> classify("metformin")
    ()
    """
    words = name_words(name)
    found: set[str] = set()
    for size in range(1, _MAX_WORDS + 1):
        for start in range(len(words) - size + 1):
            for drug_class in _LEXICON.get(" ".join(words[start : start + size]), ()):
                found.add(drug_class.key)
    return tuple(c for c in DRUG_CLASSES if c.key in found)


def class_label(name: object) -> str:
    """The class(es) of a medication name in words, or :data:`CLASS_NOT_KNOWN`."""
    classes = classify(name)
    return "; ".join(c.label for c in classes) if classes else CLASS_NOT_KNOWN


def medication_note(name: object) -> str | None:
    """What is reported about a medication's class(es), with references and the doctor advice.

    ``None`` for a name of no known class.
    """
    classes = classify(name)
    if not classes:
        return None
    return " ".join([c.note() for c in classes] + [DOCTOR_ADVICE])


def with_drug_classes(medications: pd.DataFrame | None) -> pd.DataFrame:
    """The medications table with ``drug_class`` and ``cramp_note`` columns added.

    Parameters
    ----------
    medications : pandas.DataFrame or None
        A table with a ``name`` column (the canonical ``medications`` table).

    Returns
    -------
    pandas.DataFrame
        A copy with ``drug_class`` (:func:`class_label`) and ``cramp_note``
        (:func:`medication_note`, ``None`` for a name of no known class).
    """
    frame = pd.DataFrame(columns=["name"]) if medications is None else medications.copy()
    names = frame["name"] if "name" in frame else pd.Series([None] * len(frame), index=frame.index)
    frame["drug_class"] = [class_label(n) for n in names]
    frame["cramp_note"] = [medication_note(n) for n in names]
    return frame


def classes_in(names: Iterable[object]) -> tuple[DrugClass, ...]:
    """The distinct classes reported with cramps among several medication names, in table order."""
    keys = {c.key for name in names for c in classify(name)}
    return tuple(c for c in DRUG_CLASSES if c.key in keys)
