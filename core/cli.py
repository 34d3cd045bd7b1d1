"""Command-line interface: `flask --app wsgi <group> <command>`."""
from __future__ import annotations

import json
import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from models.db import db

sms_cli = AppGroup("sms", help="Play a citizen's phone.")
nlp_cli = AppGroup("nlp", help="Classifier: evaluate and retrain.")
users_cli = AppGroup("users", help="Staff accounts.")
messages_cli = AppGroup("messages", help="Stored messages.")
supervise_cli = AppGroup("supervise", help="催办 and 督办: reminders before deadlines, escalations after.")


def register(app: Flask) -> None:
    from api.keys import open311_cli
    from cases.commands import cases_show
    from core.cli_cases import cases_cli
    from core.cli_informants import informants_cli
    from core.cli_dev import dev_cli
    from core.cli_reports import reports_cli
    from core.dbcopy import db_copy
    from flask_migrate.cli import db as db_group  # Flask-Migrate's `flask db`

    db_group.add_command(db_copy)
    from gateway.commands import outbound_cli

    cases_cli.add_command(cases_show)
    for group in (sms_cli, nlp_cli, users_cli, messages_cli, outbound_cli, open311_cli, cases_cli, supervise_cli,
                  reports_cli, informants_cli, dev_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker)
    app.cli.add_command(sweep)


@sms_cli.command("send")
@click.option("--from", "sender", required=True, help="The citizen's phone, e.g. +8613800000000")
@click.option("--to", "recipient", default="+10000000000", show_default=True)
@click.argument("text")
def sms_send(sender: str, recipient: str, text: str) -> None:
    """Send TEXT as an inbound SMS through the configured provider's real webhook
    (SMS_PROVIDER) and print the replies the citizen gets."""
    from gateway.simulate import post_sms

    try:
        replies = post_sms(current_app, sender, recipient, text)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("\n".join(replies) if replies else "(no reply)")


@nlp_cli.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of the metrics.")
@click.option("--report", is_flag=True, help="Also print the confusion matrix and worst pairs.")
def nlp_evaluate(path: str, as_json: bool, report: bool) -> None:
    """Score the current model on a JSONL file in the format of taxonomy.md."""
    from cases.classifier import get_classifier
    from nlp.evaluate import evaluate, load_jsonl, report as text_report

    try:
        records = load_jsonl(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    clf = get_classifier()
    metrics = evaluate(clf, records)
    if report:
        click.echo(text_report(clf, records))
    if as_json:
        click.echo(json.dumps(metrics, ensure_ascii=False))
    else:
        click.echo(f"model {clf.model_version}, {metrics['n']} messages")
        for field, scores in metrics.items():
            if isinstance(scores, dict):
                click.echo(f"  {field:<11} " + "  ".join(f"{k} {v:.3f}" for k, v in scores.items()))


@nlp_cli.command("train")
@click.option("--if-stale", is_flag=True, help="Only when there is no model or the seed corpus changed since.")
def nlp_train(if_stale: bool) -> None:
    """Retrain from the seed corpus plus every staff correction and imported ledger row
    (each ledger row weighs LEDGER_TRAINING_WEIGHT); writes a new model version."""
    from cases.classifier import reset_classifier
    from cases.learning import training_records
    from nlp.training import is_stale, load_seed, train

    if if_stale and not is_stale(current_app.config["MODEL_DIR"]):
        click.echo("model is current")
        return
    from tqdm import tqdm

    records = training_records(current_app.config["LEDGER_TRAINING_WEIGHT"], current_app.config["CONFIG_DIR"])
    ledger = sum("weight" in r for r in records)
    # disable=None: no bar when stderr is not a terminal (cron, CI, pipes)
    with tqdm(unit="step", desc="training", disable=None, file=sys.stderr, mininterval=0.5) as bar:
        version = train(load_seed() + records, current_app.config["MODEL_DIR"], current_app.config["CONFIG_DIR"],
                        progress=bar)
    reset_classifier()
    click.echo(f"trained on {len(records) - ledger} corrections and {ledger} ledger rows plus the seed corpus")
    click.echo(version)


@nlp_cli.command("classify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def nlp_classify(path: str) -> None:
    """One JSON line per line of PATH (JSONL with "text" and optionally "id"): labels,
    confidences and auto_routed (true when the case would skip triage). A line that is not
    a JSON object with a text gives a line with its number and the error."""
    from cases.batch import classify_lines
    from cases.classifier import get_classifier

    with open(path, "rb") as handle:
        for output in classify_lines(handle, get_classifier(), current_app.config["TRIAGE_THRESHOLD"],
                                     current_app.config["MAX_BODY_CHARS"]):
            click.echo(json.dumps(output, ensure_ascii=False))


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "officer", "handler", "head", "leader"]))
@click.option("--department", default=None, help="A department code; township_gov:<township> for a township.")
def users_create(username: str, password: str, role: str, department: str | None) -> None:
    """Create a staff account."""
    from models import User

    department, township = _scope(department)
    if role in ("handler", "head") and not department:
        raise click.ClickException(f"a {role} needs --department")
    if db.session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise click.ClickException(f"user {username!r} exists")
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    from console import staff

    staff.create(username, role, f"{department}:{township}" if township else department, "cli", password=password)
    db.session.commit()
    click.echo(f"created {role} {username}")


def _scope(department: str | None) -> tuple[str | None, str | None]:
    if not department:
        return None, None
    code, _, township = department.partition(":")
    taxonomy = current_app.extensions["taxonomy"]
    if code not in taxonomy.departments:
        raise click.ClickException(f"unknown department {code!r}")
    if township and township not in taxonomy.townships:
        raise click.ClickException(f"unknown township {township!r}")
    return code, township or None


@users_cli.command("seed-admin")
def users_seed_admin() -> None:
    """On a database with no staff: create `admin` with a random password, printed once."""
    from models import User

    admin = db.session.execute(select(User.username).where(User.role == "admin").limit(1)).scalar()
    if admin is not None:
        click.echo(f"There is already an admin ({admin}); nothing created. "
                   f"A forgotten password: flask --app wsgi users reset-password {admin}")
        return
    if db.session.execute(select(User.id).limit(1)).first():
        click.echo("Staff accounts exist but no admin: create one with flask --app wsgi users create --role admin")
        return
    password = secrets.token_urlsafe(12)
    user = User(username="admin", role="admin")
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"First admin login (shown once): admin / {password}")


def _staff_change(username: str, change) -> object:
    """Runs a console.staff change on USERNAME as the CLI, commits; refusals exit non-zero."""
    from console import staff

    try:
        result = change(staff.find(username), "cli")
    except staff.StaffError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    return result


@users_cli.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable an account: no more sign-in, and its open sessions stop."""
    from console import staff

    _staff_change(username, lambda user, actor: staff.set_active(user, False, actor))
    click.echo(f"disabled {username}")


@users_cli.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable a disabled account again."""
    from console import staff

    _staff_change(username, lambda user, actor: staff.set_active(user, True, actor))
    click.echo(f"enabled {username}")


@users_cli.command("reset-password")
@click.argument("username")
def users_reset_password(username: str) -> None:
    """A one-time password, printed once as the last line; it must be changed at sign-in."""
    from console import staff

    password = _staff_change(username, staff.reset_password)
    click.echo(f"one-time password for {username} (shown once, must be changed at sign-in):")
    click.echo(password)


@users_cli.command("set-role")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "officer", "handler", "leader"]))
@click.option("--department", default=None, help="A department code; township_gov:<township> for a township.")
def users_set_role(username: str, role: str, department: str | None) -> None:
    """Change an account's role and unit."""
    from console import staff

    changed = _staff_change(username, lambda user, actor: staff.set_role(user, role, department, actor))
    click.echo(f"{username}: {role} {department or ''}".rstrip() if changed else "nothing changed")


@users_cli.command("list")
def users_list() -> None:
    """Every account: username, role, unit, state."""
    from console.staff import unit_code
    from models import User

    for user in db.session.execute(select(User).order_by(User.username)).scalars():
        state = "disabled" if not user.active else ("must-change-password" if user.must_change_password else "active")
        click.echo(f"{user.username}\t{user.role}\t{unit_code(user) or '-'}\t{state}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--urgent-only", is_flag=True, help="Only the urgent queue (classification, pages).")
def worker(burst: bool, urgent_only: bool) -> None:
    """An rq worker with the classifier preloaded (REDIS_URL must be set): the urgent queue
    first, then outbound sends; rq's scheduler and the sweep run inside."""
    from cases.classifier import get_classifier
    from handlers import queues
    from handlers.worker import GatewayWorker, die_with_parent

    listened = queues(current_app)[:1] if urgent_only else queues(current_app)
    if not listened:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker needed")
    get_classifier()
    click.echo(f"worker on {', '.join(q.name for q in listened)}, "
               f"model {current_app.extensions['classifier'].model_version}", err=True)
    # The scheduler runs deferred retries and the daily supervision run (each run schedules
    # the next; the job id names the day).
    from handlers.supervision import schedule_next

    click.echo(f"supervision run scheduled: {schedule_next(queues(current_app)[-1])}", err=True)
    from core.report_jobs import schedule_reports

    click.echo(f"reports run scheduled: {schedule_reports(queues(current_app)[-1])}", err=True)
    die_with_parent()
    app = current_app._get_current_object()
    GatewayWorker(listened, app, connection=listened[0].connection).work(burst=burst, with_scheduler=True)
    sys.stdout.flush()


@click.command("sweep")
@with_appcontext
def sweep() -> None:
    """Hand everything pending longer than SWEEP_GRACE_SECONDS to the jobs again: the
    spool, unprocessed messages, unclassified cases, due or lost outbound (cron, every
    minute; the worker does it by itself on rq's scheduler)."""
    from handlers.sweeper import sweep as sweep_once

    click.echo(f"swept: {sweep_once()}")


@messages_cli.command("retry-failed")
def messages_retry_failed() -> None:
    """Process again every inbound message whose processing failed; replies go out
    through the outbound queue."""
    from gateway.inbound import reprocess
    from models import Message, MessageState

    ids = db.session.execute(select(Message.id).where(Message.direction == "in",
                                                      Message.state == MessageState.FAILED)
                             .order_by(Message.id)).scalars().all()
    done = 0
    for message_id in ids:
        try:
            reprocess(message_id)
            done += 1
        except Exception as exc:  # report and go on: one bad message must not block the rest
            db.session.rollback()
            click.echo(f"message {message_id}: still failing ({exc.__class__.__name__})", err=True)
    click.echo(f"reprocessed {done} of {len(ids)} failed messages")


@supervise_cli.command("run")
def supervise_run() -> None:
    """Send today's reminders and escalations (cron, daily). Running it twice sends nothing twice."""
    from handlers.supervision import supervise_all

    counts = supervise_all()
    click.echo(f"checked {counts['cases']} cases, queued {counts['messages']} SMS to staff")
