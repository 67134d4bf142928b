"""The client over TLS: the server's certificate (self-signed, for
localhost and 127.0.0.1) is checked against the CA file and the host
dialled; a client that cannot check it does not connect."""

import asyncio
import ssl
import unittest

import tessera
from server_support import ADMIN_TOKEN, WEB, WEBSHOP_TOKEN, ServerProcess, define_catalog, define_performance, line

server = None


def setUpModule():
    global server
    server = ServerProcess(tls=True)
    with tessera.Client("127.0.0.1", server.port, ADMIN_TOKEN, tls=True, ca_file=server.ca_file) as admin:
        define_catalog(admin)
        define_performance(admin, 100, 10)


def tearDownModule():
    server.stop()


class Tls(unittest.TestCase):
    def test_blocking_client_holds_over_tls(self):
        with tessera.Client("127.0.0.1", server.port, WEBSHOP_TOKEN, tls=True, ca_file=server.ca_file) as shop:
            order = shop.hold(contact=0, channel=WEB, lines=[line(100)], ttl_ms=600_000)
            self.assertEqual(shop.release(order=order).state, tessera.OrderState.Released)

    def test_host_name_is_checked_too(self):
        with tessera.Client("localhost", server.port, WEBSHOP_TOKEN, ca_file=server.ca_file) as shop:
            self.assertEqual(shop.hello.role, tessera.Role.Webshop)
        with self.assertRaises(ssl.SSLCertVerificationError):
            tessera.Client("127.0.0.1", server.port, WEBSHOP_TOKEN, tls=True, ca_file=server.ca_file,
                           server_hostname="tessera.example.org")

    def test_without_the_ca_the_certificate_is_refused(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            tessera.Client("127.0.0.1", server.port, WEBSHOP_TOKEN, tls=True)

    def test_asyncio_client_over_tls_and_an_error_frame(self):
        async def run():
            shop = await tessera.AsyncClient.connect("127.0.0.1", server.port, WEBSHOP_TOKEN, tls=True,
                                                     ca_file=server.ca_file)
            async with shop:
                orders = await asyncio.gather(*[
                    shop.hold(contact=0, channel=WEB, lines=[line(100)], ttl_ms=600_000) for _ in range(5)])
                await asyncio.gather(*[shop.release(order=o) for o in orders])
                return (await shop.get_availability(performance=100, category=1, channel=WEB)).available

        self.assertEqual(asyncio.run(run()), 10)
        with self.assertRaises(tessera.ServerError) as caught:
            tessera.Client("127.0.0.1", server.port, "nobody", tls=True, ca_file=server.ca_file)
        self.assertEqual(caught.exception.code, tessera.ErrorCode.Unauthorized)


if __name__ == "__main__":
    unittest.main()
