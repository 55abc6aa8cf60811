"""The certifiers' published renewal rules, as data an admin can edit afterwards.

Every number carries its source: `../shared/CERTIFIERS.md` (the reference) section and the
certifier's page it cites. Values the reference marks unverified ship as editable defaults and
say so in `unverified` (the admin lists them). Pure data plus `certifier_data`, which builds the
rules package's dataclasses from a seed (the rule tests use it, so they test what ships);
`tracker.seeding` writes the same seeds to the database.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from tracker import rules

D = Decimal
day = datetime.date.fromisoformat

# No published number format (NASM, AFAA, ACSM, NSCA, ISSA, AEA pick courses from approved
# lists): any short identifier of capitals, digits and hyphens (CERTIFIERS.md §9).
ANY_NUMBER = r"[A-Z0-9][A-Z0-9-]{2,29}"


def category(code, name, *, cycle_cap=None, year_cap=None, min_share=None, distinct=True,
             source="", unverified=""):  # fmt: skip
    return {
        "code": code,
        "name": name,
        "cycle_cap": cycle_cap,
        "year_cap": year_cap,
        "min_share": min_share,
        "counts_as_distinct": distinct,
        "source": source,
        "unverified": unverified,
    }


def activity(kind, category_code, *, value=None, per_unit=None, entry_cap=None,
             prep_course_cap=None, min_grade="", needs_approval=True, source="",
             unverified="", home_study_category=""):  # fmt: skip
    return {
        "home_study_category": home_study_category,
        "kind": kind,
        "category": category_code,
        "value": value,
        "per_unit": per_unit,
        "entry_cap": entry_cap,
        "prep_course_cap": prep_course_cap,
        "min_grade": min_grade,
        "needs_approval": needs_approval,
        "source": source,
        "unverified": unverified,
    }


def band(from_month, to_month, required, **caps):
    return {
        "from_month": from_month,
        "to_month": to_month,
        "required": D(required),
        "category_caps": {code: D(value) for code, value in caps.items()},
    }


# --- ACE: CERTIFIERS.md §1; the 2013 ACE blog is seeds/ace-cec-opportunities.txt -------------
ACE_BLOG = "ACE blog “CEC Opportunities You May Not Know About”, 5/1/2013 [official-old]"
ACE = {
    "code": "ace",
    "name": "American Council on Exercise",
    # 0.1 CEC = 1 hour; 2.0 CECs = 20 hours (ACE CEC FAQ and CEC Petition FAQ).
    "unit_singular": "CEC",
    "unit_plural": "CECs",
    "hours_per_unit": D("10"),
    # Two years, ending on the last day of the month earned (FitnessFest 2018, an ACE-approved
    # provider [3rd-party]: end of month is not confirmed on an ACE page).
    "cycle_kind": "anchored",
    "cycle_months": 24,
    "cycle_end": "end_of_month",
    "fixed_start": None,
    "at_risk_days": 90,
    # CEP/CP/CA/CS/CL + 5–6 digits; one umbrella number per event (ACE CEC FAQ).
    "course_number_pattern": r"(CEP|CP|CA|CS|CL)\d{5,6}",
    "course_number_example": "CA23456",
    "assigns_catalog_numbers": True,
    "source": "CERTIFIERS.md §1: acefitness.org CEC FAQ and CEC Petition FAQ; " + ACE_BLOG,
    "unverified": "End of month expiry (third-party source only).",
    "programs": [
        ("Certified Personal Trainer", "CPT"),
        ("Group Fitness Instructor", "GFI"),
        ("Health Coach", "HC"),
        ("Medical Exercise Specialist", "MES"),
    ],
    "rule_sets": [
        {
            "effective_from": day("2013-05-01"),
            "required": D("2.0"),  # 2.0 CECs per two-year cycle (ACE CEC Petition FAQ)
            "grace_months": 6,  # six-month courtesy grace period (ACE article, Todd Galati)
            "cpr_window": "deadline",  # current adult CPR/AED with live skills at renewal
            "cpr_days_after": 0,
            "min_categories": 0,
            # Another ACE certification earned in the cycle meets the 2.0 requirement (blog).
            "extra_certification_meets_requirement": True,
            "source": ACE_BLOG + "; ACE CEC Petition FAQ",
            "unverified": "",
            "categories": [
                category("courses", "ACE-approved courses and conferences", source="ACE CEC FAQ"),
                # One card per cycle (0.4 at most): the reference's suggested default.
                category(
                    "cpr_aed",
                    "CPR/AED renewal",
                    cycle_cap=D("0.4"),
                    source=ACE_BLOG,
                    unverified="Per-cycle cap on CPR/AED credit (one card per cycle).",
                ),  # fmt: skip
                category("college", "College courses", source=ACE_BLOG + "; Petition FAQ"),
                category("extra", "Extra ACE certification", source=ACE_BLOG),
                category("broadening", "Other NCCA-accredited certification", source=ACE_BLOG),
                # Up to 0.5 CEC per renewal cycle.
                category("presenting", "Presenting", cycle_cap=D("0.5"), source=ACE_BLOG),
                category("publishing", "Publishing", source=ACE_BLOG),
                # May be worth 0.1 CEC per renewal cycle.
                category(
                    "mentoring",
                    "Mentoring and community outreach",
                    cycle_cap=D("0.1"),
                    source=ACE_BLOG,
                ),  # fmt: skip
                category("petition", "Approved petitions", source="ACE CEC Petition FAQ"),
            ],
            "activities": [
                activity("approved_course", "courses", source="ACE CEC FAQ"),
                activity("conference", "courses", source="ACE CEC FAQ (one umbrella number)"),
                # 0.2 for a one-year card, 0.4 for a two-year card (blog 2013; the older FAQ
                # said 0.2 each for CPR, AED, First Aid: the sources conflict).
                activity(
                    "cpr_aed",
                    "cpr_aed",
                    per_unit=D("0.2"),
                    entry_cap=D("0.4"),
                    source=ACE_BLOG,
                    unverified="Sources conflict (older FAQ: 0.2 each for CPR, AED, First "
                    "Aid); one card per cycle is a default.",
                ),  # fmt: skip
                # 1.0 CEC per college credit hour, grade C or higher; a petition gives at most
                # 2.0, a certification-prep course at most 0.5 (Petition FAQ).
                activity(
                    "college",
                    "college",
                    per_unit=D("1.0"),
                    entry_cap=D("2.0"),
                    prep_course_cap=D("0.5"),
                    min_grade="C",
                    source=ACE_BLOG + "; ACE CEC Petition FAQ",
                ),  # fmt: skip
                activity("extra_certification", "extra", source=ACE_BLOG),
                activity("broadening", "broadening", value=D("0.5"), source=ACE_BLOG),
                activity("presenting", "presenting", source=ACE_BLOG),
                activity("publishing", "publishing", value=D("0.5"), source=ACE_BLOG),
                activity("mentoring", "mentoring", source=ACE_BLOG),
                activity("petition", "petition", source="ACE CEC Petition FAQ"),
            ],
            "bands": [],
        }
    ],
}

# --- NASM: CERTIFIERS.md §2 ------------------------------------------------------------------
NASM_PAGE = "nasm.org CPT recertification page (current and older versions) [official]"
NASM = {
    "code": "nasm",
    "name": "National Academy of Sports Medicine",
    "unit_singular": "CEU",
    "unit_plural": "CEUs",
    "hours_per_unit": D("10"),  # 2.0 CEUs = 20 hours (nasm.org)
    "cycle_kind": "anchored",
    "cycle_months": 24,  # "every two-year period" (nasm.org)
    "cycle_end": "same_day",
    "fixed_start": None,
    "at_risk_days": 90,
    "course_number_pattern": ANY_NUMBER,
    "course_number_example": "NASM-2025-001",
    "assigns_catalog_numbers": False,
    "source": "CERTIFIERS.md §2: " + NASM_PAGE,
    "unverified": "Anchoring: the exact expiration date is assumed (no end-of-month rule found).",
    "programs": [("Certified Personal Trainer", "CPT")],
    "rule_sets": [
        {
            "effective_from": day("2021-01-01"),
            # 2.0 CEUs, which include 0.1 CEU from the mandatory CPR/AED (nasm.org, both
            # versions).
            "required": D("2.0"),
            # Late fee $30 up to 90 days, $50 up to one year after expiration (NASM CPT
            # Recertification Guidelines [official-old]): renewable for 12 months.
            "grace_months": 12,
            "cpr_window": "submission",
            "cpr_days_after": 0,
            "min_categories": 0,
            "extra_certification_meets_requirement": False,
            "source": NASM_PAGE + "; NASM CPT Recertification Guidelines (Scribd) [official-old]",
            "unverified": "Late window (newer third-party figures conflict); CPR/AED valid on "
            "the submission date is a default.",
            "categories": [
                category(
                    "courses", "NASM-approved courses (Category A and providers)", source=NASM_PAGE
                ),  # fmt: skip
                # Exactly 0.1 CEU, counted inside the 2.0.
                category(
                    "cpr_aed", "CPR/AED", cycle_cap=D("0.1"), min_share=D("0.1"), source=NASM_PAGE
                ),  # fmt: skip
                category("petition", "Petitioned courses", source=NASM_PAGE),
            ],
            "activities": [
                activity("approved_course", "courses", source=NASM_PAGE),
                activity("conference", "courses", source=NASM_PAGE),
                activity(
                    "cpr_aed",
                    "cpr_aed",
                    value=D("0.1"),
                    source=NASM_PAGE,
                    unverified="No extra credit for advanced CPR/AED (answer not retrievable).",
                ),  # fmt: skip
                activity("petition", "petition", source=NASM_PAGE),
            ],
            "bands": [],
        }
    ],
}

# --- AFAA: CERTIFIERS.md §3 ------------------------------------------------------------------
AFAA_APP = "AFAA CGFI Recertification Application, updated 3/2021 [official-old]"
AFAA = {
    "code": "afaa",
    "name": "Athletics and Fitness Association of America",
    # Legacy AFAA CEU: 1 contact hour = 1 CEU (15 CEUs = 15 hours); kept in hours to be safe.
    "unit_singular": "CEU",
    "unit_plural": "CEUs",
    "hours_per_unit": D("1"),
    "cycle_kind": "anchored",
    "cycle_months": 24,  # "within 2 years of certificate date"
    "cycle_end": "same_day",
    "fixed_start": None,
    "at_risk_days": 90,
    "course_number_pattern": ANY_NUMBER,
    "course_number_example": "AFAA-2025-001",
    "assigns_catalog_numbers": False,
    "source": "CERTIFIERS.md §3: " + AFAA_APP + "; afaa.com/recertify",
    "unverified": "Unit scale: the NASM-AFAA handbook may have moved AFAA to 0.1 CEU = 1 hour.",
    "programs": [("Certified Group Fitness Instructor", "CGFI")],
    "rule_sets": [
        {
            "effective_from": day("2021-03-01"),
            "required": D("15"),  # 15 CEUs (15 contact hours)
            "grace_months": 6,  # late fee for applications 1–180 days after expiration
            "cpr_window": "submission",  # current, front and back copies with the application
            "cpr_days_after": 0,
            "min_categories": 0,
            "extra_certification_meets_requirement": False,
            "source": AFAA_APP,
            "unverified": "Per-category maximums not found; late fee amount unknown.",
            "categories": [
                # At least 2 of the 15 from an AFAA or NASM course.
                category("own", "AFAA or NASM courses", min_share=D("2"), source=AFAA_APP),
                category("A", "A: authorized CE providers' courses", source=AFAA_APP),
                category("B", "B: industry contributions", source=AFAA_APP),
                category("C", "C: accredited college courses", source=AFAA_APP),
                # CPR/AED: mandatory, worth 2 CEUs, hands-on.
                category("D", "D: CPR/AED", cycle_cap=D("2"), source=AFAA_APP),
                category("petition", "Petitioned courses", source="afaa.com/recertify (older)"),
            ],
            "activities": [
                # An AFAA approval names its category: "own" for AFAA/NASM courses.
                activity("approved_course", "A", source=AFAA_APP),
                activity("conference", "A", source=AFAA_APP),
                activity("presenting", "B", source=AFAA_APP, unverified="Value per activity."),
                activity("publishing", "B", source=AFAA_APP, unverified="Value per activity."),
                # College credit counts double: 3 credit hours = 6 CEUs.
                activity("college", "C", per_unit=D("2"), source=AFAA_APP),
                activity("cpr_aed", "D", value=D("2"), source=AFAA_APP),
                activity("petition", "petition", source="afaa.com/recertify (older)"),
            ],
            "bands": [],
        }
    ],
}

# --- ACSM: CERTIFIERS.md §4 ------------------------------------------------------------------
ACSM_PAGE = "acsm.org/certification/recertification [official-current]"
ACSM = {
    "code": "acsm",
    "name": "American College of Sports Medicine",
    # 1.0 CEC for each hour; counted in 0.5 intervals (acsm.org regional chapters page).
    "unit_singular": "CEC",
    "unit_plural": "CECs",
    "hours_per_unit": D("1"),
    "cycle_kind": "anchored",
    "cycle_months": 36,  # 3 years (acsm.org recertification FAQs)
    # The cycle ends December 31 of the due year (ACSM blog 2017; news 2019 [official-old]).
    "cycle_end": "end_of_year",
    "fixed_start": None,
    "at_risk_days": 120,
    "course_number_pattern": ANY_NUMBER,
    "course_number_example": "ACSM-EP-1234",
    "assigns_catalog_numbers": False,
    "source": "CERTIFIERS.md §4: " + ACSM_PAGE + "; acsm.org recertification FAQs",
    "unverified": "Whether Dec-31 anchoring survived the 2025 system change.",
    "programs": [
        ("Certified Personal Trainer", "CPT"),
        ("Certified Group Exercise Instructor", "GEI"),
    ],
    "rule_sets": [
        {
            "effective_from": day("2023-01-01"),
            "required": D("45"),  # 45 CECs for ACSM-GEI and ACSM-CPT
            "grace_months": 6,  # automatic 6-month grace period, ending June 30
            "cpr_window": "deadline",  # current CPR at renewal
            "cpr_days_after": 0,
            "min_categories": 0,
            "extra_certification_meets_requirement": False,
            "source": ACSM_PAGE,
            "unverified": "Presenting and authoring values; rollover (default: none).",
            "categories": [
                category(
                    "courses",
                    "Courses and events in the scope of the certification",
                    source="ACSM blog 2019; acsm.org FAQs",
                ),  # fmt: skip
                # From Jan 1, 2025: 5 CECs per year for CPR, AED and/or First Aid.
                category(
                    "cpr_aed",
                    "CPR, AED and First Aid",
                    year_cap=D("5"),
                    source=ACSM_PAGE,
                    unverified="Source sentence truncated; read as a cap of 5 per year.",
                ),  # fmt: skip
                category("college", "College courses", source="acsm.org recertification FAQs"),
                # ACSM committee work: up to 8 CECs per year (from Jan 1, 2023).
                category(
                    "volunteering",
                    "Volunteering on an ACSM committee",
                    year_cap=D("8"),
                    source=ACSM_PAGE,
                ),  # fmt: skip
                category(
                    "other",
                    "Presenting and authoring",
                    source="acsm.org FAQs (titles)",
                    unverified="Values not retrievable.",
                ),  # fmt: skip
            ],
            "activities": [
                # Courses in scope count without petition (other organisations' too).
                activity(
                    "approved_course", "courses", needs_approval=False, source="ACSM blog 2019"
                ),  # fmt: skip
                activity("conference", "courses", needs_approval=False, source="ACSM blog 2019"),
                activity("live_event", "courses", source="ACSM blog 2019"),
                activity(
                    "cpr_aed",
                    "cpr_aed",
                    value=D("5"),
                    source=ACSM_PAGE,
                    unverified="Value per card.",
                ),  # fmt: skip
                activity(
                    "first_aid",
                    "cpr_aed",
                    value=D("5"),
                    source=ACSM_PAGE,
                    unverified="Value per card.",
                ),  # fmt: skip
                # 10 CECs per credit hour, grade C or better.
                activity(
                    "college",
                    "college",
                    per_unit=D("10"),
                    min_grade="C",
                    source="acsm.org recertification FAQs",
                ),  # fmt: skip
                activity("volunteering", "volunteering", source=ACSM_PAGE),
                activity("presenting", "other", unverified="Value not retrievable."),
                activity("publishing", "other", unverified="Value not retrievable."),
            ],
            "bands": [],
        }
    ],
}

# --- NSCA: CERTIFIERS.md §5 ------------------------------------------------------------------
NSCA_CATS = "dxpprod.nsca.com CEU Categories (2024–2026) [official-current]"
NSCA_2012 = "NSCA Recert Changes Flyer 2012 [official-old]"
NSCA = {
    "code": "nsca",
    "name": "National Strength and Conditioning Association",
    "unit_singular": "CEU",
    "unit_plural": "CEUs",
    "hours_per_unit": D("10"),  # 0.1 CEU = 1 contact hour
    # Fixed 3-year reporting periods for everyone: 2024–2026 (deadline 12/31/2026), then
    # 2027–2029 (nsca.com/certification/recertification [official-current]).
    "cycle_kind": "fixed",
    "cycle_months": 36,
    "cycle_end": "same_day",
    "fixed_start": day("2024-01-01"),
    "at_risk_days": 120,
    "course_number_pattern": ANY_NUMBER,
    "course_number_example": "NSCA-24-0101",
    "assigns_catalog_numbers": False,
    "source": "CERTIFIERS.md §5: nsca.com/certification/recertification; " + NSCA_CATS,
    "unverified": "Late reporters of 2021–2023 count only from Feb 1, 2024 (not modelled).",
    "programs": [
        ("Certified Strength and Conditioning Specialist", "CSCS"),
        ("Certified Personal Trainer", "NSCA-CPT"),
    ],
    "rule_sets": [
        {
            "effective_from": day("2024-01-01"),
            "required": D("6.0"),
            # No grace: non-completers may appeal Feb 1 – Mar 15 after the deadline.
            "grace_months": 0,
            "cpr_window": "deadline",  # maintain current CPR/AED (condition only)
            "cpr_days_after": 0,
            "min_categories": 2,  # CEUs must come from at least two categories
            "extra_certification_meets_requirement": False,
            "source": NSCA_CATS,
            "unverified": "CPR/AED earns no CEU (default); 2012 per-activity values.",
            "categories": [
                category(
                    "A", "A: attendance at live events", cycle_cap=D("5.5"), source=NSCA_CATS
                ),  # fmt: skip
                category(
                    "B",
                    "B: quizzes, presenting, publishing, volunteering",
                    cycle_cap=D("4.0"),
                    source=NSCA_CATS,
                ),  # fmt: skip
                category(
                    "C",
                    "C: college coursework, First Aid/AED",
                    cycle_cap=D("5.5"),
                    source=NSCA_CATS,
                ),  # fmt: skip
                category(
                    "D", "D: other certifications, home study", cycle_cap=D("4.0"), source=NSCA_CATS
                ),  # fmt: skip
            ],
            "activities": [
                # Live events count without pre-approval; at most 2.0 CEU for any single event
                # (2018–2020 text).
                # A home-study course is D ("other certifications, home study"), not A (live
                # events, not pre-recorded).
                activity(
                    "approved_course",
                    "A",
                    needs_approval=False,
                    entry_cap=D("2.0"),
                    home_study_category="D",
                    source=NSCA_CATS,
                ),  # fmt: skip
                activity(
                    "conference", "A", needs_approval=False, entry_cap=D("2.0"), source=NSCA_CATS
                ),  # fmt: skip
                activity("live_event", "A", entry_cap=D("2.0"), source=NSCA_CATS),
                activity("quiz", "B", value=D("0.2"), source=NSCA_CATS),
                activity("presenting", "B", source=NSCA_CATS),
                activity("publishing", "B", source=NSCA_CATS),
                activity(
                    "volunteering",
                    "B",
                    source=NSCA_2012,
                    unverified="Older value 0.5 CEU per year.",
                ),  # fmt: skip
                # 1 semester credit hour = 0.5 CEU.
                activity("college", "C", per_unit=D("0.5"), source=NSCA_CATS),
                activity(
                    "first_aid", "C", value=D("0.5"), source=NSCA_2012, unverified="2012 value."
                ),  # fmt: skip
                activity(
                    "broadening", "D", value=D("1.0"), source=NSCA_2012, unverified="2012 value."
                ),  # fmt: skip
            ],
            # The 2024–2026 table, by original certification date, in months after Jan 1, 2024:
            # before 2024 | during 2024 | during 2025 | Jan–Jun 2026 | Jul–Dec 2026.
            "bands": [
                band(None, 0, "6.0", A="5.5", B="4.0", C="5.5", D="4.0"),
                band(0, 12, "4.0", A="3.5", B="3.0", C="3.5", D="3.0"),
                band(12, 24, "2.0", A="1.5", B="1.0", C="1.5", D="1.0"),
                band(24, 30, "1.0", A="1.0", B="1.0", C="1.0", D="1.0"),
                band(30, 36, "0", A="0", B="0", C="0", D="0"),
            ],
        }
    ],
}

# --- ISSA: CERTIFIERS.md §6 ------------------------------------------------------------------
ISSA_PAGE = "issaonline.com Continuing Education Requirements for Recertification [official]"
ISSA = {
    "code": "issa",
    "name": "International Sports Sciences Association",
    "unit_singular": "CEU",  # 1 CEU = 1 CE hour ("A minimum of 20 CE hours")
    "unit_plural": "CEUs",
    "hours_per_unit": D("1"),
    "cycle_kind": "anchored",
    "cycle_months": 24,  # every 2 years, within 2 years of certification
    "cycle_end": "same_day",
    "fixed_start": None,
    "at_risk_days": 90,
    "course_number_pattern": ANY_NUMBER,
    "course_number_example": "ISSA-CE-1001",
    "assigns_catalog_numbers": False,
    "source": "CERTIFIERS.md §6: " + ISSA_PAGE,
    "unverified": "End of month rule.",
    "programs": [("Certified Personal Trainer", "CPT")],
    "rule_sets": [
        {
            "effective_from": day("2020-01-01"),
            "required": D("20"),
            # Late fees 3–6 and 6–12 months late: renewable for 12 months (reading unverified).
            "grace_months": 12,
            # CPR/AED "must be valid for at least 30 days beyond the date of submission".
            "cpr_window": "submission",
            "cpr_days_after": 30,
            "min_categories": 0,
            "extra_certification_meets_requirement": False,
            "source": ISSA_PAGE,
            "unverified": "No renewal after 12 months late; CPR/AED earns no hours.",
            "categories": [
                category("issa", "ISSA courses", source=ISSA_PAGE),
                # Accepted with certificates or transcripts showing hours ($99 fee applies).
                category("other", "Other documented courses", source=ISSA_PAGE),
            ],
            "activities": [
                # An ISSA approval names category "issa"; other catalog courses count by hours.
                activity("approved_course", "other", needs_approval=False, source=ISSA_PAGE),
                activity("conference", "other", needs_approval=False, source=ISSA_PAGE),
                activity("live_event", "other", source=ISSA_PAGE),
            ],
            "bands": [],
        }
    ],
}

# --- AEA: CERTIFIERS.md §7 -------------------------------------------------------------------
AEA_PAGE = "aeawave.com Certification Renewal Information (2019) [official-old]"
AEA = {
    "code": "aea",
    "name": "Aquatic Exercise Association",
    "unit_singular": "CEC",
    "unit_plural": "CECs",
    "hours_per_unit": D("1"),  # "15 hours every 2 years"
    "cycle_kind": "anchored",
    "cycle_months": 24,
    "cycle_end": "same_day",
    "fixed_start": None,
    "at_risk_days": 90,
    "course_number_pattern": ANY_NUMBER,
    "course_number_example": "AEA-1001",
    "assigns_catalog_numbers": False,
    "source": "CERTIFIERS.md §7: " + AEA_PAGE,
    "unverified": "Anchoring detail; changes after 2019.",
    "programs": [("Certified Aquatic Fitness Professional", "AFP")],
    "rule_sets": [
        {
            "effective_from": day("2019-01-01"),
            "required": D("15"),  # 15 AEA-approved CECs, no carry-over
            # 60 days without fee, then fees up to 2 years after expiration.
            "grace_months": 24,
            "cpr_window": "deadline",  # current and valid throughout the renewal term
            "cpr_days_after": 0,
            "min_categories": 0,
            "extra_certification_meets_requirement": False,
            "source": AEA_PAGE,
            "unverified": "",
            "categories": [
                category("courses", "AEA-approved courses", source=AEA_PAGE),
                category("cpr_aed", "CPR/AED", cycle_cap=D("3.0"), source=AEA_PAGE),
                category("petition", "Petitioned programs", source=AEA_PAGE),
            ],
            "activities": [
                activity("approved_course", "courses", source=AEA_PAGE),
                activity("conference", "courses", source=AEA_PAGE),
                activity("cpr_aed", "cpr_aed", value=D("3.0"), source=AEA_PAGE),  # worth 3.0
                activity("petition", "petition", source=AEA_PAGE),
            ],
            "bands": [],
        }
    ],
}

CERTIFIERS = [ACE, NASM, AFAA, ACSM, NSCA, ISSA, AEA]
BY_CODE = {seed["code"]: seed for seed in CERTIFIERS}
ACE_CODE = "ace"


# --- The seeds as the rules package's dataclasses --------------------------------------------


def _rule_set(data: dict, id: int | None = None) -> rules.RuleSet:
    return rules.RuleSet(
        id=id,
        effective_from=data["effective_from"],
        required=data["required"],
        grace_months=data["grace_months"],
        cpr_window=rules.CprWindow(data["cpr_window"]),
        cpr_days_after=data["cpr_days_after"],
        min_categories=data["min_categories"],
        extra_certification_meets_requirement=data["extra_certification_meets_requirement"],
        categories=tuple(
            rules.Category(
                code=c["code"],
                name=c["name"],
                cycle_cap=c["cycle_cap"],
                year_cap=c["year_cap"],
                min_share=c["min_share"],
                counts_as_distinct=c["counts_as_distinct"],
            )
            for c in data["categories"]
        ),
        activities={
            a["kind"]: rules.ActivityRule(
                kind=a["kind"],
                category=a["category"],
                value=a["value"],
                per_unit=a["per_unit"],
                entry_cap=a["entry_cap"],
                prep_course_cap=a["prep_course_cap"],
                min_grade=a["min_grade"],
                needs_approval=a["needs_approval"],
                home_study_category=a["home_study_category"],
            )
            for a in data["activities"]
        },
        bands=tuple(
            rules.ProrationBand(
                from_month=b["from_month"],
                to_month=b["to_month"],
                required=b["required"],
                category_caps=dict(b["category_caps"]),
            )
            for b in data["bands"]
        ),
    )


def certifier_data(seed: dict, id: int) -> rules.Certifier:
    """A seed as `rules.Certifier` (what the rule tests evaluate)."""
    return rules.Certifier(
        id=id,
        code=seed["code"].upper(),
        name=seed["name"],
        unit=rules.Unit(seed["unit_singular"], seed["unit_plural"], seed["hours_per_unit"]),
        cycle_kind=rules.CycleKind(seed["cycle_kind"]),
        cycle_months=seed["cycle_months"],
        cycle_end=rules.CycleEnd(seed["cycle_end"]),
        fixed_start=seed["fixed_start"],
        at_risk_days=seed["at_risk_days"],
        course_number_pattern=seed["course_number_pattern"],
        rule_sets=tuple(
            _rule_set(data, i) for i, data in enumerate(seed["rule_sets"], start=id * 100)
        ),
    )
