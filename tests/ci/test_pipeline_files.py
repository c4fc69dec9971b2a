"""The Jenkinsfile, the Dockerfile and the deployment files, checked without running them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from support import REPO

JENKINSFILE = REPO / "Jenkinsfile"


def _java_home() -> str | None:
    java = shutil.which("java")
    if Path("/usr/lib/jvm/default-java/bin/java").exists() or not java:
        return None
    return str(Path(os.path.realpath(java)).parent.parent)


def test_jenkinsfile_parses_as_groovy(tmp_path: Path):
    script = tmp_path / "parse.groovy"
    script.write_text('new GroovyShell().parse(new File(args[0])); println "parsed"\n')
    env = dict(os.environ)
    home = _java_home()
    if home:
        env["JAVA_HOME"] = home
    result = subprocess.run(
        ["groovy", str(script), str(JENKINSFILE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "parsed" in result.stdout


def test_a_broken_jenkinsfile_would_fail_the_parse(tmp_path: Path):
    broken = tmp_path / "Jenkinsfile"
    broken.write_text(JENKINSFILE.read_text().replace("stages {", "stages {{", 1))
    script = tmp_path / "parse.groovy"
    script.write_text("new GroovyShell().parse(new File(args[0]))\n")
    env = dict(os.environ)
    home = _java_home()
    if home:
        env["JAVA_HOME"] = home
    result = subprocess.run(
        ["groovy", str(script), str(broken)], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode != 0


def test_jenkinsfile_structure():
    text = JENKINSFILE.read_text()
    for option in ("timeout(", "timestamps()", "buildDiscarder("):
        assert option in text
    stages = re.findall(r"stage\('([^']+)'\)", text)
    assert stages == [
        "Lint",
        "Build executables",
        "Build",
        "Smoke test",
        "Installer",
        "Test",
        "Docker image",
        "Release",
    ]
    assert "run('uv run python build_scripts/lint.py')" in text  # the lint .ci/run runs
    assert "uv run python build_scripts/lint.py" in (REPO / ".ci" / "run").read_text()
    # The tests reuse the Linux executable the matrix built.
    assert "unstash 'dist-linux'" in text and "SHEAF_BINARY=" in text
    assert re.search(r"axis\s*{\s*name 'PLATFORM'\s*values 'linux', 'macos', 'windows'", text)
    assert 'agent { label "${PLATFORM}" }' in text
    assert "isUnix()" in text
    assert "junit" in text and "archiveArtifacts" in text and "fingerprint: true" in text
    assert "when { buildingTag() }" in text
    assert "docker.withRegistry" in text
    for variable in (
        "CODING_DOCKER_REG_HOST",
        "CODING_ARTIFACTS_CREDENTIALS_ID",
        "DOCKER_IMAGE_NAME",
    ):
        assert variable in text
    assert "image.py --publish" in text  # tags decided by publish_tags, tested below
    assert "run('uv run python build_scripts/installer.py')" in text
    assert "not { changeRequest() }" in text  # pull requests push nothing


def test_image_tags_by_what_is_built():
    import sys

    sys.path.insert(0, str(REPO / "build_scripts"))
    from image import publish_tags

    commit = "0123456789abcdef0123"
    branch = publish_tags("reg/sheaf", "1.2.0", commit, branch="feature", git_tag=None)
    assert branch == ["reg/sheaf:0123456789ab"]  # never the version, never latest
    main = publish_tags("reg/sheaf", "1.2.0", commit, branch="main", git_tag=None)
    assert main == ["reg/sheaf:0123456789ab", "reg/sheaf:latest"]
    tag = publish_tags("reg/sheaf", "1.2.0", commit, branch=None, git_tag="v1.2.0")
    assert tag == ["reg/sheaf:0123456789ab", "reg/sheaf:1.2.0"]
    with pytest.raises(SystemExit, match="does not match"):
        publish_tags("reg/sheaf", "1.2.0", commit, branch=None, git_tag="v9.9.9")


def test_no_registry_host_is_written_into_the_build_scripts():
    for script in (REPO / "build_scripts").glob("*.py"):
        assert "deb.debian.org" not in script.read_text(), script


def test_every_command_the_pipeline_runs_exists():
    text = JENKINSFILE.read_text()
    commands = re.findall(r"run\(['\"]([^'\"]+)['\"]\)", text)
    assert commands
    readme = (REPO / "README.rst").read_text()
    for command in commands:
        words = command.split()
        assert words[:2] == ["uv", "run"], command
        if words[2] == "python":
            script = REPO / words[3]
            assert script.is_file(), command
            assert script.parent.name == "build_scripts", command
        else:
            assert command.startswith("uv run pytest") and "uv run pytest" in readme


def test_dockerfile_is_hadolint_clean():
    result = subprocess.run(
        [shutil.which("hadolint") or "hadolint", str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_catch_problems(tmp_path: Path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian\nRUN apt-get install curl\n")
    result = subprocess.run(
        [shutil.which("hadolint") or "hadolint", str(bad)], capture_output=True, text=True
    )
    assert result.returncode != 0


def _manifests() -> list[dict]:
    docs = []
    for path in sorted((REPO / "deploy" / "kubernetes").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_kubernetes_manifests_validate(tmp_path: Path):
    files = sorted((REPO / "deploy" / "kubernetes").glob("*.yaml"))
    result = subprocess.run(
        [
            shutil.which("kubernetes-validate") or "kubernetes-validate",
            "--strict",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deployment_is_locked_down_and_probed():
    from project_version import version

    deployment = next(d for d in _manifests() if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    # Probes on the health port (its own thread), readiness drops at a stop.
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "health"}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SHEAF_HEALTH_PORT"] == "8081"
    assert pod["enableServiceLinks"] is False  # no SHEAF_PORT=tcp://... from a Service
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > pause + 8  # preStop + drain timeout
    # The memory limit covers the process and every thread's budget.
    limit_mb = int(container["resources"]["limits"]["memory"].removesuffix("Mi"))
    assert limit_mb >= 60 + int(env["SHEAF_THREADS"]) * int(env["SHEAF_MEMORY_BUDGET_MB"])
    assert {"requests", "limits"} <= set(container["resources"])
    tmp = next(m for m in container["volumeMounts"] if m["mountPath"] == "/tmp")
    volume = next(v for v in pod["volumes"] if v["name"] == tmp["name"])
    assert "emptyDir" in volume
    assert container["image"].endswith(f":{version()}")  # bump with pyproject
    kinds = {d["kind"] for d in _manifests()}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler"} <= kinds


def test_compose_example():
    from project_version import version

    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yml").read_text())
    service = compose["services"]["sheaf"]
    assert service["read_only"] is True
    assert any(t.startswith("/tmp") for t in service["tmpfs"])
    assert service["image"] == f"sheaf:{version()}"
    assert service["environment"]["SHEAF_PASSWORD_FILE"].startswith("/run/secrets/")
    # nginx in front buffers requests; Sheaf trusts exactly its address.
    proxy = compose["services"]["proxy"]
    proxy_ip = proxy["networks"]["sheaf"]["ipv4_address"]
    assert service["environment"]["SHEAF_TRUSTED_PROXY"] == proxy_ip
    nginx = compose["configs"]["nginx"]["content"]
    assert "proxy_request_buffering on" in nginx
    assert f"{service['environment']['SHEAF_MAX_UPLOAD_MB']}m" in nginx
    assert "ports" not in service  # only through the proxy


def test_sso_compose_example_trusts_only_the_sign_in_proxy():
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.sso.yml").read_text())
    sheaf, proxy = compose["services"]["sheaf"], compose["services"]["oauth2-proxy"]
    env = sheaf["environment"]
    assert env["SHEAF_AUTH_HEADER"] == "X-Forwarded-User"
    assert env["SHEAF_TRUSTED_PROXY"] == proxy["networks"]["sheaf"]["ipv4_address"]
    assert "ports" not in sheaf


@pytest.mark.parametrize("path", ["Dockerfile", ".dockerignore"])
def test_docker_files_exist(path):
    assert (REPO / path).is_file()
