"""``flask --app engage ...`` commands."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import Flask

from engage.auth import services as auth_services
from engage.auth.passwords import WeakPassword
from engage.auth.roles import Role
from engage.db import get_engine, new_session
from engage.errors import EngageError


def register_cli(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Bring the database schema up to date (Alembic upgrade to head)."""
        from engage.migrate import upgrade

        upgrade(get_engine())
        click.echo("Database is up to date.")

    @app.cli.command("starter-translations-source")
    def starter_source_command() -> None:
        """Rewrite starters/translations/source.json: every starter string, for translators."""
        from engage.surveys.starter_translations import write_source_catalogue

        path = write_source_catalogue()
        click.echo(f"Wrote {path}")

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", default="Administrator", show_default=True)
    @click.password_option(help="At least 12 characters and hard to guess.")
    def create_admin(email: str, name: str, password: str) -> None:
        """Create an administrator account."""
        _create(email, name, password, Role.ADMIN)

    @app.cli.command("create-user")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.OFFICER.value)
    @click.password_option()
    def create_user(email: str, name: str, role: str, password: str) -> None:
        """Create an officer account with a given role."""
        _create(email, name, password, Role(role))

    @app.cli.command("demo")
    @click.option("--responses", default=400, show_default=True, help="Sample responses to create.")
    @click.option("--seed", default=2021, show_default=True)
    def demo_command(responses: int, seed: int) -> None:
        """Seed a demo partnership: officer login, three surveys, channels and sample responses."""
        from engage import demo

        session = new_session(immediate=True)
        try:
            seeded = demo.seed(
                session,
                secret_key=app.config["SECRET_KEY"],
                threshold=app.config["SUPPRESSION_THRESHOLD"],
                min_group=app.config["ASSEMBLY_MIN_GROUP"],
                responses=responses,
                seed=seed,
            )
            session.commit()
        finally:
            session.close()
        click.echo(seeded.summary())

    @app.cli.command("import-population")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--name", required=True, help='e.g. "Dudley wards 2024".')
    @click.option("--source", default="", help="Where the figures come from and their licence.")
    @click.option("--replace", is_flag=True, help="Replace a baseline of the same name.")
    def import_population_command(file: Path, name: str, source: str, replace: bool) -> None:
        """Import a population baseline from a tidy CSV (area_code, dimension, category, count)."""
        _import_population(file, name, source, replace)

    @app.cli.command("code-answers")
    @click.option("--survey", "survey_id", type=int, help="Only this survey (default: all).")
    @click.option("--again", is_flag=True, help="Redo every suggestion, not just missing ones.")
    @click.option("--train", is_flag=True, help="Train the model on people's codes first.")
    def code_answers_command(survey_id: int | None, again: bool, train: bool) -> None:
        """Suggest theme codes for free-text answers (seed terms and the trained model)."""
        _code_answers(survey_id, again, train)

    @app.cli.command("purge")
    @click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
    def purge_command(dry_run: bool) -> None:
        """Apply each survey's retention rule (today's UTC date): remove free text or responses."""
        _purge(dry_run)


def _code_answers(survey_id: int | None, again: bool, train: bool) -> None:
    from sqlalchemy import select

    from engage.surveys.models import Survey
    from engage.themes import model as theme_model
    from engage.themes.answers import text_questions

    session = new_session(immediate=True)
    try:
        if train:
            try:
                trained = theme_model.train(session, created_by_id=None)
                click.echo(f"Trained model {trained.version} on {trained.trained_on:,} answers.")
            except theme_model.NotEnoughCodes:
                click.echo(
                    f"Not enough confirmed codes to train (a theme needs "
                    f"{theme_model.MIN_POSITIVES}); using the existing suggestions.",
                    err=True,
                )
        query = select(Survey).order_by(Survey.id)
        if survey_id is not None:
            query = query.where(Survey.id == survey_id)
        surveys = list(session.scalars(query))
        if survey_id is not None and not surveys:
            click.echo(f"There is no survey {survey_id}.", err=True)
            sys.exit(2)
        total = 0
        for survey in surveys:
            for question in text_questions(survey):
                done = theme_model.refresh_suggestions(session, question, force=again)
                total += done
                while done >= theme_model.REFRESH_BATCH:  # a request does one batch; here, all
                    done = theme_model.refresh_suggestions(session, question)
                    total += done
        session.commit()
    finally:
        session.close()
    click.echo(f"Suggested codes for {_plural(total, 'answer')}.")


def _purge(dry_run: bool) -> None:
    from engage.surveys import retention
    from engage.surveys import services as survey_services

    session = new_session(immediate=not dry_run)
    try:
        report = retention.purge(session, today=survey_services.today(), dry_run=dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()  # one transaction: every survey's purge and its audit event
    finally:
        session.close()
    if report.nothing:
        click.echo("Nothing to purge.")
        return
    removed, deleted = ("would remove", "would delete") if dry_run else ("removed", "deleted")
    for s in report.surveys:
        click.echo(
            f"Survey {s.survey_id} '{s.title}': {removed} free text from "
            f"{_plural(s.answers_anonymised, 'answer')} in "
            f"{_plural(s.responses_anonymised, 'response')}; "
            f"{deleted} {_plural(s.responses_deleted, 'response')}"
        )
    if dry_run:
        click.echo("Dry run: nothing was changed.")


def _import_population(file: Path, name: str, source: str, replace: bool) -> None:
    from engage.population import services as population

    session = new_session(immediate=True)
    try:
        result = population.import_population_summary(
            session, file, name=name, source_note=source, replace=replace
        )
        session.commit()
    except population.PopulationFileError as exc:
        session.rollback()
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(
            f"Nothing was imported ({_plural(len(exc.problems), 'problem')}; "
            "rows are counted from the first row after the header).",
            err=True,
        )
        sys.exit(2)
    except population.BaselineExists as exc:
        session.rollback()
        click.echo(f"{exc.message} Use --replace to replace it. Nothing was imported.", err=True)
        sys.exit(2)
    except EngageError as exc:
        session.rollback()
        click.echo(f"{exc.message} Nothing was imported.", err=True)
        sys.exit(2)
    finally:
        session.close()
    verb = "Replaced" if result.replaced else "Imported"
    click.echo(
        f"{verb} population baseline '{result.baseline.name}': "
        f"{_plural(result.rows, 'row')}, {_plural(result.areas, 'area')}, "
        f"{_plural(len(result.dimensions), 'dimension')} ({', '.join(result.dimensions)})."
    )


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _create(email: str, name: str, password: str, role: Role) -> None:
    session = new_session(immediate=True)
    try:
        user = auth_services.create_user(
            session, email=email, name=name, password=password, role=role
        )
        session.commit()
    except WeakPassword as exc:
        click.echo(f"Password refused: {exc}", err=True)
        sys.exit(2)
    except EngageError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)
    finally:
        session.close()
    click.echo(f"Created {role.label.lower()} {user.email}.")


def random_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))
