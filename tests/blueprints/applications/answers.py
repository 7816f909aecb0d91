"""Valid answers for every section of the application form, as a browser would post them."""

from __future__ import annotations

from datetime import date, timedelta

START = date.today() + timedelta(days=60)
END = START + timedelta(days=300)


def _date(prefix: str, day: date) -> dict:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


ORGANISATION = {
    "name": ["Organisation A"],
    "legal_type": ["registered_charity"],
    "charity_number": ["1100001"],
    "address_line_1": ["1 High Street"],
    "town": ["Exeter"],
    "postcode": ["EX1 1AA"],
    "annual_income": ["25000"],
    "contact_name": ["Alex Contact"],
    "contact_email": ["contact@example.org"],
}

VALID: dict[str, dict] = {
    "organisation": ORGANISATION,
    "project": {
        "title": ["Harbour Recovery Café"],
        "summary": ["A weekly recovery café in Plymouth run by people with lived experience."],
        "activities": ["Weekly café sessions, peer mentoring and family drop-ins."],
        "need": ["Drug-poisoning deaths in Plymouth have risen and there is no evening peer support."],
    },
    "priorities": {
        "approaches": ["people", "partnership"],
        "approaches_how": ["Peer support keeps people engaged with treatment."],
        "adder_strands": ["recovery"],
        "drug_outcomes": ["improve-recovery-outcomes"],
        "outcomes_how": ["Regular contact sustains recovery after treatment ends."],
    },
    "areas": {"local_authorities": ["plymouth"], "places": ["Stonehouse"]},
    "beneficiaries": {
        "people": ["120"],
        "age_groups": ["18-25", "26-64"],
        "groups": ["treatment-recovery", "families"],
        "people_description": ["Adults in recovery and their families."],
    },
    "delivery": {
        **_date("start_date", START),
        **_date("end_date", END),
        "milestones-0-description": ["Café opens"],
        **_date("milestones-0-due", START + timedelta(days=14)),
        "milestones-1-description": ["First ten peer mentors trained"],
        **_date("milestones-1-due", START + timedelta(days=90)),
    },
    "budget": {
        "lines-0-category": ["sessional"],
        "lines-0-description": ["Peer facilitators, 40 sessions"],
        "lines-0-amount": ["2,400"],
        "lines-1-category": ["venue"],
        "lines-1-description": ["Hall hire"],
        "lines-1-amount": ["1,200.50"],
        "amount_requested": ["3600.50"],
        "project_cost": ["5000"],
        "other_funding": ["900"],
        "other_funders": ["Local parish council"],
        "match_funding": ["499.50"],
    },
    "outcomes": {
        "project_outcomes-0-outcome": ["People stay in recovery"],
        "project_outcomes-0-measure": ["Attendance and self-reported wellbeing every quarter"],
    },
    "safeguarding": {
        "safeguarding_policy": ["yes"],
        "safeguarding_lead": ["Jo Smith, chair"],
        "vulnerable_people": ["yes"],
        "dbs_checks": ["yes"],
        "equality_policy": ["yes"],
        "insurance": ["yes"],
    },
    "declarations": {
        "accurate": ["y"],
        "authorised": ["y"],
        "conditions": ["y"],
        "data_protection": ["y"],
        "name": ["Alex Contact"],
        "position": ["Chair"],
    },
}

# The demo's open round asks its own section after "areas" (grants/demo/forms/antisocial_behaviour_section.json).
ANTISOCIAL_BEHAVIOUR = {
    "asb_kinds": ["open_dealing", "drug_litter"],
    "asb_where_when": ["Around the bus station on Friday and Saturday nights."],
    "hours_per_week": ["12"],
    "csp_involved": ["yes"],
    "csp_contact": ["Sam Jones, community safety manager"],
}
THEMED: dict[str, dict] = {
    **{key: VALID[key] for key in ("organisation", "project", "priorities", "areas")},
    "antisocial_behaviour": ANTISOCIAL_BEHAVIOUR,
    **{key: answers for key, answers in VALID.items() if key not in ("organisation", "project", "priorities", "areas")},
}
