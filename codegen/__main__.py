"""``python -m codegen``: regenerate, check, or generate a client for any JSON-protocol model."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .changes import Change, compare, fails, to_json, to_markdown
from .errors import CodegenError
from .generate import TARGETS, refresh_from_botocore, render_target, stale, write
from .loader import load_service, model_file
from .model import Service


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when committed output is stale")
    parser.add_argument("--model", type=Path, help="a botocore service-2.json to generate from")
    parser.add_argument("--out", type=Path, help="package directory to write (with --model)")
    parser.add_argument(
        "--service-name", help="botocore's name for the service (default: from the path)"
    )
    parser.add_argument(
        "--from-botocore",
        action="store_true",
        help="refresh service-models/ from the installed botocore, regenerate, and report the "
        "API change (also written to service-models/<service>/<version>/CHANGES.md)",
    )
    parser.add_argument(
        "--diff",
        nargs=2,
        type=Path,
        metavar=("OLD", "NEW"),
        help="report the API change between two models (service-2.json paths or directories)",
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "risky"),
        help="exit 1 when a change of this severity or worse is present",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out is not None and args.model is None:
        parser.error("--out needs --model (without it, sm_typed itself is regenerated)")
    try:
        if args.diff is not None:
            old, new = (model_file(p) for p in args.diff)
            before = load_service(old, args.service_name)
            after = load_service(new, args.service_name)
            package = args.out.name if args.out is not None else TARGETS[0].package
            changes = compare(before, after, package)
            title = f"{_label(before, old)} -> {_label(after, new)}"
            sys.stdout.write(
                to_json(changes) if args.format == "json" else to_markdown(changes, title)
            )
            return 1 if fails(changes, args.fail_on) else 0
        reports: list[list[Change]] = []
        if args.from_botocore:
            for target in TARGETS:
                before_refresh = load_service(target.model) if target.model.exists() else None
                was = before_refresh.botocore_version if before_refresh is not None else None
                for line in refresh_from_botocore(target, was):
                    print(line)
                if before_refresh is not None:
                    after_refresh = load_service(target.model)
                    changes = compare(before_refresh, after_refresh, target.package)
                    title = (
                        f"{after_refresh.service_name} botocore {before_refresh.botocore_version} "
                        f"-> {after_refresh.botocore_version}"
                    )
                    report = to_markdown(changes, title)
                    (target.model.parent / "CHANGES.md").write_text(report, encoding="utf-8")
                    sys.stdout.write(to_json(changes) if args.format == "json" else report)
                    reports.append(changes)
        if args.model is not None:
            if args.out is None:
                parser.error("--model needs --out")
            service, files = render_target(args.model, args.out.name, args.service_name)
            _report_skipped(service.skipped_operations)
            if args.check:
                return _report(stale(files, args.out))
            write(files, args.out)
            print(f"wrote {args.out} ({len(files)} modules)")
            return 0
        problems: list[str] = []
        for target in TARGETS:
            service, files = render_target(target.model, target.package)
            _report_skipped(service.skipped_operations)
            if args.check:
                problems += stale(files, target.out)
            else:
                changed = write(files, target.out)
                print(
                    f"{target.package}: {len(service.operations)} operations, "
                    f"{sum(s.type == 'structure' for s in service.shapes.values())} structures; "
                    f"{len(changed)} file(s) changed in {time.perf_counter() - started:.2f}s"
                )
        if args.check:
            return _report(problems)
        return 1 if any(fails(r, args.fail_on) for r in reports) else 0
    except CodegenError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 2


def _label(service: Service, path: Path) -> str:
    version = f" (botocore {service.botocore_version})" if service.botocore_version else ""
    return f"{path}{version}"


def _report_skipped(operations: tuple[str, ...]) -> None:
    if operations:
        print(
            f"skipped (event streams are not supported): {', '.join(operations)}", file=sys.stderr
        )


def _report(problems: list[str]) -> int:
    if problems:
        print("generated code is stale; run `python -m codegen`:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("generated code is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
