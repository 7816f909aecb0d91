"""The portfolio dashboard, the plan delivery view and the 360Giving open data, for award staff."""

from __future__ import annotations

import tempfile

from flask import Response, current_app, render_template, request
from wtforms import SelectField
from wtforms.validators import Optional

from grants import open_data
from grants.blueprints.awards import bp, table_cells
from grants.exports import threesixtygiving
from grants.field_components import Select
from grants.forms import ConfirmForm, GovForm, SelectChoice, page_arg
from grants.interfaces.awards import portfolio, portfolio_awards
from grants.interfaces.awards.awarding import AWARD_VIEWERS
from grants.permissions import role_required


class PortfolioFilterForm(GovForm):
    """Round and financial year, from the query string (a GET form changes nothing)."""

    class Meta:
        csrf = False

    round = SelectField("Round", widget=Select(), validators=[Optional()], coerce=str, default="")
    year = SelectField("Financial year", widget=Select(), validators=[Optional()], coerce=str, default="")

    CHOICE_MESSAGES = {"round": "Select a round from the list", "year": "Select a financial year from the list"}

    def set_choices(self, rounds, years) -> None:
        self.rounds = rounds  # the rounds with awards, which the dashboard takes on rather than read again
        self.round.choices = [SelectChoice("", "All rounds")] + [SelectChoice(str(r.id), r.name) for r in rounds]
        self.year.choices = [SelectChoice("", "All years")] + [SelectChoice(year, year) for year in years]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in self.CHOICE_MESSAGES.items():
            if self[name].errors:
                self[name].errors[:] = [message]
        return valid

    def criteria(self) -> portfolio.PortfolioFilter:
        """The filter as chosen; a value that failed its check is left off (and shown as an error)."""
        round_id = self.round.data if not self.round.errors and self.round.data else None
        year = self.year.data if not self.year.errors and self.year.data else None
        return portfolio.PortfolioFilter(round_id=int(round_id) if round_id else None, year=year)


def _filter_form() -> tuple[PortfolioFilterForm, portfolio.PortfolioFilter]:
    form = PortfolioFilterForm(request.args)
    form.set_choices(*portfolio.filter_choices())
    if request.args:
        form.validate()
    return form, form.criteria()


@bp.route("/dashboard")
@role_required(*AWARD_VIEWERS)
def dashboard():
    form, criteria = _filter_form()
    return render_template("awards/portfolio.html", form=form, cells=table_cells,
                           dashboard=portfolio.dashboard(criteria, rounds=form.rounds))


@bp.route("/plan-delivery")
@role_required(*AWARD_VIEWERS)
def plan_delivery():
    form, criteria = _filter_form()
    return render_template("awards/plan_delivery.html", form=form, approaches=portfolio_awards.plan_delivery(criteria),
                           scope_args=_scope_args(criteria))


def _scope_args(criteria: portfolio.PortfolioFilter) -> dict[str, str]:
    """The filter as query arguments for links that keep it (only the values that passed their check)."""
    args = {"round": str(criteria.round_id) if criteria.round_id else "", "year": criteria.year or ""}
    return {name: value for name, value in args.items() if value}


@bp.route("/plan-delivery/commitments/<int:commitment_id>")
@role_required(*AWARD_VIEWERS)
def commitment_awards(commitment_id: int):
    commitment = portfolio_awards.commitment(commitment_id)
    form, criteria = _filter_form()
    results, paid = portfolio_awards.commitment_awards(commitment_id, criteria, page_arg())
    return render_template("awards/commitment_awards.html", form=form, commitment=commitment, results=results,
                           paid=paid, scope_args=_scope_args(criteria))


@bp.route("/open-data", endpoint="open_data")
@role_required(*AWARD_VIEWERS)
def open_data_page():
    page, batch = portfolio_awards.publishable_page(page_arg())
    return render_template("awards/open_data.html", results=page, download_form=ConfirmForm(),
                           grants=list(open_data.grants([batch], current_app.config)))


def _download(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # staff check the data before publishing it
    return response


def _chunks(document, size: int = 2**16):
    """The file's bytes a piece at a time; it is closed at the end (or when the client goes)."""
    with document:
        while chunk := document.read(size):
            yield chunk


@bp.route("/open-data/360giving.json")
@role_required(*AWARD_VIEWERS)
def open_data_json():
    # Written a batch of awards at a time to a temporary file (on disk once past 1 MB), never held
    # whole in memory; the file is closed when the response has been sent.
    document = tempfile.SpooledTemporaryFile(max_size=2**20)  # noqa: SIM115  closed by _chunks, after sending
    open_data.write_package(lambda text: document.write(text.encode()), portfolio_awards.publishable_batches(),
                            current_app.config)
    document.seek(0)
    response = Response(_chunks(document), mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename={threesixtygiving.filename('json')}"
    return _download(response)


@bp.route("/open-data/360giving.xlsx")
@role_required(*AWARD_VIEWERS)
def open_data_xlsx():
    # As the JSON: a batch of awards at a time into XlsxWriter's constant-memory sheets, then the file.
    document = threesixtygiving.workbook(open_data.grants(portfolio_awards.publishable_batches(), current_app.config))
    response = Response(_chunks(document), mimetype=threesixtygiving.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f"attachment; filename={threesixtygiving.filename('xlsx')}"
    return _download(response)
