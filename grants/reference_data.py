"""The reference values the service is built on, and an idempotent loader for them.

Sources: the OPCC's *Drugs strategic intentions plan 2022-2025* (shared/seed), the Government's
*From harm to hope* (2022) and its National Combating Drugs Outcomes Framework, and the ONS
Census 2021 populations. Loading matches rows on ``code``: run it as often as you like.
"""

from __future__ import annotations

from dataclasses import dataclass

from grants.extensions import db
from grants.models.reference import (
    AdderStrand,
    DrugsOutcome,
    LocalAuthority,
    PlanApproach,
    PlanCommitment,
    PoliceForceArea,
)
from grants.models.rubrics import Rubric, RubricCriterion
from scoring import DEFAULT_RUBRIC

PLAN_SOURCE = "OPCC Devon and Cornwall, Drugs strategic intentions plan 2022-2025"
CENSUS_SOURCE = "ONS Census 2021, usual resident population"


@dataclass(frozen=True)
class Approach:
    code: str
    name: str
    pledge: str
    commitments: tuple[tuple[str, str], ...]  # (delivered_by, text)


APPROACHES = (
    Approach(
        "prevention",
        "Prevention",
        "I will undertake preventative activities by investing in early intervention and ensuring "
        "that people are equipped with the right tools to tackle drugs together as a community.",
        (
            ("office", "Through a strong and sustained communications campaign, send a clear message "
             "that Devon and Cornwall will not tolerate the drug trade and educate the public "
             "around the risks involved in drug taking."),
            ("office", "In conjunction with the Government, explore new sanctions and criminal justice "
             "outcomes that impact on those recreationally using drugs."),
            ("chief_constable", "Supporting delivery of school-based prevention and early intervention."),
            ("chief_constable", "Carrying out proactive anti-drug driving operations, increasing the "
             "use of roadside drug testing."),
            ("partners", "Inform and engage young people in educational and youth settings about the "
             "risks and harm caused by drugs."),
            ("partners", "Scope an initiative whereby individuals stopped with recreational drugs can "
             "be asked to attend an educational intervention, with the aim of stopping them "
             "offending again."),
            ("partners", "Increase public awareness of the risks of driving under the influence of "
             "drugs, with support from the Vision Zero Road Safety Partnership."),
        ),
    ),
    Approach(
        "people",
        "People",
        "I am committed to understanding and meeting the needs of our communities by placing people "
        "at the heart of this strategy and ensuring that support is targeted to those who need it "
        "the most.",
        (
            ("chief_constable", "Develop processes around drug testing on arrest to secure appropriate "
             "criminal justice and treatment recovery results."),
            # The plan's words, with the partners it names.
            ("partners", "Deliver a World Class Treatment and Recovery System in the Southwest, valuing the "
             "expertise of our partners in Drug Treatment Services, Community Safety, NHS, Probation, HMPPS, "
             "SWAS, the Local Directors of Public Health and their teams, as well as people with lived "
             "experience."),
            ("partners", "Ensure smooth transition and continuity of care for those leaving prison "
             "into community treatment."),
            ("office", "Undertake scoping work on the regional co-commissioning opportunities that "
             "exist to support people in the criminal justice system."),
            ("office", "Through the Commissioners Grant scheme, support whole-community initiatives "
             "that provide full-scale support to people dependent on drugs to break the cycle of "
             "drug use."),
            ("office", "Continue pre-existing pooled budget agreements with local authority partners "
             "for current treatment services while regional co-commissioning is scoped "
             "(2022/2023)."),
        ),
    ),
    Approach(
        "place",
        "Place",
        "I am committed to taking a proactive approach to tackling drug dealing and drug use in "
        "order to make Devon, Cornwall and the Isles of Scilly a hostile environment.",
        (
            ("partners", "Develop a positive partnership and police response for those who cause "
             "drug-related anti-social behaviour problems."),
            ("partners", "Encourage greater reporting of illegal drug activity, including anonymous "
             "reporting through Crimestoppers."),
            ("partners", "Protect individuals vulnerable to exploitation by target-hardening their "
             "homes and reducing their vulnerability through effective support."),
            ("office", "Support Devon and Cornwall Police in carrying out regional operations and days of "
             "action to deny criminals the use of our transport networks to supply drugs, including working "
             "with the British Transport Police and the Regional Organised Crime Unit."),
            ("chief_constable", "Working with the regional PCCs and Chief Constables to make the South "
             "West a hostile environment for drug supply (Operation Scorpion), through drug "
             "warrants and days of action."),
            ("chief_constable", "Using all appropriate tactics to target those transporting drugs into "
             "the region, including forensic opportunities and seizing dealers' assets through "
             "confiscation orders."),
            ("chief_constable", "Feeding back to communities on the results the police have achieved "
             "from community intelligence."),
        ),
    ),
    Approach(
        "partnership",
        "Partnership",
        "I will collaborate with police and partners to support system-wide change and promote a "
        "holistic approach to pursuing criminals and tackling drugs.",
        (
            ("office_and_partners", "Create dedicated Combating Drugs Partnerships with identified "
             "local Senior Responsible Owners."),
            ("office_and_partners", "Conduct a joint drug needs assessment, reviewing local drug data "
             "and evidence."),
            ("office_and_partners", "Agree local and regional strategic profiles and delivery plans, "
             "including data analysis and information sharing."),
            ("office_and_partners", "Monitor success against the outcomes set out in the National "
             "Combating Drugs Outcomes Framework."),
            ("chief_constable", "Working with partners to create a Combating Drugs Partnership and "
             "support the development of a joint drugs needs assessment."),
        ),
    ),
)

ADDER_STRANDS = (
    ("addiction", "Addiction", "Getting people who are dependent on drugs into treatment and keeping them there."),
    ("diversion", "Diversion", "Steering people, especially young people and first-time offenders, away "
     "from the criminal justice system and towards support."),
    ("disruption", "Disruption", "Disrupting drug supply, county lines and the exploitation that comes with them."),
    ("enforcement", "Enforcement", "Bringing those who supply drugs to justice."),
    ("recovery", "Recovery", "Supporting people to recover, with housing, work and relationships that last."),
)

# National Combating Drugs Outcomes Framework, From harm to hope (2022).
DRUGS_OUTCOMES = (
    ("reduce-drug-use", "Reduce drug use", "strategic"),
    ("reduce-drug-related-crime", "Reduce drug-related crime", "strategic"),
    ("reduce-drug-related-deaths-and-harm", "Reduce drug-related deaths and harm", "strategic"),
    ("reduce-drug-supply", "Reduce drug supply", "intermediate"),
    ("increase-engagement-in-treatment", "Increase engagement in drug treatment", "intermediate"),
    ("improve-recovery-outcomes", "Improve drug recovery outcomes", "intermediate"),
)

# (code, name, council, ONS code, population)
LOCAL_AUTHORITIES = (
    ("cornwall", "Cornwall", "Cornwall Council", "E06000052", 569_800),
    ("isles-of-scilly", "Isles of Scilly", "Council of the Isles of Scilly", "E06000053", 2_100),
    ("devon", "Devon", "Devon County Council", "E10000008", 810_600),
    ("plymouth", "Plymouth", "Plymouth City Council", "E06000026", 264_400),
    ("torbay", "Torbay", "Torbay Council", "E06000027", 139_300),
)

# (code, name, commissioner, population as the sum of the area's authorities)
POLICE_FORCE_AREAS = (
    ("avon-and-somerset", "Avon and Somerset", "Police and Crime Commissioner for Avon and Somerset", 1_748_000),
    ("devon-and-cornwall", "Devon and Cornwall",
     "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly", 1_786_200),
    ("dorset", "Dorset", "Police and Crime Commissioner for Dorset", 779_100),
    ("gloucestershire", "Gloucestershire", "Police and Crime Commissioner for Gloucestershire", 644_800),
    ("wiltshire-and-swindon", "Wiltshire and Swindon", "Police and Crime Commissioner for Wiltshire and Swindon",
     743_500),
)


def _upsert(model, code: str, **values):
    row = db.session.execute(db.select(model).filter_by(code=code)).scalar_one_or_none()
    if row is None:
        row = model(code=code)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    return row


def load_rubric(rubric) -> Rubric:
    """Store a ``scoring.Rubric`` (name and version) if it is not stored yet; a stored version is
    never changed, since rounds may have been scored with it."""
    row = db.session.execute(
        db.select(Rubric).filter_by(name=rubric.name, version=rubric.version)
    ).scalar_one_or_none()
    if row is not None:
        return row
    row = Rubric(name=rubric.name, version=rubric.version)
    for position, criterion in enumerate(rubric.criteria, start=1):
        row.criteria.append(
            RubricCriterion(
                key=criterion.key,
                title=criterion.title,
                guidance=criterion.guidance,
                weight=criterion.weight,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                descriptors={str(score): text for score, text in criterion.descriptors.items()},
                position=position,
            )
        )
    db.session.add(row)
    return row


def load_reference_data() -> dict[str, int]:
    """Insert or update every reference row; the caller commits. Returns the count per kind."""
    for position, approach in enumerate(APPROACHES, start=1):
        row = _upsert(PlanApproach, approach.code, name=approach.name, pledge=approach.pledge,
                      position=position)
        db.session.flush()
        for index, (delivered_by, text) in enumerate(approach.commitments, start=1):
            _upsert(PlanCommitment, f"{approach.code}-{index}", approach_id=row.id,
                    delivered_by=delivered_by, text=text, position=index)
    for position, (code, name, description) in enumerate(ADDER_STRANDS, start=1):
        _upsert(AdderStrand, code, name=name, description=description, position=position)
    for position, (code, name, level) in enumerate(DRUGS_OUTCOMES, start=1):
        _upsert(DrugsOutcome, code, name=name, level=level, position=position)
    for position, (code, name, council, ons_code, population) in enumerate(LOCAL_AUTHORITIES, start=1):
        _upsert(LocalAuthority, code, name=name, council_name=council, ons_code=ons_code,
                population=population, population_source=CENSUS_SOURCE, position=position)
    for position, (code, name, title, population) in enumerate(POLICE_FORCE_AREAS, start=1):
        _upsert(PoliceForceArea, code, name=name, commissioner_title=title, population=population,
                population_source=CENSUS_SOURCE + " (sum of the area's local authorities)",
                position=position)
    load_rubric(DEFAULT_RUBRIC)
    db.session.flush()
    return {
        "default rubric criteria": len(DEFAULT_RUBRIC.criteria),
        "approaches": len(APPROACHES),
        "commitments": sum(len(a.commitments) for a in APPROACHES),
        "adder_strands": len(ADDER_STRANDS),
        "drugs_outcomes": len(DRUGS_OUTCOMES),
        "local_authorities": len(LOCAL_AUTHORITIES),
        "police_force_areas": len(POLICE_FORCE_AREAS),
    }
