"""Smoke-test a built Sheaf artifact the way a person would use it, on any OS:

    uv run python build_scripts/smoke_test.py dist/Sheaf-<version>-<os>-<arch>[.exe|.zip]
    uv run python build_scripts/smoke_test.py dist     # the one build.py just made

Starts it with ``--no-browser`` and a temporary data folder, reads the URL
line, checks /healthz, rotates a real PDF through the API with the token,
quits through the Quit button's endpoint (CSRF and all), and checks the exit
code and that nothing (no ``_MEI`` or ``sheaf-unpack-`` folder) is left in the temp folder.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pikepdf
import requests

DEADLINE = 90.0
URL_LINE = re.compile(r"Sheaf is running at (\S+)")


class SmokeFailure(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def executable(artifact: Path, scratch: Path) -> Path:
    """The program to run: the artifact itself, or the app inside a macOS zip."""
    if artifact.suffix != ".zip":
        return artifact
    with zipfile.ZipFile(artifact) as z:
        z.extractall(scratch / "unzipped")
    app = next((scratch / "unzipped").glob("*.app"))
    binary = app / "Contents" / "MacOS" / app.stem
    for path in (app / "Contents" / "MacOS").iterdir():
        path.chmod(0o755)
    return binary


def sample_pdf() -> bytes:
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def run(artifact: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sheaf-smoke-") as tmp:
        scratch = Path(tmp)
        extract_tmp = scratch / "tmp"
        extract_tmp.mkdir()
        program = executable(artifact, scratch)
        env = {
            **os.environ,
            "TMPDIR": str(extract_tmp),
            "TEMP": str(extract_tmp),
            "TMP": str(extract_tmp),
        }
        env.pop("SHEAF_DATA_DIR", None)
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(program), "--no-browser", "--data-dir", str(scratch / "data")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        lines: list[str] = []
        found = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip())
                if URL_LINE.search(line):
                    found.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            check(found.wait(DEADLINE), "no 'Sheaf is running at' line:\n" + "\n".join(lines))
            url = next(m.group(1) for line in lines if (m := URL_LINE.search(line)))
            parts = urlsplit(url)
            base = f"{parts.scheme}://{parts.netloc}"
            token = parse_qs(parts.query)["token"][0]
            print(f"started in {time.monotonic() - started:.1f} s at {base}")

            health = requests.get(base + "/healthz", timeout=10)
            check(health.status_code == 200 and health.json()["status"] == "ok", "healthz failed")

            r = requests.post(
                base + "/api/v1/rotate",
                headers={"Authorization": f"Bearer {token}"},
                files=[("file", ("smoke.pdf", sample_pdf(), "application/pdf"))],
                data={"angle": "90", "pages": "2"},
                timeout=60,
            )
            check(r.status_code == 200, f"rotate failed: {r.status_code} {r.text[:300]}")
            with pikepdf.open(io.BytesIO(r.content)) as out:
                turns = [int(p.obj.get("/Rotate", 0)) for p in out.pages]
            check(turns == [0, 90, 0], f"rotation not applied: {turns}")
            print("PDF operation: rotate OK")

            session = requests.Session()
            session.get(url, timeout=10).raise_for_status()  # token -> cookie
            home = session.get(base + "/", timeout=10)
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', home.text)
            if csrf is None:
                raise SmokeFailure("no CSRF token on the home page")
            quit_ = session.post(
                base + "/quit",
                headers={"X-CSRF-Token": csrf.group(1), "Origin": base},
                timeout=10,
            )
            check(quit_.status_code == 200, f"quit failed: {quit_.status_code}")
            code = proc.wait(timeout=30)
            check(code == 0, f"exit code {code}")
            print("quit: exit code 0")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            reader.join(timeout=5)
        # PyInstaller's _MEI folder, the Linux start program's sheaf-unpack-: nothing stays.
        left = [p.name for p in extract_tmp.iterdir()]
        check(not left, f"left behind in the temporary folder: {left}")
        print("temp folder: nothing left behind")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    artifact = Path(sys.argv[1]).resolve()
    if artifact.is_dir():  # a dist/ folder: the artifact build.py wrote there
        import json

        artifact = artifact / json.loads((artifact / "build-info.json").read_text())["artifact"]
    try:
        run(artifact)
    except SmokeFailure as exc:
        print(f"SMOKE TEST FAILED: {exc}")
        return 1
    print(f"smoke test passed: {artifact.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
