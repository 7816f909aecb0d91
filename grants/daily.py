"""The daily jobs: run by the job scheduler (grants.jobs.RECURRING) or by ``flask send-reminders``.

Lapse offers past their deadline (emailing the organisation and its grants officer), make instalments
due on their date, hold payments while returns are overdue, email reminders of returns and
repayments due soon or overdue, remind panel members with bids to score of the scoring deadline,
remove downloads kept past their week,
remove ended sign-in sessions, and send any queued email. Each step does nothing more the second
time in a day, so running it twice sends nothing twice.
"""

from __future__ import annotations

from flask import current_app

from grants import mail
from grants.extensions import db


def run_daily_jobs() -> list[str]:
    """Run the daily jobs and commit; what was done, a line each."""
    from grants.formatting import money
    from grants.interfaces import downloads
    from grants.interfaces.auth import sessions
    from grants.interfaces.awards import awarding as awards
    from grants.interfaces.awards import closure, monitoring, payments
    from grants.interfaces.awards import offers as award_offers
    from grants.interfaces.panel import deadlines as panel_deadlines

    lapsed = awards.lapse_overdue_offers()
    for award in lapsed:  # only offers this run lapsed: each lapse is told once
        award_offers.tell_of_lapse(award)
    made_due = payments.mark_due_instalments()
    report = monitoring.run_daily_jobs()
    repayments = closure.remind_repayments()
    panel_reminders = panel_deadlines.send_reminders()
    pruned = sessions.prune()
    old_downloads = downloads.prune()
    db.session.commit()
    lines = [f"Offers lapsed: {len(lapsed)}", *(f"  {a.application.reference} ({a.organisation.name})" for a in lapsed),
             f"Instalments now due: {len(made_due)}",
             *(f"  {i.award.application.reference} instalment {i.number}" for i in made_due),
             f"Instalments held for overdue returns: {len(report.held)}",
             *(f"  {i.award.application.reference} instalment {i.number}: {i.hold_reason}" for i in report.held),
             f"Reminders of overdue returns: {len(report.overdue_reminders)}",
             *(f"  {monitoring.describe(r)}" for r in report.overdue_reminders),
             f"Reminders of returns due soon: {len(report.due_soon_reminders)}",
             *(f"  {monitoring.describe(r)}, due {r.due_date:%d/%m/%Y}" for r in report.due_soon_reminders),
             f"Reminders of repayments: {len(repayments)}",
             *(f"  {r.repayment.award.application.reference} {money(r.repayment.amount)}, "
               + (f"{r.days_overdue} days overdue" if r.overdue else f"due {r.repayment.due_date:%d/%m/%Y}")
               for r in repayments),
             f"Panel scoring reminders: {len(panel_reminders)}",
             *(f"  {r.describe()}" for r in panel_reminders),
             f"Ended sign-in sessions removed: {pruned}",
             f"Downloads older than {downloads.KEEP_FOR.days} days removed: {old_downloads}"]
    if current_app.config["MAIL_BACKEND"] == "smtp":
        lines.append(f"Queued emails sent: {mail.sweep()}")
    return lines


