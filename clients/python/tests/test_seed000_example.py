"""examples/seed000_flow.py runs seed 000's flow end to end against a fresh
server and finishes without error."""

import os
import subprocess
import sys
import unittest

from server_support import ADMIN_TOKEN, BACKOFFICE_TOKEN, WEBSHOP_TOKEN, ServerProcess


class Seed000Example(unittest.TestCase):
    def test_the_example_runs_the_flow_end_to_end(self):
        server = ServerProcess()
        try:
            script = os.path.join(os.environ["TESSERA_EXAMPLES_DIR"], "seed000_flow.py")
            run = subprocess.run([sys.executable, script, "--port", str(server.port), "--admin-token", ADMIN_TOKEN,
                                  "--backoffice-token", BACKOFFICE_TOKEN, "--webshop-token", WEBSHOP_TOKEN],
                                 capture_output=True, text=True, timeout=60)
            print(run.stdout)
            self.assertEqual(run.returncode, 0, run.stderr + server.log())
            self.assertIn("BOSCHE Lennart (100000002951)", run.stdout)
            self.assertIn("released 1 orders (1 places), kept 1, locked 1", run.stdout)
            self.assertIn("seed 000 flow: done", run.stdout)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
