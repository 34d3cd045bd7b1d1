"""`flask outbound …`: the outbound queue from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

outbound_cli = AppGroup("outbound", help="The outbound message queue.")


@outbound_cli.command("retry")
def outbound_retry() -> None:
    """Send every queued message that is due (run every minute when there is no Redis)."""
    from gateway.outbound import retry_due

    click.echo(f"{retry_due()} messages handed to the send job")
