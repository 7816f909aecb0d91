"""Demo funding rounds and applications: two open, one closed under assessment, one decided.

The themed (anti-social behaviour) round has two stages: its expressions of interest closed a few days
ago and were shortlisted, so it now takes full applications by invitation only. The small grants round,
open to anyone eligible in one stage, holds the demo applicant's draft.

Idempotent (rounds matched by name, applications by round, organisation and stage). The dates are
relative to today, so the open rounds are always open. Never run against production data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from grants.document_store import document_store
from grants.extensions import db
from grants.form_definitions import FormDefinition, Kind, dump, load, standard
from grants.formatting import LONDON
from grants.interfaces.applications.stages import prefill
from grants.interfaces.applications.submission import next_reference, organisation_snapshot
from grants.interfaces.round_forms.versions import current_version, version_in_force
from grants.interfaces.subsidy import declaration as subsidy_declaration
from grants.models.accounts import User
from grants.models.applications import (
    REQUIRED_DOCUMENTS,
    Application,
    ApplicationDocument,
    ApplicationSection,
    ApplicationStage,
    ApplicationStatus,
)
from grants.models.organisations import LegalType, Organisation
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound
from grants.models.rubrics import Rubric
from grants.models.types import utcnow
from grants.uploads import check_upload
from scoring import DEFAULT_RUBRIC


def _london(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


@dataclass(frozen=True)
class DemoProject:
    organisation: str
    title: str
    summary: str
    activities: str
    area: str  # local authority code
    approaches: tuple[str, ...]
    strands: tuple[str, ...]
    outcomes: tuple[str, ...]
    people: int
    lines: tuple[tuple[str, str, str], ...]  # (category, description, amount)
    outcome: str
    measure: str
    # Each line's VAT and whether it is recoverable ("yes"/"no"), in a round that records VAT.
    vat: tuple[tuple[str, str], ...] = ()


EXTRA_ORGANISATIONS = {
    "Torbay Families Together": dict(legal_type=LegalType.UNINCORPORATED_GROUP, address_line_1="The Old Library",
                                     town="Paignton", postcode="TQ3 3AB", annual_income=Decimal("18400.00")),
    "Bodmin Moor Youth Trust": dict(legal_type=LegalType.REGISTERED_CHARITY, charity_number="1162345",
                                    address_line_1="Fore Street", town="Bodmin", postcode="PL31 2HQ",
                                    annual_income=Decimal("64000.00")),
    "Exeter Street Pastors": dict(legal_type=LegalType.FAITH_GROUP, address_line_1="St Sidwell's Centre",
                                  town="Exeter", postcode="EX4 6NN", annual_income=Decimal("31000.00")),
    "Penwith Community Kitchen CIC": dict(legal_type=LegalType.CIC, company_number="11223344",
                                          address_line_1="Causewayhead", town="Penzance", postcode="TR18 2SN",
                                          annual_income=Decimal("97000.00")),
    "Scilly Wellbeing Network": dict(legal_type=LegalType.UNINCORPORATED_GROUP, address_line_1="Porthcressa",
                                     town="St Mary's", postcode="TR21 0JQ", annual_income=Decimal("6500.00")),
}

ROUNDS: list[tuple[str, int, int, int | None, str]] = [
    # (name, opened days ago, closes in days, decided days ago or None, description)
    ("Commissioners Grant 2027: drug-related anti-social behaviour", 20, 45, None,
     "This year's theme is drug- and alcohol-related anti-social behaviour: projects that make town centres, "
     "parks and transport hubs feel safer, and that offer people who cause harm a route into support."),
    ("Commissioners Grant 2026: young people and county lines", 150, -20, None,
     "Projects that keep young people aged 13 to 25 safe from exploitation by county lines gangs, and divert "
     "them from drug use."),
    ("Commissioners Grant 2025: recovery communities", 400, -300, 200,
     "Whole-community initiatives that help people dependent on drugs to break the cycle of drug use."),
]

# The closed round's budget cannot fund every bid, so the panel's recommendation has choices to make.
ROUND_BUDGETS = {ROUNDS[1][0]: Decimal("12000.00")}

# round name -> (project, status, screening reason or None)
PROJECTS: dict[str, list[tuple[DemoProject, ApplicationStatus, str | None]]] = {
    ROUNDS[1][0]: [
        (DemoProject("Kernow Youth Diversion CIC", "Safe Routes Truro", "Detached youth work on the bus routes "
                     "where county lines runners are recruited.", "Evening detached youth work, mentoring.",
                     "cornwall", ("prevention", "place"), ("diversion", "disruption"), ("reduce-drug-supply",),
                     85, (("staff", "Two detached youth workers", "3200"), ("travel", "Mileage", "600")),
                     "Fewer young people drawn into supply", "Referrals to and from the exploitation hub"),
         ApplicationStatus.UNDER_ASSESSMENT, None),
        (DemoProject("Bodmin Moor Youth Trust", "Moorland Mentors", "Mentoring for 13 to 17 year olds excluded "
                     "from school.", "One-to-one mentoring and outdoor activity.", "cornwall", ("prevention",),
                     ("diversion",), ("reduce-drug-use",), 40, (("sessional", "Mentors", "2800"),
                                                                ("equipment", "Outdoor kit", "900")),
                     "Young people stay in education", "School attendance reported each term"),
         ApplicationStatus.UNDER_ASSESSMENT, None),
        (DemoProject("Exeter Street Pastors", "Station Watch Exeter", "Volunteers at Exeter St David's and the "
                     "bus station on Friday and Saturday nights, watching for young people being moved by county "
                     "lines gangs.", "Night patrols, safe-space referrals and training for station staff.", "devon",
                     ("prevention", "place"), ("disruption",), ("reduce-drug-supply",), 220,
                     (("volunteers", "Volunteer expenses", "1900"), ("training", "Exploitation awareness training",
                                                                   "1400"), ("equipment", "Radios and kit", "1200")),
                     "Young people at risk are spotted and referred", "Referrals to the exploitation hub each month"),
         ApplicationStatus.UNDER_ASSESSMENT, None),
        (DemoProject("Torbay Families Together", "Young Carers Outreach Torbay", "Outreach to young carers whose "
                     "parents use drugs, who are targeted by dealers.", "Weekly young carers' group and home "
                     "visits.", "torbay", ("people", "prevention"), ("diversion", "recovery"),
                     ("reduce-drug-use",), 35,
                     (("staff", "Outreach worker", "3100"), ("other", "Trips and activities", "800")),
                     "Young carers are safer and better supported", "Young carers' wellbeing scale, termly"),
         ApplicationStatus.UNDER_ASSESSMENT, None),
        (DemoProject("Tamar Valley Recovery Community", "Parents Against Exploitation", "Workshops for parents "
                     "on the signs of exploitation.", "Six workshops in Plymouth schools.", "plymouth",
                     ("prevention", "partnership"), ("diversion",), ("reduce-drug-related-crime",), 150,
                     (("venue", "School halls", "600"), ("sessional", "Facilitators", "1800")),
                     "Parents spot exploitation sooner", "Pre- and post-workshop questionnaires"),
         ApplicationStatus.SUBMITTED, None),
        (DemoProject("Scilly Wellbeing Network", "Island Youth Nights", "Friday youth nights on St Mary's.",
                     "Weekly youth nights with drug education.", "isles-of-scilly", ("prevention",),
                     ("diversion",), ("reduce-drug-use",), 30, (("venue", "Hall hire", "1200"),),
                     "Young people have somewhere safe to go", "Attendance register"),
         ApplicationStatus.INELIGIBLE,
         "The group's constitution does not allow it to work with under-18s without a safeguarding lead."),
    ],
    ROUNDS[2][0]: [
        (DemoProject("Tamar Valley Recovery Community", "Harbour Recovery Café", "A weekly recovery café in "
                     "Plymouth run by people with lived experience.", "Weekly café sessions and peer mentoring.",
                     "plymouth", ("people",), ("recovery",), ("improve-recovery-outcomes",), 120,
                     (("sessional", "Peer facilitators", "2400"), ("venue", "Hall hire", "1200")),
                     "People stay in recovery", "Attendance and wellbeing scores each quarter"),
         ApplicationStatus.SUCCESSFUL, None),
        (DemoProject("Penwith Community Kitchen CIC", "Cook Together Penzance", "Cookery sessions for people in "
                     "treatment.", "Twice-weekly cookery and shared meals.", "cornwall", ("people",),
                     ("recovery",), ("increase-engagement-in-treatment",), 60,
                     (("materials", "Food and ingredients", "2100"), ("staff", "Chef tutor", "2700")),
                     "More people stay engaged with treatment", "Treatment provider retention figures"),
         ApplicationStatus.SUCCESSFUL, None),
        (DemoProject("Torbay Families Together", "Family Recovery Circle", "A peer group for families affected "
                     "by drug use.", "Fortnightly family peer group.", "torbay", ("people", "partnership"),
                     ("recovery",), ("reduce-drug-related-deaths-and-harm",), 45,
                     (("venue", "Room hire", "900"), ("training", "Naloxone training", "650")),
                     "Families feel supported", "Wellbeing questionnaire"),
         ApplicationStatus.UNSUCCESSFUL, None),
        (DemoProject("Exeter Street Pastors", "Naloxone Champions Exeter", "Volunteers trained to carry and use "
                     "naloxone on night patrols in Exeter city centre.", "Naloxone training, night patrols and "
                     "referrals to treatment.", "devon", ("people", "place"), ("recovery",),
                     ("reduce-drug-related-deaths-and-harm",), 300,
                     (("training", "Naloxone and first aid training", "1800"), ("volunteers", "Volunteer expenses",
                                                                               "1500")),
                     "Fewer people die from opioid overdose", "Naloxone kits used and referrals made"),
         ApplicationStatus.SUCCESSFUL, None),
        (DemoProject("Scilly Wellbeing Network", "Island Recovery Walks", "Weekly walking groups on St Mary's for "
                     "people in recovery and their families.", "Weekly walks with a peer leader.", "isles-of-scilly",
                     ("people",), ("recovery",), ("improve-recovery-outcomes",), 25,
                     (("sessional", "Walk leaders", "1400"), ("equipment", "Waterproofs and boots", "600")),
                     "People in recovery are less isolated", "Attendance and a wellbeing scale"),
         ApplicationStatus.SUCCESSFUL, None),
    ],
}


def _answers(project: DemoProject, start: date, contact: str) -> dict[str, dict]:
    def day(value: date) -> list[str]:
        return [str(value.day), str(value.month), str(value.year)]

    end = start + timedelta(days=330)
    total = sum(Decimal(amount) for _, _, amount in project.lines)
    budget = {"amount_requested": [str(total)], "project_cost": [str(total + 500)], "match_funding": ["500"]}
    for n, (category, description, amount) in enumerate(project.lines):
        budget |= {f"lines-{n}-category": [category], f"lines-{n}-description": [description],
                   f"lines-{n}-amount": [amount]}
    for n, (vat, recoverable) in enumerate(project.vat):
        budget |= {f"lines-{n}-vat": [vat], f"lines-{n}-vat_recoverable": [recoverable]}
    return {
        "project": {"title": [project.title], "summary": [project.summary], "activities": [project.activities],
                    "need": ["Local partners tell us there is nothing like this in the area."]},
        "priorities": {"approaches": list(project.approaches), "approaches_how": ["See our activities."],
                       "adder_strands": list(project.strands), "drug_outcomes": list(project.outcomes),
                       "outcomes_how": ["By keeping people connected to support."]},
        "areas": {"local_authorities": [project.area], "places": [""]},
        "beneficiaries": {"people": [str(project.people)], "age_groups": ["18-25", "26-64"],
                          "groups": ["treatment-recovery"], "people_description": ["Local people affected by drugs."]},
        "delivery": {"start_date": day(start), "end_date": day(end), "milestones-0-description": ["Project starts"],
                     "milestones-0-due": day(start + timedelta(days=7))},
        "budget": budget,
        "outcomes": {"project_outcomes-0-outcome": [project.outcome],
                     "project_outcomes-0-measure": [project.measure]},
        "safeguarding": {"safeguarding_policy": ["yes"], "safeguarding_lead": [f"{contact}, chair"],
                         "vulnerable_people": ["yes"], "dbs_checks": ["yes"], "equality_policy": ["yes"],
                         "insurance": ["yes"]},
        "declarations": {"accurate": ["y"], "authorised": ["y"], "conditions": ["y"], "data_protection": ["y"],
                         "name": [contact], "position": ["Chair"]},
    }


def _organisation(name: str) -> Organisation:
    org = db.session.scalar(select(Organisation).filter_by(name=name))
    if org is None:
        values = EXTRA_ORGANISATIONS[name]
        org = Organisation(name=name, contact_name="Demo Contact", contact_email="contact@example.org", **values)
        db.session.add(org)
        db.session.flush()
    return org


# A one-stage round open now that asks the themed round's form: anyone eligible applies in one go.
SMALL_GRANTS_ROUND = (
    "Commissioners Small Grants 2027: anti-social behaviour", 10, 30, None,
    "Small grants, in one stage, on this year's theme of drug- and alcohol-related anti-social behaviour: "
    "quick, local projects that need no expression of interest first.",
)
# The themed round's expressions of interest closed this many days ago, at 5pm UK time.
THEMED_EOI_CLOSED_DAYS_AGO = 5


@dataclass(frozen=True)
class DemoInterest:
    """An expression of interest in the themed round and its shortlisting."""

    organisation: str
    title: str
    summary: str
    asb_kinds: tuple[str, ...]
    talked_to: str
    amount: str
    shortlisted: bool
    reason: str
    full_started: bool  # whether its full application has been started (filled in from it)


THEMED_EOIS = (
    DemoInterest("Exeter Street Pastors", "Sidwell Street Night Watch",
                 "Trained volunteers on Sidwell Street on Friday and Saturday nights, with a quiet space for people "
                 "who are drunk or high and a route into support.", ("night_time", "street_drinking"),
                 "Exeter's neighbourhood policing team and the city centre's business improvement district.", "4200",
                 True, "A clear plan, and the city centre's partners are already behind it.", True),
    DemoInterest("Torbay Families Together", "Paignton Parks Clean-up",
                 "Volunteer litter picks in Paignton's parks to clear discarded needles.", ("drug_litter",),
                 "Torbay Council's parks team.", "2500", False,
                 "The round funds work with the people who cause harm and those affected by it. Clearing needles "
                 "is the council's duty, and the project does not say how it would reach people who use drugs.",
                 False),
    DemoInterest("Tamar Valley Recovery Community", "Union Street Night Hub",
                 "A safe space on Union Street on Friday and Saturday nights, run by people in recovery, for anyone "
                 "at risk from drink or drugs.", ("night_time", "open_dealing"),
                 "Plymouth's community safety partnership and the Union Street traders' association.", "4800",
                 True, "We would like your full application to say how you will work with the police at night.",
                 False),
)


def themed_eoi_form() -> FormDefinition:
    """The themed round's short expression-of-interest form: the project's name and summary, the kinds
    of anti-social behaviour (asked again, as the same question, in the full form), who the group has
    talked to (asked only here) and the amount. The questions the full form shares start it filled in."""
    document = dump(standard(Kind.EXPRESSION_OF_INTEREST))
    sections = {section["id"]: section for section in document["sections"]}
    project = {**sections["project"],
               "questions": [q for q in sections["project"]["questions"] if q["id"] in ("title", "summary")]}
    themed = json.loads(THEMED_SECTION.read_text("utf-8"))["section"]
    behaviour = {
        "id": themed["id"],
        "title": themed["title"],
        "questions": [
            next(question for question in themed["questions"] if question["id"] == "asb_kinds"),
            {"id": "talked_to", "type": "long_text", "label": "Who have you talked to about it so far?",
             "hint": "For example, the neighbourhood policing team, the council's community safety team or "
                     "local businesses",
             "name_for_errors": "Who you have talked to",
             "messages": {"required": "Enter who you have talked to about it so far"},
             "limits": {"max_words": 100}},
        ],
    }
    document["sections"] = [project, behaviour, sections["funding"]]
    return load({**document, "title": "Commissioners Grant 2027 expression of interest: "
                                      "drug-related anti-social behaviour"})


def _two_stages(funding_round: FundingRound, officer: User | None) -> None:
    """Give the themed round its expression-of-interest stage (closed a few days ago), its own short form,
    and expressions of interest from demo organisations, shortlisted or not."""
    if funding_round.eoi_closes_at is None:
        today = utcnow().astimezone(LONDON).date()
        funding_round.eoi_closes_at = _london(today - timedelta(days=THEMED_EOI_CLOSED_DAYS_AGO), hour=17)
        db.session.flush()
    if current_version(funding_round, Kind.EXPRESSION_OF_INTEREST) is None:
        db.session.add(RoundForm(round_id=funding_round.id, kind=Kind.EXPRESSION_OF_INTEREST, version=1,
                                 definition=dump(themed_eoi_form()),
                                 created_at=funding_round.opens_at - timedelta(days=10)))
        db.session.flush()
    for interest in THEMED_EOIS:
        _expression_of_interest(funding_round, interest, officer)


def _expression_of_interest(funding_round: FundingRound, interest: DemoInterest, officer: User | None) -> None:
    org = db.session.scalar(select(Organisation).filter_by(name=interest.organisation))
    if org is None and interest.organisation in EXTRA_ORGANISATIONS:
        org = _organisation(interest.organisation)
    if org is None or db.session.scalar(select(Application).filter_by(
            round_id=funding_round.id, organisation_id=org.id, stage=ApplicationStage.EXPRESSION_OF_INTEREST)):
        return
    closed = funding_round.eoi_closes_at
    assert closed is not None  # given by _two_stages
    submitted, decided = closed - timedelta(days=4), closed + timedelta(days=2)
    eoi = Application(
        funding_round=funding_round, organisation=org, stage=ApplicationStage.EXPRESSION_OF_INTEREST,
        status=ApplicationStatus.SUCCESSFUL if interest.shortlisted else ApplicationStatus.UNSUCCESSFUL,
        form=version_in_force(funding_round, Kind.EXPRESSION_OF_INTEREST), project_title=interest.title,
        amount_requested=Decimal(interest.amount), created_at=submitted - timedelta(days=6), submitted_at=submitted,
        shortlist_reason=interest.reason, shortlisted_at=decided, shortlisted_by_id=officer.id if officer else None,
    )
    eoi.sections.extend([
        ApplicationSection(key="organisation", answers={}, complete=True),
        ApplicationSection(key="project", answers={"title": [interest.title], "summary": [interest.summary]},
                           complete=True),
        ApplicationSection(key="antisocial_behaviour", complete=True,
                           answers={"asb_kinds": list(interest.asb_kinds), "talked_to": [interest.talked_to]}),
        ApplicationSection(key="funding", answers={"amount_requested": [interest.amount]}, complete=True),
    ])
    db.session.add(eoi)
    db.session.flush()
    year = submitted.astimezone(LONDON).year
    eoi.reference = next_reference(f"EOI-{year}", f"EOI-{year}")
    eoi.organisation_snapshot = organisation_snapshot(eoi)
    if interest.full_started:
        full = Application(funding_round=funding_round, organisation=org, stage=ApplicationStage.FULL,
                           status=ApplicationStatus.DRAFT, expression_of_interest=eoi,
                           form=version_in_force(funding_round, Kind.APPLICATION),
                           created_at=decided + timedelta(days=1))
        db.session.add(full)
        db.session.flush()
        prefill(full, eoi)


def _round(name: str, opened_days_ago: int, closes_in_days: int, decided_days_ago: int | None,
           description: str) -> FundingRound:
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=name))
    if funding_round is not None:
        return funding_round
    today = utcnow().astimezone(LONDON).date()
    funding_round = FundingRound(
        name=name,
        description=description,
        guidance="## Before you apply\n\nRead the plan's **four approaches** and say which your project serves.\n\n"
        "Grants are for one year. We do not fund capital works or activities that are a statutory duty.",
        opens_at=_london(today - timedelta(days=opened_days_ago)),
        closes_at=_london(today + timedelta(days=closes_in_days), hour=17),
        total_budget=ROUND_BUDGETS.get(name, Decimal("200000.00")),
        min_award=Decimal("1000.00"),
        max_award=Decimal("5000.00"),
        max_project_months=12,
        max_annual_income=Decimal("500000.00"),
        published_at=_london(today - timedelta(days=opened_days_ago + 7)),
        decided_at=_london(today - timedelta(days=decided_days_ago)) if decided_days_ago else None,
    )
    db.session.add(funding_round)
    funding_round.rubric = db.session.scalar(
        select(Rubric).filter_by(name=DEFAULT_RUBRIC.name, version=DEFAULT_RUBRIC.version)
    )
    funding_round.legal_types = list(LegalType)
    funding_round.local_authorities = list(db.session.scalars(select(LocalAuthority)))
    funding_round.approaches = list(db.session.scalars(select(PlanApproach)))
    funding_round.adder_strands = list(db.session.scalars(select(AdderStrand)))
    funding_round.outcomes = list(db.session.scalars(select(DrugsOutcome)))
    db.session.add(funding_round)
    db.session.flush()
    return funding_round


def _application(funding_round: FundingRound, project: DemoProject, status: ApplicationStatus,
                 reason: str | None, officer: User | None) -> None:
    org = _organisation(project.organisation)
    if db.session.scalar(select(Application).filter_by(round_id=funding_round.id, organisation_id=org.id)):
        return
    submitted = funding_round.closes_at - timedelta(days=3)
    start = (funding_round.closes_at + timedelta(days=60)).astimezone(LONDON).date()
    application = Application(funding_round=funding_round, organisation=org, status=status,
                              form=version_in_force(funding_round, Kind.APPLICATION),
                              project_title=project.title, created_at=submitted - timedelta(days=10))
    total = sum((Decimal(amount) for _, _, amount in project.lines), Decimal(0))
    application.amount_requested = total
    for key, answers in _answers(project, start, org.contact_name).items():
        application.sections.append(ApplicationSection(key=key, answers=answers, complete=True))
    application.sections.append(ApplicationSection(key="organisation", answers={}, complete=True))
    if status is not ApplicationStatus.DRAFT and subsidy_declaration.applies(application):
        # Submitted, so its subsidy-control section was answered: the demo's projects are free to the
        # people they help (grants.demo.subsidy gives the kitchen near the MFA limit its own answer).
        application.sections.append(ApplicationSection(
            key=subsidy_declaration.SECTION_KEY, complete=True,
            answers=subsidy_declaration.stored_answers({"economic": ["no"]}, subsidy_declaration.NOT_ECONOMIC)))
    application.local_authorities = [la for la in funding_round.local_authorities if la.code == project.area]
    application.approaches = [a for a in funding_round.approaches if a.code in project.approaches]
    db.session.add(application)
    db.session.flush()
    if status is not ApplicationStatus.DRAFT:
        year = submitted.astimezone(LONDON).year
        application.reference = next_reference(f"CGS-{year}", f"CGS-{year}")
        application.submitted_at = submitted
        application.organisation_snapshot = organisation_snapshot(application)
    if status is not ApplicationStatus.DRAFT:
        _documents(application)
    if status not in {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED}:
        application.screened_at = submitted + timedelta(days=5)
        application.screened_by_id = officer.id if officer else None
        application.screening_reason = reason


def _demo_pdf(title: str) -> bytes:
    """A small, plain one-page PDF (no scripts or actions), so that it passes the upload checks."""
    text = title.replace("\\", "").replace("(", "").replace(")", "").encode("ascii", "replace")
    content = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"".join(b"%d 0 obj\n" % (n + 1) + obj + b"\nendobj\n" for n, obj in enumerate(objects))
    return b"%PDF-1.4\n" + body + b"trailer\n<< /Root 1 0 R /Size 6 >>\n%%EOF\n"


def _documents(application: Application) -> None:
    """The three required documents, stored as the upload page would store them."""
    submitted_at = application.submitted_at
    assert submitted_at is not None  # documents come with a submitted application
    for kind in REQUIRED_DOCUMENTS:
        upload = check_upload(f"{kind.value}.pdf", _demo_pdf(f"{application.organisation.name}: {kind.label}"))
        stored_name = document_store().save(upload.data)
        application.documents.append(
            ApplicationDocument(
                kind=kind,
                original_filename=upload.display_name,
                stored_name=stored_name,
                content_type=upload.content_type,
                size_bytes=upload.size_bytes,
                sha256=upload.sha256,
                uploaded_at=submitted_at - timedelta(hours=1),
            )
        )


THEMED_SECTION = Path(__file__).with_name("forms") / "antisocial_behaviour_section.json"


def themed_application_form() -> FormDefinition:
    """The anti-social behaviour round's own form: the standard application with a section of its own
    (grants/demo/forms/antisocial_behaviour_section.json), one of whose questions is asked only after
    a "yes"."""
    extra = json.loads(THEMED_SECTION.read_text("utf-8"))
    document = dump(standard(Kind.APPLICATION))
    position = [section["id"] for section in document["sections"]].index(extra["after_section"]) + 1
    document["sections"].insert(position, extra["section"])
    return load({**document, "title": extra["title"]})


def _themed_form(funding_round: FundingRound) -> None:
    """Give the themed round its own application form, as officers would have built it before it opened."""
    if current_version(funding_round, Kind.APPLICATION) is None:
        db.session.add(RoundForm(round_id=funding_round.id, kind=Kind.APPLICATION, version=1,
                                 definition=dump(themed_application_form()),
                                 created_at=funding_round.opens_at - timedelta(days=10)))
        db.session.flush()


def seed_rounds() -> None:
    """Add the demo rounds and applications that are missing; the caller commits."""
    officer = db.session.scalar(select(User).filter_by(email="officer@example.org"))
    for name, opened, closes, decided, description in reversed(ROUNDS):  # oldest first
        funding_round = _round(name, opened, closes, decided, description)
        if name == ROUNDS[0][0]:
            _themed_form(funding_round)
            _two_stages(funding_round, officer)
        for project, status, reason in PROJECTS.get(name, []):
            _application(funding_round, project, status, reason, officer)
    # A draft in progress in the one-stage open round, for the demo applicant.
    open_round = _round(*SMALL_GRANTS_ROUND)
    _themed_form(open_round)
    org = db.session.scalar(select(Organisation).filter_by(name="Tamar Valley Recovery Community"))
    if org and not db.session.scalar(select(Application).filter_by(round_id=open_round.id, organisation_id=org.id)):
        draft = Application(funding_round=open_round, organisation=org, status=ApplicationStatus.DRAFT,
                            form=version_in_force(open_round, Kind.APPLICATION),
                            project_title="Night-time Safe Space, Union Street")
        start = (open_round.closes_at + timedelta(days=60)).astimezone(LONDON).date()
        project = DemoProject(org.name, "Night-time Safe Space, Union Street", "A safe space on Friday and "
                              "Saturday nights.", "", "plymouth", ("place",), ("disruption",),
                              ("reduce-drug-related-crime",), 400, (("staff", "Night workers", "4000"),),
                              "", "")
        answers = _answers(project, start, org.contact_name)
        for key in ("project", "priorities", "areas"):
            complete = key != "project"  # the activities are still to write
            draft.sections.append(ApplicationSection(key=key, answers=answers[key], complete=complete))
        db.session.add(draft)
    db.session.flush()
