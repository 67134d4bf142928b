"""The asyncio client against the real server: holds with hold tokens,
pipelining with gather, the follow-up pages, refusals, and the oversell
check over concurrent connections."""

import asyncio
import unittest

import tessera
from server_support import (ADMIN_TOKEN, BACKOFFICE_TOKEN, DAY_MS, WEB, WEBSHOP_TOKEN, ServerProcess, define_catalog,
                            line, now_ms)

server = None


def setUpModule():
    global server
    server = ServerProcess()
    with tessera.Client("127.0.0.1", server.port, ADMIN_TOKEN) as admin:
        define_catalog(admin)


def tearDownModule():
    server.stop()


async def connect(token):
    return await tessera.AsyncClient.connect("127.0.0.1", server.port, token)


async def define_performance(performance, capacity):
    async with await connect(ADMIN_TOKEN) as admin:
        await admin.define_performance(performance=performance, product=1, starts_at_ms=now_ms() + 30 * DAY_MS,
                                       capacity=capacity, contact_limit=0)
        await admin.set_general_admission(performance=performance, category=1, capacity=capacity)


class AsyncClient(unittest.IsolatedAsyncioTestCase):
    async def test_hold_and_confirm_with_the_hold_token(self):
        await define_performance(200, 10)
        async with await connect(WEBSHOP_TOKEN) as shop:
            self.assertEqual(shop.hello.role, tessera.Role.Webshop)
            order = await shop.hold(contact=0, channel=WEB, lines=[line(200, 3)], ttl_ms=600_000)
            self.assertEqual(order.state, tessera.OrderState.Held)
            with self.assertRaises(tessera.Forbidden):
                await shop.confirm(order=order.order)
            confirmed = await shop.confirm(order=order)
            self.assertEqual(confirmed.state, tessera.OrderState.Confirmed)
            available = await shop.get_availability(performance=200, category=1, channel=WEB)
            self.assertEqual(available.available, 7)
            with self.assertRaises(tessera.SoldOut):
                await shop.hold(contact=0, channel=WEB, lines=[line(200, 8)], ttl_ms=600_000)

    async def test_gather_pipelines_requests_on_one_connection(self):
        await define_performance(201, 1000)
        async with await connect(WEBSHOP_TOKEN) as shop:
            orders = await asyncio.gather(*[
                shop.hold(contact=0, channel=WEB, lines=[line(201)], ttl_ms=600_000) for _ in range(150)])
            self.assertEqual(len({o.order for o in orders}), 150)
            released = await asyncio.gather(*[shop.release(order=o) for o in orders])
            self.assertTrue(all(r.state == tessera.OrderState.Released for r in released))
            self.assertEqual((await shop.get_availability(performance=201, category=1, channel=WEB)).available, 1000)

    async def test_64_concurrent_holds_on_a_quota_of_1_give_exactly_one_ok(self):
        await define_performance(202, 1)
        shops = await asyncio.gather(*[connect(WEBSHOP_TOKEN) for _ in range(16)])
        try:
            outcomes = await asyncio.gather(*[
                shops[i % 16].hold(contact=0, channel=WEB, lines=[line(202)], ttl_ms=600_000) for i in range(64)],
                return_exceptions=True)
        finally:
            await asyncio.gather(*[s.close() for s in shops])
        ok = [o for o in outcomes if isinstance(o, tessera.OrderResult)]
        self.assertEqual(len(ok), 1, outcomes)
        self.assertEqual(sum(isinstance(o, tessera.SoldOut) for o in outcomes), 63)

    async def test_follow_up_pages_and_release_all(self):
        await define_performance(203, 100)
        due_ms = now_ms() + 4 * DAY_MS
        async with await connect(BACKOFFICE_TOKEN) as office:
            booked = await asyncio.gather(*[
                office.book(kind=tessera.BookingKind.Option, contact=0, channel=WEB, lines=[line(203, 2)],
                            deadline_ms=due_ms + i) for i in range(12)])
            options = dict(kind=tessera.BookingKind.Option, due_until_ms=due_ms + DAY_MS, season=1, family=1,
                           performance=203)
            pages = [page async for page in office.follow_up_pages(options, limit=5)]
            self.assertEqual([len(p.rows) for p in pages], [5, 5, 2])
            self.assertEqual([r.order for p in pages for r in p.rows], [o.order for o in booked])
            summary = await office.release_all(filter=options)
            self.assertEqual((summary.released, summary.units), (12, 24))

    async def test_unknown_token_raises_server_error(self):
        with self.assertRaises(tessera.ServerError) as caught:
            await connect("nobody")
        self.assertEqual(caught.exception.code, tessera.ErrorCode.Unauthorized)


if __name__ == "__main__":
    unittest.main()
