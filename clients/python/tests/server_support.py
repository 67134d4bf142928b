"""tessera-server as a child process for the Python client's tests.

Started on free ports (--port 0) with a temporary data directory and one
token per role, its protocol port read from its first line of output,
killed at the end. TESSERA_SERVER_BINARY names the executable (set by
CTest, clients/python/CMakeLists.txt).
"""

import os
import re
import shutil
import subprocess
import tempfile
import time

ADMIN_TOKEN = "py-admin-token"
BACKOFFICE_TOKEN = "py-backoffice-token"
WEBSHOP_TOKEN = "py-webshop-token"
START_TIMEOUT_S = 30

DAY_MS = 86_400_000
BOX_OFFICE, WEB = 1, 2  # sales channels of the test venue


def now_ms():
    return int(time.time() * 1000)


class ServerProcess:
    """A running tessera-server (2 shards, durability async)."""

    def __init__(self, tls=False, extra_flags=()):
        self.dir = tempfile.mkdtemp(prefix="tessera-py-")
        self.ca_file = None
        argv = [os.environ["TESSERA_SERVER_BINARY"], "--port", "0", "--admin-port", "0", "--listen", "127.0.0.1",
                "--shards", "2", "--data-dir", os.path.join(self.dir, "data"), "--durability", "async",
                "--orders-reserved-per-shard", "0",
                "--token", f"{ADMIN_TOKEN}:admin", "--token", f"{BACKOFFICE_TOKEN}:backoffice",
                "--token", f"{WEBSHOP_TOKEN}:webshop", *extra_flags]
        if tls:
            self.ca_file = os.path.join(self.dir, "cert.pem")
            key_file = os.path.join(self.dir, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", key_file, "-out", self.ca_file, "-days", "2", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                           check=True, capture_output=True)
            argv += ["--tls-cert-file", self.ca_file, "--tls-key-file", key_file]
        self.out_path = os.path.join(self.dir, "stdout.log")
        with open(self.out_path, "wb") as out, open(os.path.join(self.dir, "stderr.log"), "wb") as err:
            self.process = subprocess.Popen(argv, stdout=out, stderr=err)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            with open(self.out_path, encoding="utf-8", errors="replace") as out:
                match = re.search(r"listening on 127\.0\.0\.1:(\d+)", out.read())
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"tessera-server did not start: {self.log()}")

    def log(self):
        with open(os.path.join(self.dir, "stderr.log"), encoding="utf-8", errors="replace") as err:
            return err.read()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def define_catalog(admin):
    """Season 1, family 1, product 1 (options live 7 days by default),
    channels 1 (box office) and 2 (web), category 1, tariff 1 at 50.00."""
    from tessera import BookingKind, command
    results = admin.request([
        command("DefineSeason", season=1, name="Saison 2026-2027"),
        command("DefineProductFamily", family=1, name="Théâtre"),
        command("DefineProduct", product=1, season=1, family=1, name="Le Misanthrope"),
        command("DefineChannel", channel=BOX_OFFICE, name="Guichet"),
        command("DefineChannel", channel=WEB, name="Internet"),
        command("DefineCategory", category=1, name="Catégorie 1"),
        command("DefineTariff", tariff=1, product=1, name="Plein tarif"),
        command("SetTariffPrice", tariff=1, category=1, channel=0, price_cents=5000),
        command("SetOptionLifetime", product=1, channel=0, kind=BookingKind.Option, lifetime_ms=7 * DAY_MS),
    ])
    for result in results:
        if isinstance(result, Exception):
            raise result


def define_performance(admin, performance, capacity):
    """Performance `performance` of product 1 in 30 days, `capacity` units of category 1."""
    admin.define_performance(performance=performance, product=1, starts_at_ms=now_ms() + 30 * DAY_MS,
                             capacity=capacity, contact_limit=0)
    admin.set_general_admission(performance=performance, category=1, capacity=capacity)


def line(performance, quantity=1):
    return {"performance": performance, "category": 1, "tariff": 1, "quantity": quantity}
