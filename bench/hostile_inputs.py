"""Peak memory of a real server process while it reads hostile documents.

Starts `actionvault demo` (from this checkout, or from `--source` for another build), uploads
each hostile input, runs Quick Check's spelling and grammar on the ones that upload, and
samples the resident memory of the server process and of its children every 50 ms. A run
that passes `--stop-mb` in all or `--stop-seconds` is stopped and reported as such, so the
benchmark never takes the machine down with the server it measures.

    python bench/hostile_inputs.py
    python bench/hostile_inputs.py --source /path/to/other/checkout/src
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx

API = "/api/v26.1"
ADMIN = ("admin@actionvault.demo", "actionvault-demo")
_DOCX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOCX_TAIL = "</w:body></w:document>"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx(body_chunks: Callable[[], object]) -> bytes:
    """A minimal .docx whose document part is written chunk by chunk (never whole in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(_DOCX_HEAD.encode())
            for chunk in body_chunks():  # type: ignore[attr-defined]
                part.write(chunk)
            part.write(_DOCX_TAIL.encode())
    return buffer.getvalue()


def tiny_paragraphs(count: int) -> Callable[[], object]:
    def chunks() -> object:
        block = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 10_000
        for _ in range(count // 10_000):
            yield block

    return chunks


def whitespace(total: int) -> Callable[[], object]:
    def chunks() -> object:
        yield b'<w:p><w:r><w:t xml:space="preserve">'
        block = b" " * 2**20
        for _ in range(total // 2**20):
            yield block
        yield b"x</w:t></w:r></w:p>"

    return chunks


def inputs() -> list[tuple[str, str, bytes, bool]]:
    """(name, file name, content, run spelling and grammar on it)."""
    return [
        ("'word ' x 40,000 (200 KB text)", "w40k.txt", b"word " * 40_000, True),
        ("'word ' x 400,000 (2 MB text)", "w400k.txt", b"word " * 400_000, True),
        ("19 MB of varied text", "big.txt", varied_text(19_000_000), True),
        ("docx: 9 million tiny paragraphs", "para.docx", docx(tiny_paragraphs(9_000_000)), False),
        ("docx: 1 GB of whitespace", "space.docx", docx(whitespace(2**30)), False),
    ]


def varied_text(size: int) -> bytes:
    words = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text().split()
    out, length, index = [], 0, 0
    while length < size:
        word = words[index % len(words)]
        out.append(word)
        length += len(word) + 1
        index += 7
    return " ".join(out).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


class Run:
    def __init__(self, source: Path, data: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONVAULT_")}
        env |= {"PYTHONPATH": str(source), "ACTIONVAULT_LOG_LEVEL": "error"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "actionvault", "demo", "--port", str(self.port),
             "--data-dir", str(data)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/api", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        session = httpx.post(
            f"{self.url}{API}/auth", data={"username": ADMIN[0], "password": ADMIN[1]}
        ).json()["sessionId"]
        self.headers = {"Authorization": session}
        self.peak_server = self.peak_children = 0.0

    def sample(self) -> float:
        server = resident_mb(self.process.pid)
        engines = sum(resident_mb(c) for c in children(self.process.pid))
        self.peak_server = max(self.peak_server, server)
        self.peak_children = max(self.peak_children, engines)
        return server + engines

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def measure(run: Run, file_name: str, content: bytes, check: bool, limits: argparse.Namespace
            ) -> str:  # fmt: skip
    """What happened, sampling memory the whole time; stops the server past a limit."""
    import threading

    outcome: dict[str, str] = {}

    def work() -> None:
        try:
            body = httpx.post(
                f"{run.url}{API}/objects/documents",
                headers=run.headers,
                data={"name__v": file_name, "type__v": "promotional_piece__c"},
                files={"file": (file_name, content, "application/octet-stream")},
                timeout=limits.stop_seconds,
            ).json()
            if body["responseStatus"] != "SUCCESS":
                outcome["result"] = f"upload refused: {body['errors'][0]['message'][:90]}"
                return
            if not check:
                outcome["result"] = "uploaded"
                return
            execution = httpx.post(
                f"{run.url}{API}/services/ai/agent_actions/actions/execute",
                headers=run.headers,
                json={"agent_name": "quick_check__v", "action_name": "spelling_grammar__v",
                      "document_id": str(body["id"])},
            ).json()["actionResponse"]["executionId"]  # fmt: skip
            while True:
                state = httpx.get(
                    f"{run.url}{API}/services/ai/agent_actions/status",
                    headers=run.headers, params={"execution_id": execution}, timeout=60,
                ).json()["actionResponse"]  # fmt: skip
                if state["actionStatus"] != "IN_PROGRESS":
                    size = sum(len(o["value"]) for o in state.get("actionOutputs", []))
                    errors = state.get("errors") or [{}]
                    outcome["result"] = (
                        f"{state['actionStatus']}, output {size / 2**20:.2f} MB"
                        if state["actionStatus"] == "SUCCESS"
                        else f"{state['actionStatus']}: {errors[0].get('message', '')[:80]}"
                    )
                    return
                time.sleep(0.2)
        except Exception as exc:  # the server stopped under it
            outcome.setdefault("result", f"error: {type(exc).__name__}")

    thread = threading.Thread(target=work, daemon=True)
    started = time.monotonic()
    thread.start()
    while thread.is_alive():
        total = run.sample()
        if total > limits.stop_mb:
            run.stop()
            return f"stopped: the server passed {limits.stop_mb} MB"
        if time.monotonic() - started > limits.stop_seconds:
            run.stop()
            return f"stopped: still running after {limits.stop_seconds} s"
        time.sleep(0.05)
    return f"{outcome.get('result', '?')} in {time.monotonic() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--stop-mb", type=float, default=3000)
    parser.add_argument("--stop-seconds", type=float, default=90)
    limits = parser.parse_args()
    print(f"server from {limits.source}; each input on a fresh server; memory sampled every 50 ms")
    print(f"{'input':36} {'server peak':>12} {'engines peak':>13}  result")
    for name, file_name, content, check in inputs():
        with tempfile.TemporaryDirectory() as data:
            run = Run(limits.source, Path(data))
            try:
                result = measure(run, file_name, content, check, limits)
            finally:
                run.stop()
            print(f"{name:36} {run.peak_server:9.0f} MB {run.peak_children:10.0f} MB  {result}",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
