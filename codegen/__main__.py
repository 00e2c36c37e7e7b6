"""``python -m codegen``: regenerate, check, or generate a client for any JSON-protocol model."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import CodegenError
from .generate import TARGETS, refresh_from_botocore, render_target, stale, write


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
        help="refresh service-models/ from the installed botocore",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.from_botocore:
            for target in TARGETS:
                for line in refresh_from_botocore(target):
                    print(line)
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
        return 0
    except CodegenError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 2


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
