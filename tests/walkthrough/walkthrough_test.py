#!/usr/bin/python3
"""Runs docs/walkthrough.md as a new user would: every ```sh and ```python
block, in order, against a fresh tessera-server (its `no-test` blocks are
what this script does itself: build, start the server, set PATH and the
token). A block that fails fails the test, with its output.

Environment (set by CTest, tests/CMakeLists.txt): TESSERA_SOURCE_DIR,
TESSERA_SERVER_BINARY, TESSERA_CLI_DIR (the directory of `tessera`),
PYTHONPATH (the Python client package).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.environ["TESSERA_SOURCE_DIR"]
BLOCK = re.compile(r"^```(\S+)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks():
    with open(os.path.join(SOURCE, "docs", "walkthrough.md"), encoding="utf-8") as page:
        text = page.read()
    for match in BLOCK.finditer(text):
        language, rest, body = match.group(1), match.group(2), match.group(3)
        if "no-test" in rest.split():
            continue
        if language in ("sh", "python"):
            yield language, body, text.count("\n", 0, match.start()) + 1


class Walkthrough(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tessera-walkthrough-")
        os.symlink(os.path.join(SOURCE, "examples"), os.path.join(self.dir, "examples"))
        out_path = os.path.join(self.dir, "server.log")
        self.out = open(out_path, "wb")
        self.server = subprocess.Popen(
            [os.environ["TESSERA_SERVER_BINARY"], "--port", "0", "--admin-port", "0", "--data-dir",
             os.path.join(self.dir, "my-venue-data"), "--token", "my-admin:admin", "--token", "my-shop:webshop"],
            stdout=self.out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        self.port = None
        while self.port is None and time.monotonic() < deadline:
            with open(out_path, encoding="utf-8", errors="replace") as log:
                found = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read())
            if found:
                self.port = found.group(1)
            elif self.server.poll() is not None:
                break
            else:
                time.sleep(0.05)
        self.assertIsNotNone(self.port, "the server did not start: " + open(out_path).read())

    def tearDown(self):
        self.server.terminate()
        self.server.wait(timeout=30)
        self.out.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_every_block_of_the_page_runs(self):
        env = dict(os.environ)
        env["PATH"] = os.environ["TESSERA_CLI_DIR"] + os.pathsep + env.get("PATH", "")
        env["TESSERA_TOKEN"] = "my-admin"
        env["TESSERA_PORT"] = self.port
        ran = []
        for language, body, line in blocks():
            if language == "sh":
                argv = ["bash", "-euo", "pipefail", "-c", body]
            else:
                argv = ["/usr/bin/python3", "-c", body]
            done = subprocess.run(argv, cwd=self.dir, env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, f"docs/walkthrough.md line {line} ({language}) failed:\n{body}\n"
                             f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
            ran.append((language, line, done.stdout))
        outputs = "\n".join(out for _, _, out in ran)
        # What the page says the reader will see.
        self.assertIn("create performance 100", outputs)
        self.assertIn("change price of tariff 1 for category 1 on every channel: 3500 cents -> 3600 cents", outputs)
        self.assertIn("stalls left on the web:", outputs)
        self.assertIn("refused:", outputs)
        self.assertGreaterEqual(len([r for r in ran if r[0] == "sh"]), 4)
        self.assertEqual(len([r for r in ran if r[0] == "python"]), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
