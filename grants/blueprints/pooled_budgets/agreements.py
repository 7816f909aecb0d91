"""Pooled-budget agreements: the list, making and changing an agreement, a year's contributions,
the risk share, and the partners an administrator keeps."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.pooled_budgets import bp
from grants.blueprints.pooled_budgets.agreement_forms import (
    DEFAULT_LINES,
    AgreementForm,
    PartnerForm,
    RiskShareForm,
    YearForm,
    attach,
    money_or_error,
    percent,
)
from grants.extensions import db
from grants.forms import int_arg, required
from grants.interfaces.pooled_budgets import agreements as pooled
from grants.interfaces.pooled_budgets import partners as pooled_partners
from grants.interfaces.pooled_budgets.agreements import POOLED_MANAGERS, POOLED_VIEWERS, PooledError, year_label
from grants.modelling.pooled import pounds
from grants.models.accounts import Role
from grants.models.pooled_budgets import ContributionBasis, InstalmentProfile, RiskShareRule
from grants.permissions import role_required


def _user():
    return current_user._get_current_object()


def _version(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


@bp.route("", endpoint="index")
@role_required(*POOLED_VIEWERS)
def index():
    year = int_arg("year", minimum=1900, maximum=2200)
    agreements = pooled.list_agreements(year)
    years = sorted({y for a in pooled.list_agreements() for y in a.years})
    totals = pooled.year_totals(agreements)
    return render_template("pooled_budgets/agreement_index.html", agreements=agreements, totals=totals,
                           years=years, year=year, year_label=year_label,
                           can_manage=current_user.has_role(*POOLED_MANAGERS))


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@role_required(*POOLED_MANAGERS)
def new():
    partners = pooled_partners.list_partners(active_only=True)
    form = AgreementForm(partners=partners,
                         data=None if request.method == "POST" else {"lines": "\n".join(DEFAULT_LINES)})
    if form.validate_on_submit():
        try:
            agreement = pooled.create_agreement(form.values(), form.partners(), form.line_names(), _user())
        except PooledError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            flash(f"Agreement {agreement.reference} created: now set each year’s contributions", "success")
            return redirect(url_for("pooled_budgets.agreement", agreement_id=agreement.id))
    return render_template("pooled_budgets/agreement_form.html", form=form, agreement=None)


@bp.route("/<int:agreement_id>", endpoint="agreement")
@role_required(*POOLED_VIEWERS)
def show(agreement_id: int):
    agreement = pooled.agreement_or_404(agreement_id, pooled.AGREEMENT_PAGE)
    years = {year: pooled.contributions_for_year(agreement, year) for year in agreement.years}
    return render_template("pooled_budgets/agreement_show.html", agreement=agreement, years=years,
                           year_label=year_label, pounds=pounds,
                           can_manage=current_user.has_role(*POOLED_MANAGERS))


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"], endpoint="edit")
@role_required(*POOLED_MANAGERS)
def edit(agreement_id: int):
    agreement = pooled.agreement_or_404(agreement_id)
    partners = pooled_partners.list_partners()
    form = AgreementForm(partners=partners, this_year=agreement.start_year,
                         data=None if request.method == "POST" else AgreementForm.data_for(agreement))
    del form.lines  # budget lines are changed on the contributions pages
    if form.validate_on_submit():
        try:
            pooled.update_agreement(agreement, _version(form),
                                    {**form.values(), "partner_ids": form.partners()}, _user())
        except PooledError as refused:
            db.session.rollback()
            if refused.stale:
                agreement = pooled.agreement_or_404(agreement_id)
                form = AgreementForm(partners=partners, this_year=agreement.start_year, formdata=None,
                                     data=AgreementForm.data_for(agreement))
                del form.lines
                form.version.errors = [str(refused)]
            else:
                attach(form, refused)
        else:
            flash(f"Agreement {agreement.reference} saved", "success")
            return redirect(url_for("pooled_budgets.agreement", agreement_id=agreement.id))
    return render_template("pooled_budgets/agreement_form.html", form=form, agreement=agreement)


@bp.route("/<int:agreement_id>/contributions/<int:year>", methods=["GET", "POST"], endpoint="contributions")
@role_required(*POOLED_MANAGERS)
def contributions(agreement_id: int, year: int):
    agreement = pooled.agreement_or_404(agreement_id)
    if year not in agreement.years:
        flash(f"{year_label(year)} is not a year of agreement {agreement.reference}", "error")
        return redirect(url_for("pooled_budgets.agreement", agreement_id=agreement_id))
    form = YearForm()
    entered = request.form if request.method == "POST" else None
    if form.validate_on_submit():
        inputs, budgets = _read_year(agreement, form)
        line_versions = {line.id: request.form.get(f"line-version-{line.id}", type=int) for line in agreement.lines}
        if not form.form_errors:
            try:
                pooled.save_year(agreement, year, inputs, budgets, _user(),
                                 {k: v for k, v in line_versions.items() if v is not None})
            except PooledError as refused:
                db.session.rollback()
                agreement = pooled.agreement_or_404(agreement_id)
                form.form_errors.append(_linked(refused))
                if refused.stale:
                    entered = None  # show the newer figures (and their versions), not what was typed
            else:
                flash(f"Contributions for {year_label(year)} saved", "success")
                return redirect(url_for("pooled_budgets.agreement", agreement_id=agreement_id))
    saved = {c.partner_id: c for c in agreement.contributions if c.year == year}
    line_budgets = {line.id: next((b for b in line.budgets if b.year == year), None) for line in agreement.lines}
    return render_template("pooled_budgets/agreement_contributions.html", agreement=agreement, year=year, form=form,
                           saved=saved, budgets=line_budgets, entered=entered, year_label=year_label,
                           profiles=list(InstalmentProfile), bases=list(ContributionBasis))


def _linked(refused: PooledError):
    """The refusal for the error summary, linked to its input when it names one on the page."""
    if refused.field and refused.field.split("-")[0] in {"line", "amount", "share", "percent", "cap"}:
        return str(refused), refused.field
    return str(refused)


def _read_year(agreement, form) -> tuple[list[pooled.ContributionInput], dict[int, Decimal]]:
    """The rows of the contributions form; problems of typing go into the form's errors."""
    inputs, budgets = [], {}
    for line in agreement.lines:
        try:
            amount = money_or_error(request.form.get(f"line-{line.id}"), f"Budget for {line.name}")
        except ValueError as problem:
            form.form_errors.append((str(problem), f"line-{line.id}"))
            continue
        if amount is None:
            form.form_errors.append((f"Enter the budget for {line.name}, £0 or more", f"line-{line.id}"))
        elif amount < 0:
            form.form_errors.append((f"Budget for {line.name} must be £0 or more", f"line-{line.id}"))
        else:
            budgets[line.id] = amount
    for member in agreement.members:
        pid, name = member.partner_id, member.partner.name
        try:
            basis = ContributionBasis(request.form.get(f"basis-{pid}", ""))
            profile = InstalmentProfile(request.form.get(f"profile-{pid}", "quarterly"))
        except ValueError:
            form.form_errors.append((f"Select whether {name} pays a fixed amount or a share, and how",
                                     f"basis-{pid}-fixed"))
            continue
        try:
            amount = money_or_error(request.form.get(f"amount-{pid}"), f"{name}’s contribution")
            share = percent(request.form.get(f"share-{pid}"), f"{name}’s share")
        except ValueError as problem:
            form.form_errors.append((str(problem), f"{'share' if 'share' in str(problem) else 'amount'}-{pid}"))
            continue
        if basis is ContributionBasis.FIXED and (amount is None or amount < 0):
            form.form_errors.append((f"Enter {name}’s contribution, £0 or more", f"amount-{pid}"))
            continue
        if basis is ContributionBasis.SHARE and (share is None or share < 0):
            form.form_errors.append((f"Enter {name}’s share as a percentage, 0 or more", f"share-{pid}"))
            continue
        version = request.form.get(f"version-{pid}", type=int)
        inputs.append(pooled.ContributionInput(pid, basis, amount, share, profile, version))
    return inputs, budgets


@bp.route("/<int:agreement_id>/risk-share", methods=["GET", "POST"], endpoint="risk_share")
@role_required(*POOLED_MANAGERS)
def risk_share(agreement_id: int):
    agreement = pooled.agreement_or_404(agreement_id)
    form = RiskShareForm(data=None if request.method == "POST" else
                         {"rule": agreement.risk_share_rule.value, "version": str(agreement.version)})
    if form.validate_on_submit():
        percents, caps = {}, {}
        for member in agreement.members:
            pid, name = member.partner_id, member.partner.name
            try:
                percents[pid] = percent(request.form.get(f"percent-{pid}"), f"{name}’s percentage")
            except ValueError as problem:
                form.form_errors.append((str(problem), f"percent-{pid}"))
            try:
                caps[pid] = money_or_error(request.form.get(f"cap-{pid}"), f"{name}’s cap")
            except ValueError as problem:
                form.form_errors.append((str(problem), f"cap-{pid}"))
        if not form.form_errors:
            try:
                pooled.set_risk_share(agreement, _version(form), form.rule.data, percents, caps, _user())
            except PooledError as refused:
                db.session.rollback()
                agreement = pooled.agreement_or_404(agreement_id)
                form.form_errors.append(_linked(refused))
            else:
                flash("Risk share saved", "success")
                return redirect(url_for("pooled_budgets.agreement", agreement_id=agreement_id))
    return render_template("pooled_budgets/agreement_risk_share.html", agreement=agreement, form=form,
                           entered=request.form if request.method == "POST" else None, rules=RiskShareRule)


@bp.route("/partners", endpoint="partners")
@role_required(*POOLED_VIEWERS)
def partners():
    return _partners_page(PartnerForm())


@bp.route("/partners", methods=["POST"], endpoint="add_partner")
@role_required(Role.ADMIN)
def add_partner():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = pooled_partners.add_partner(required(form.name.data), form.kind.data, _user())
        except PooledError as refused:
            db.session.rollback()
            attach(form, refused)
        else:
            flash(f"{partner.name} added", "success")
            return redirect(url_for("pooled_budgets.partners"))
    return _partners_page(form)


def _partners_page(form):
    return render_template("pooled_budgets/partners.html", partners=pooled_partners.list_partners(), form=form,
                           can_add=current_user.has_role(Role.ADMIN))
