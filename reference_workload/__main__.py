"""`python -m reference_workload data|train|serve|bench|launch`: one entry point, local or in a SageMaker container.

TensorFlow and the SageMaker SDK are imported by the commands that need them,
so `launch --dry-run` starts without TensorFlow and `train` without the SDK.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

from reference_workload import contract
from reference_workload.profiles import PROFILES, Settings, resolve

MODEL_DIR = Path("/opt/ml/model")
PROCESSING_OUTPUT = Path("/opt/ml/processing/images")
DEFAULT_CONFIG = Path(__file__).parent / "guardrails.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference_workload", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="generate the synthetic property-image dataset")
    data.add_argument("--output", type=Path, default=PROCESSING_OUTPUT,
                      help="(default: the pipeline's ProcessingOutput)")
    data.add_argument("--images", type=int, default=PROFILES["full"].images)
    data.add_argument("--seed", type=int, default=PROFILES["full"].seed)

    train = commands.add_parser("train", help="train the cascade (SageMaker Script Mode contract)")
    train.add_argument("--profile", choices=sorted(PROFILES), help="(default: SM_HPS profile, else ci)")
    train.add_argument("--output", type=Path, help="the model directory (default: SM_MODEL_DIR)")
    train.add_argument("--data", type=Path, help="a dataset directory (default: SM_CHANNEL_TRAIN, else generated)")
    train.add_argument("--checkpoint-dir", type=Path,
                       help=f"(default: {contract.CHECKPOINTS} in a training job, else OUTPUT/checkpoints)")
    train.add_argument("--base-weights", type=Path, help="start the backbone from this .weights.h5 or .keras file")
    train.add_argument("--worker-port", type=int, help=f"multi-worker port per host (default {contract.WORKER_PORT})")
    for name in ("images", "orientation_epochs", "labels", "epochs", "batch_size", "seed"):
        train.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int)
    train.add_argument("--compare", help="label budgets to compare transfer with training from scratch, e.g. 200,1000")

    serve = commands.add_parser("serve", help="serve /ping and /invocations (SageMaker hosting contract)")
    serve.add_argument("--model-dir", type=Path, default=Path(os.environ.get("SM_MODEL_DIR", MODEL_DIR)))
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8080)

    bench = commands.add_parser("bench", help="measure cascade inference in-process and over HTTP")
    bench.add_argument("--model-dir", type=Path, required=True)
    bench.add_argument("--images", type=int, default=1024)
    bench.add_argument("--batch", type=int, default=64)

    launch = commands.add_parser("launch", help="launch training and hosting on SageMaker through the guardrails")
    launch.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    launch.add_argument("--dry-run", action="store_true", help="build, judge and print every request; send none")
    launch.add_argument("--insecure", action="store_true",
                        help="drop inter-container encryption, to watch the enforcer block the job")
    launch.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    launch.add_argument("--audit-log", type=Path, help="append the enforcer's decisions to this JSON-lines file")
    launch.add_argument("--upload", type=Path, help="upload this dataset directory to the training channel first")
    launch.add_argument("--no-wait", dest="wait", action="store_false",
                        help="create the model without waiting for the training job to finish")

    args = parser.parse_args(argv)
    return {"data": _data, "train": _train, "serve": _serve, "bench": _bench, "launch": _launch}[args.command](args)


def _data(args: argparse.Namespace) -> int:
    from reference_workload.dataset import generate
    from reference_workload.render import IMAGE_SIZE

    manifest = generate(args.output, args.images, args.seed, IMAGE_SIZE)
    print(f"images={len(manifest['records'])} digest={manifest['digest']} output={args.output}")
    return 0


def _train(args: argparse.Namespace) -> int:
    hps = contract.hyperparameters()
    cli = {k: str(v) for k, v in vars(args).items() if v is not None}
    settings = resolve(cli.get("profile") or hps.get("profile") or "ci", {**hps, **cli})
    output = args.output or _path(hps.get("output")) or _path(os.environ.get("SM_MODEL_DIR"))
    if output is None:
        print("train: give --output DIR (or run where SM_MODEL_DIR is set)", file=sys.stderr)
        return 2
    checkpoints = (args.checkpoint_dir or _path(hps.get("checkpoint_dir"))
                   or (contract.CHECKPOINTS if contract.in_training_job() else output / "checkpoints"))
    base_weights = args.base_weights or _path(hps.get("base_weights"))
    port = args.worker_port or int(hps.get("worker_port", contract.WORKER_PORT))
    job = contract.training_job_name() or f"local-{settings.profile}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
    data = args.data or _path(hps.get("data")) or contract.channel("train")
    with tempfile.TemporaryDirectory(prefix="reference-workload-data-") as scratch:
        if data is None:
            data = Path(scratch)
            _generate(settings, data)
        from reference_workload.training import run

        metrics = run(settings, data, output, checkpoints, base_weights, job, worker_port=port)
    if metrics is not None and os.environ.get("SM_OUTPUT_DATA_DIR"):
        shutil.copyfile(output / "metrics.json", Path(os.environ["SM_OUTPUT_DATA_DIR"]) / "metrics.json")
    return 0


def _generate(settings: Settings, root: Path) -> None:
    from reference_workload.dataset import generate
    from reference_workload.render import IMAGE_SIZE

    manifest = generate(root, settings.images, settings.seed, IMAGE_SIZE)
    print(f"generated images={settings.images} seed={settings.seed} digest={manifest['digest']}", flush=True)


def _serve(args: argparse.Namespace) -> int:
    from reference_workload.serve import serve_forever

    serve_forever(args.model_dir, args.host, args.port)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from reference_workload.bench import main as bench

    return bench(args.model_dir, args.images, args.batch)


def _launch(args: argparse.Namespace) -> int:
    from reference_workload.launch import main as launch

    return launch(args.config, region=args.region, dry_run=args.dry_run, insecure=args.insecure,
                  audit_log=args.audit_log, upload=args.upload, wait=args.wait)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
