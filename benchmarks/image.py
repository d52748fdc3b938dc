"""What the Docker image's installed layer holds: linkbrief's runtime dependencies, as installed here.

    python -m benchmarks.image [--top 15]

The final stage of the Dockerfile installs linkbrief's wheel and the wheels of its runtime dependencies (no
extras) from a build-time mount, so its one big layer is exactly those distributions installed into
site-packages. This walks the same dependency closure from the installed metadata of this virtual environment
(pyproject's `dependencies`, with the extras they ask for, on this platform and Python) and sums the size of
every file each distribution installed, largest first. No network and no Docker: a figure of the layer's
content, not of a built image (the python:3.11-slim base, about 130 MB, comes on top).
"""

from __future__ import annotations

import argparse
import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

MIB = 1024 * 1024


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def closure(root: str) -> dict[str, metadata.Distribution]:
    """Every distribution `root` needs at run time (no extras of its own), by normalised name."""
    found: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker-excluded or optional dependency not installed here
        found[_name(dist.metadata["Name"])] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            wanted = ["", *sorted(extras)]
            if marker is not None and not any(marker.evaluate({"extra": extra}) for extra in wanted):
                continue
            todo.append((_name(requirement.name), frozenset(requirement.extras)))
    return found


def installed_bytes(dist: metadata.Distribution) -> int:
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="largest distributions listed (default 15)")
    args = parser.parse_args()
    sizes = sorted(((installed_bytes(d), n) for n, d in closure("linkbrief").items()), reverse=True)
    total = sum(size for size, _ in sizes)
    print(f"runtime closure of linkbrief: {len(sizes)} distributions, {total / MIB:.1f} MiB installed")
    for size, name in sizes[: args.top]:
        print(f"  {name:<28} {size / MIB:7.1f} MiB")
    rest = sizes[args.top :]
    if rest:
        print(f"  {'(' + str(len(rest)) + ' more)':<28} {sum(s for s, _ in rest) / MIB:7.1f} MiB")


if __name__ == "__main__":
    main()
