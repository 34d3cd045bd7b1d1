"""Command-line interface: `flask --app wsgi <group> <command>`."""
from __future__ import annotations

import json
import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from models.db import db

sms_cli = AppGroup("sms", help="Play a citizen's phone.")
nlp_cli = AppGroup("nlp", help="Classifier: evaluate and retrain.")
users_cli = AppGroup("users", help="Staff accounts.")
messages_cli = AppGroup("messages", help="Stored messages.")


def register(app: Flask) -> None:
    from api.keys import open311_cli
    from core.cli_cases import cases_cli
    from core.cli_reports import reports_cli
    from gateway.commands import outbound_cli

    for group in (sms_cli, nlp_cli, users_cli, messages_cli, outbound_cli, open311_cli, cases_cli,
                  reports_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker)


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
    records = training_records(current_app.config["LEDGER_TRAINING_WEIGHT"], current_app.config["CONFIG_DIR"])
    ledger = sum("weight" in r for r in records)
    version = train(load_seed() + records, current_app.config["MODEL_DIR"], current_app.config["CONFIG_DIR"])
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
@click.option("--role", required=True, type=click.Choice(["admin", "officer", "handler", "leader"]))
@click.option("--department", default=None, help="A department code; township_gov:<township> for a township.")
def users_create(username: str, password: str, role: str, department: str | None) -> None:
    """Create a staff account."""
    from models import User

    department, township = _scope(department)
    if role == "handler" and not department:
        raise click.ClickException("a handler needs --department")
    if db.session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise click.ClickException(f"user {username!r} exists")
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    user = User(username=username, role=role, department=department, township=township)
    user.set_password(password)
    db.session.add(user)
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

    if db.session.execute(select(User.id).limit(1)).first():
        return
    password = secrets.token_urlsafe(12)
    user = User(username="admin", role="admin")
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"First admin login (shown once): admin / {password}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """An rq worker with the classifier preloaded (REDIS_URL must be set)."""
    from rq import SimpleWorker

    from cases.classifier import get_classifier

    queue = current_app.extensions.get("rq_queue")
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker needed")
    get_classifier()
    click.echo(f"worker on {queue.name}, model {current_app.extensions['classifier'].model_version}",
               err=True)
    # The scheduler runs outbound retries that the send job deferred (enqueue_in).
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
    sys.stdout.flush()


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
