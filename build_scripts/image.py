"""Build Sheaf's server image with Docker where an engine runs, and buildah otherwise.

    uv run python build_scripts/image.py [--base IMAGE] [--tag REPO:TAG ...] [--push]
    uv run python build_scripts/image.py --prebuilt dist/Sheaf --publish REPO --push  # the pipeline

``--prebuilt DIR`` puts a folder build that ``build.py`` already made (on Linux, in the
Debian 11 root) into the image instead of freezing Sheaf again inside the builder: the
pipeline and CI build each binary once.

Tags the image ``sheaf:<version>`` (plus any ``--tag``), sets the OCI labels
from the project and git, passes the machine's CA bundle as the build secret
``ca`` when one exists (for TLS-inspecting proxies; it never lands in a
layer), and prints the image reference as its last line. The Jenkinsfile
calls exactly this.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts.project import ROOT, git_commit, project, source_date_epoch

BUILDAH = ["buildah", "--storage-driver", "vfs"]
DEFAULT_CA = Path("/etc/ssl/certs/ca-certificates.crt")


def docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def engine() -> str:
    if docker_available():
        return "docker"
    if shutil.which("buildah"):
        return "buildah"
    sys.exit("image.py: neither a running Docker engine nor buildah was found")


def ca_bundle() -> Path | None:
    for candidate in (os.environ.get("SSL_CERT_FILE"), DEFAULT_CA):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


PREBUILT_STAGE = ROOT / "build" / "image" / "Sheaf"  # the Dockerfile's bundle-prebuilt COPY


def stage_prebuilt(folder: Path) -> None:
    """Put the folder build where the Dockerfile's "prebuilt" stage copies it from."""
    if not (folder / project().name).is_file():
        sys.exit(f"image.py: {folder} is not a folder build (build.py --onedir makes one)")
    shutil.rmtree(PREBUILT_STAGE, ignore_errors=True)
    PREBUILT_STAGE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder, PREBUILT_STAGE, symlinks=True)


def build_args(base: str | None, prebuilt: bool = False) -> list[str]:
    p = project()
    created = dt.datetime.fromtimestamp(source_date_epoch(), dt.timezone.utc)
    args = {
        "VERSION": p.version,
        "REVISION": git_commit(),
        "CREATED": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "SOURCE": p.source,
    }
    labels = {
        "org.opencontainers.image.version": args["VERSION"],
        "org.opencontainers.image.revision": args["REVISION"],
        "org.opencontainers.image.created": args["CREATED"],
    }
    if base:
        args["BASE_IMAGE"] = base
    if prebuilt:
        args["BUNDLE"] = "prebuilt"
    # The same labels as flags too: a builder's layer cache (buildah 1.28) can reuse a
    # LABEL layer made with other build arguments, and flags always win.
    return [item for k, v in args.items() for item in ("--build-arg", f"{k}={v}")] + [
        item for k, v in labels.items() for item in ("--label", f"{k}={v}")
    ]


def publish_tags(
    repository: str, version: str, commit: str, *, branch: str | None, git_tag: str | None
) -> list[str]:
    """What a pipeline run may push: the commit always; the version only when building
    that version's tag (so a branch can never overwrite a release); ``latest`` only
    from main."""
    tags = [f"{repository}:{commit[:12]}"]
    if git_tag:
        if git_tag.removeprefix("v") != version:
            raise SystemExit(f"tag {git_tag} does not match the project version {version}")
        tags.append(f"{repository}:{version}")
    if branch == "main" and not git_tag:
        tags.append(f"{repository}:latest")
    return tags


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description="Build the Sheaf server image.")
    parser.add_argument("--base", help="base image (default: the Dockerfile's python:3.13-slim)")
    parser.add_argument(
        "--prebuilt",
        type=Path,
        metavar="DIR",
        help="use this folder build (dist/Sheaf from build.py) instead of freezing Sheaf again",
    )
    parser.add_argument("--tag", action="append", default=[], help="extra tag (repeatable)")
    parser.add_argument(
        "--publish",
        metavar="REPOSITORY",
        help="add the pipeline's tags for REPOSITORY (see publish_tags) from --commit,"
        " --branch and --git-tag",
    )
    parser.add_argument("--commit", default=os.environ.get("GIT_COMMIT", ""))
    parser.add_argument("--branch", default=os.environ.get("BRANCH_NAME") or None)
    parser.add_argument("--git-tag", default=os.environ.get("TAG_NAME") or None)
    parser.add_argument("--push", action="store_true", help="push the --tag images")
    args = parser.parse_args(argv)

    tool = engine()
    local = f"{project().slug}:{project().version}"
    if args.publish:
        if not args.commit:
            parser.error("--publish needs --commit (or GIT_COMMIT)")
        args.tag += publish_tags(
            args.publish,
            project().version,
            args.commit,
            branch=args.branch,
            git_tag=args.git_tag,
        )
    tags = [local, *args.tag]
    command = (
        ["docker", "build"]
        if tool == "docker"
        # docker format: OCI images cannot carry HEALTHCHECK
        else [*BUILDAH, "build", "--isolation", "chroot", "--layers", "--format", "docker"]
    )
    if args.prebuilt:
        stage_prebuilt(args.prebuilt.resolve())
    command += ["--file", str(ROOT / "Dockerfile"), *build_args(args.base, bool(args.prebuilt))]
    for tag in tags:
        command += ["--tag", tag]
    ca = ca_bundle()
    if ca:
        command += ["--secret", f"id=ca,src={ca}"]
    command.append(str(ROOT))
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    print("+ " + " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True, env=env)
    if args.push:
        for tag in args.tag:
            push = ["docker", "push", tag] if tool == "docker" else [*BUILDAH, "push", tag]
            subprocess.run(push, check=True)
    reference = local if tool == "docker" else f"localhost/{local}"
    print(reference)
    return reference


if __name__ == "__main__":
    main()
