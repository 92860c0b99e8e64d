"""The `roofline` command: the site (`setup`, `serve`, `worker`, `manage`) and one sub-command per tool."""

import os
import sys

import typer
from rich.console import Console

import roofline
from roofline.commands.attention import attention
from roofline.commands.bench import bench_app
from roofline.commands.card import card_app
from roofline.commands.evals import app as eval_app
from roofline.commands.throughput import throughput
from roofline.commands.vram import vram

app = typer.Typer(
    name="roofline",
    help="Roofline: tools and a community site for AI-infrastructure engineers.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(stderr=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roofline.web.settings")
    import django

    django.setup()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"roofline {roofline.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Roofline: tools and a community site for AI-infrastructure engineers."""


@app.command()
def setup(demo: bool = typer.Option(True, help="Load the demo articles into a site that has none.")) -> None:
    """Prepare the site: apply migrations, collect static files, load demo content. Safe to run again."""
    _setup_django()
    from django.core.management import call_command

    with console.status("Applying database migrations"):
        call_command("migrate", interactive=False, verbosity=0)
    with console.status("Collecting static files"):
        call_command("collectstatic", interactive=False, verbosity=0)
    if demo:
        call_command("load_demo_content")
    from django.conf import settings

    console.print(f"[green]Ready.[/] Data in {settings.ROOFLINE_HOME}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    worker: bool = typer.Option(True, help="Also start a job worker as a child process."),
) -> None:
    """Serve the site (ASGI: pages, API and WebSockets), with a job worker unless --no-worker."""
    _setup_django()
    import uvicorn

    from roofline.web.jobs.supervisor import WorkerSupervisor

    supervisor = WorkerSupervisor() if worker else None
    if supervisor:
        supervisor.start()
    console.print(f"Roofline {roofline.__version__} at [bold]http://{host}:{port}/[/]")
    try:
        uvicorn.run("roofline.web.asgi:application", host=host, port=port, log_level="info", lifespan="off")
    finally:
        if supervisor:
            supervisor.stop()


@app.command()
def worker(
    burst: bool = typer.Option(False, "--burst", help="Run the jobs already queued, then exit."),
    queue: str = typer.Option(
        "default", help="The queue to serve: 'default', or ROOFLINE_GPU_QUEUE's name on a machine with a GPU."
    ),
) -> None:
    """Run jobs from the queue (the database queue by default, RQ when ROOFLINE_JOB_QUEUE=rq)."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from roofline.kernels import enable_triton_interpreter_without_gpu
    from roofline.web.jobs.supervisor import start_worker_housekeeping

    if queue not in settings.JOB_QUEUES:
        console.print(f"[red]error:[/] no queue {queue!r}; configured: {', '.join(settings.JOB_QUEUES)}")
        raise typer.Exit(2)
    enable_triton_interpreter_without_gpu()  # before any job's imports load triton
    start_worker_housekeeping()
    if settings.ROOFLINE_JOB_QUEUE == "rq":
        call_command("rqworker", queue, job_class="django_tasks_rq.Job", burst=burst)
    else:
        call_command("db_worker", queue_name=queue, interval=0 if burst else 0.5, batch=burst, startup_delay=False)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `roofline manage create_local_member alice`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roofline.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["roofline manage", *ctx.args])


app.command(name="throughput")(throughput)
app.command(name="attention")(attention)
app.add_typer(card_app, name="card")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")
app.command(name="vram")(vram)


if __name__ == "__main__":
    sys.exit(app())
