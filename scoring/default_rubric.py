"""The panel's standard rubric for the Commissioners Grant scheme.

Built on the OPCC's *Drugs strategic intentions plan 2022-2025* (its four approaches: prevention,
people, place, partnership) and the National Combating Drugs Outcomes Framework (*From harm to
hope*, 2022). Scores run from 0 (not shown) to 4 (excellent); weights add up to 100%.
"""

from __future__ import annotations

from decimal import Decimal

from scoring.rubrics import Criterion, Rubric

# The criterion that breaks ties between bids with the same panel score (see scoring.ranking).
STRATEGIC_FIT = "strategic_fit"

DEFAULT_RUBRIC = Rubric(
    name="Commissioners Grant scheme: drugs",
    version=1,
    criteria=(
        Criterion(
            key=STRATEGIC_FIT,
            title="Strategic fit",
            weight=Decimal("20"),
            guidance="How well the project delivers the plan's approaches (prevention, people, place, "
            "partnership) and the priorities this round names.",
            descriptors={
                0: "Does not link the project to the plan or to the round's priorities.",
                1: "Names an approach of the plan, but the project would do little to deliver it; "
                "the round's priorities are not addressed.",
                2: "Delivers one of the plan's approaches in part and touches on the round's priorities, "
                "with gaps in how the activities lead there.",
                3: "Clearly delivers at least one of the plan's approaches and a priority of the round; "
                "activities and aims line up.",
                4: "Delivers one or more of the plan's approaches and the round's priorities directly, "
                "adds to what the OPCC and its partners already fund, and says how.",
            },
        ),
        Criterion(
            key="evidence_of_need",
            title="Evidence of need",
            weight=Decimal("15"),
            guidance="Evidence that the need exists in Devon, Cornwall or the Isles of Scilly, in the "
            "places and among the people the project will serve.",
            descriptors={
                0: "No evidence of need is given.",
                1: "Asserts a need without evidence, or with national figures only.",
                2: "Some local evidence (for example anecdote or one data source), not specific to the "
                "places or people the project serves.",
                3: "Local data or a needs assessment shows the need in the places served, with some "
                "evidence from the people affected.",
                4: "Strong, current local evidence (data, the joint drug needs assessment, the voices of "
                "people with lived experience) for each place served, and of the gap the project fills.",
            },
        ),
        Criterion(
            key="outcomes",
            title="Outcomes and how they are measured",
            weight=Decimal("15"),
            guidance="The difference the project will make, linked to the Combating Drugs outcomes "
            "(less drug use, drug-related crime, deaths and harm and supply; more engagement in "
            "treatment; better recovery), and how it will be measured.",
            descriptors={
                0: "No outcomes are stated.",
                1: "Outcomes are vague or are activities (sessions run), with no measures and no link to "
                "the Combating Drugs outcomes.",
                2: "Some outcomes are linked to the Combating Drugs outcomes; measures are partial or "
                "have no baseline.",
                3: "Clear outcomes linked to the Combating Drugs outcomes, each with a measure, a "
                "baseline and a way to collect the data.",
                4: "Specific, realistic targets for each outcome, linked to the Combating Drugs "
                "outcomes, with baselines, a monitoring plan and a way to learn from the results.",
            },
        ),
        Criterion(
            key="reach",
            title="Reach to the people the plan names",
            weight=Decimal("15"),
            guidance="How the project reaches young people, people in treatment or recovery, people in "
            "the criminal justice system, and communities affected by drug supply.",
            descriptors={
                0: "Does not say who the project is for.",
                1: "Names the people it serves but not how it will reach them.",
                2: "Reaches one of the groups the plan names, with a credible but untested way of "
                "finding and engaging them.",
                3: "Reaches one or more of the groups the plan names through established routes "
                "(referrals, outreach, trusted partners), with realistic numbers.",
                4: "Reaches groups the plan names that services find hard to reach, through proven "
                "routes, involving people with lived experience, with numbers backed by past delivery.",
            },
        ),
        Criterion(
            key="partnership",
            title="Partnership working",
            weight=Decimal("10"),
            guidance="Work with the police, local authorities, treatment providers, the Combating Drugs "
            "Partnerships and community groups.",
            descriptors={
                0: "No partners are named.",
                1: "Partners are named but their roles are not described or agreed.",
                2: "Partners have described roles; some referral or joint working is planned.",
                3: "Partners have agreed roles (letters of support or agreements) and referral routes; "
                "the project links to local services.",
                4: "An established partnership with agreed roles and shared data, linked to the local "
                "Combating Drugs Partnership, that strengthens the wider system.",
            },
        ),
        Criterion(
            key="deliverability",
            title="Deliverability and governance",
            weight=Decimal("15"),
            guidance="A realistic plan, the skills and capacity to deliver it, sound governance and "
            "financial control, safeguarding and management of risk.",
            descriptors={
                0: "No delivery plan, or safeguarding arrangements are missing.",
                1: "The plan is unrealistic or unclear; governance or safeguarding is weak.",
                2: "A workable plan with some gaps in timings, staffing or risk management; "
                "safeguarding policy in place.",
                3: "A realistic plan with milestones, named roles and risks managed; sound governance and "
                "a safeguarding policy that staff and volunteers are trained in.",
                4: "A detailed, realistic plan with a record of delivering similar work; strong "
                "governance and financial control; safeguarding embedded, with a named lead and "
                "regular review.",
            },
        ),
        Criterion(
            key="value_for_money",
            title="Value for money",
            weight=Decimal("10"),
            guidance="Costs that are reasonable, justified and proportionate to the outcomes, with "
            "other funding or in-kind support where there is some.",
            descriptors={
                0: "No budget breakdown, or costs are not eligible.",
                1: "Costs are high for what is delivered, or are not explained.",
                2: "Costs are reasonable but some are not justified or the link to outcomes is weak.",
                3: "Costs are reasonable, itemised and justified, and proportionate to the outcomes.",
                4: "Costs are itemised, justified and proportionate, and the grant levers in other "
                "funding, volunteer time or in-kind support, or lasts beyond the grant.",
            },
        ),
    ),
)
