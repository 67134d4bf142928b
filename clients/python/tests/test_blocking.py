"""The blocking client against the real server: Hello and its limits, typed
results, hold tokens, refusals as exceptions, pipelining, every command of
the schema, contacts (create, search, delete, merge), the catalog read back,
the follow-up screen's paging, ReleaseAll, a pre-registration held, matched,
integrated and reported, and the oversell check (64
concurrent holds on a quota of 1: exactly one Ok)."""

import hashlib
import os
import re
import signal
import threading
import time
import unittest

import tessera
from server_support import (ADMIN_TOKEN, BACKOFFICE_TOKEN, DAY_MS, WEB, WEBSHOP_TOKEN, ServerProcess, define_catalog,
                            define_performance, line, now_ms)

server = None
admin = office = shop = None


def setUpModule():
    global server, admin, office, shop
    server = ServerProcess(extra_flags=("--pmg-tier", "BRONZE:0", "--pmg-tier", "ARGENT:1"))
    admin = tessera.Client("127.0.0.1", server.port, ADMIN_TOKEN)
    office = tessera.Client("127.0.0.1", server.port, BACKOFFICE_TOKEN)
    shop = tessera.Client("127.0.0.1", server.port, WEBSHOP_TOKEN)
    define_catalog(admin)
    define_performance(admin, 100, 500)


def tearDownModule():
    for client in (admin, office, shop):
        if client is not None:
            client.close()
    server.stop()


def stop_process(pid, deadline_s=5.0):
    """SIGSTOP, then wait until every thread is stopped: the signal reaches a
    thread running on another core a moment later, and in that moment the
    server could still answer."""
    os.kill(pid, signal.SIGSTOP)
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        states = []
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/stat") as stat:
                    states.append(stat.read().rsplit(")", 1)[1].split()[0])
            except FileNotFoundError:
                continue
        if states and all(state in ("T", "t") for state in states):
            return
        time.sleep(0.005)
    raise AssertionError("the server did not stop")


class Timeouts(unittest.TestCase):
    def test_no_answer_in_time_raises_request_timeout_and_the_connection_goes_on(self):
        client = tessera.Client("127.0.0.1", server.port, WEBSHOP_TOKEN, request_timeout=0.5)
        try:
            before = client.get_availability(performance=100, category=1, channel=WEB).available
            stop_process(server.process.pid)  # the server answers nothing
            try:
                with self.assertRaises(tessera.RequestTimeout) as caught:
                    client.get_availability(performance=100, category=1, channel=WEB)
            finally:
                os.kill(server.process.pid, signal.SIGCONT)
            self.assertIsInstance(caught.exception, TimeoutError)
            self.assertEqual(caught.exception.timeout, 0.5)
            # The late answer is dropped; the next request gets its own.
            after = client.request([tessera.command("GetAvailability", performance=100, category=1, channel=WEB)],
                                   timeout=10)
            self.assertEqual(after[0].available, before)
        finally:
            client.close()


class Connection(unittest.TestCase):
    def test_hello_reports_the_role_and_limits(self):
        self.assertEqual(shop.hello.role, tessera.Role.Webshop)
        self.assertEqual(admin.hello.role, tessera.Role.Admin)
        self.assertEqual(shop.hello.protocol_version, 2)
        self.assertEqual(shop.hello.shard_count, 2)
        self.assertGreater(shop.hello.frame_bytes_max, 0)
        self.assertGreater(shop.hello.commands_per_request_max, 0)
        self.assertGreater(shop.hello.requests_in_flight_max, 0)
        self.assertEqual(shop.hello.hold_ttl_ms_max, 24 * 3600 * 1000)  # the engine's bounds: no hard-coding
        self.assertEqual(shop.hello.follow_up_rows_max, 100)

    def test_unknown_token_raises_server_error_unauthorized(self):
        with self.assertRaises(tessera.ServerError) as caught:
            tessera.Client("127.0.0.1", server.port, "not-a-token")
        self.assertEqual(caught.exception.code, tessera.ErrorCode.Unauthorized)
        self.assertIsInstance(caught.exception, tessera.ConnectionLost)


    def test_a_revoked_principal_gets_an_error_frame_and_the_connection_ends(self):
        principal = admin.define_principal(name="shop-b", role=tessera.Role.Webshop, channels=[WEB])
        self.assertTrue(principal.token.startswith("tsk_"))
        with tessera.Client("127.0.0.1", server.port, principal.token) as shop_b:
            self.assertEqual(shop_b.hello.role, tessera.Role.Webshop)
            admin.revoke_principal(principal=principal.principal)
            with self.assertRaises(tessera.ServerError) as caught:
                shop_b.get_availability(performance=100, category=1, channel=WEB)
            self.assertEqual(caught.exception.code, tessera.ErrorCode.Unauthorized)
            with self.assertRaises(tessera.ConnectionLost):
                shop_b.get_availability(performance=100, category=1, channel=WEB)
        listed = {p.principal: p for p in admin.list_principals().principals}
        self.assertTrue(listed[principal.principal].revoked)

class Holds(unittest.TestCase):
    def test_hold_answers_a_typed_order_with_its_hold_token(self):
        before = shop.get_availability(performance=100, category=1, channel=WEB)
        self.assertIsInstance(before, tessera.Availability)
        order = shop.hold(contact=0, channel=WEB, lines=[line(100, 2)], ttl_ms=600_000)
        self.assertIsInstance(order, tessera.OrderResult)
        self.assertEqual(order.state, tessera.OrderState.Held)
        self.assertGreater(order.due_ms, now_ms())
        self.assertRegex(order.hold_token, r"^[0-9a-f]{32}$")
        after = shop.get_availability(performance=100, category=1, channel=WEB)
        self.assertEqual(after.available, before.available - 2)

    def test_web_shop_names_an_order_with_its_hold_token(self):
        order = shop.hold(contact=0, channel=WEB, lines=[line(100)], ttl_ms=600_000)
        with self.assertRaises(tessera.Forbidden) as caught:
            shop.confirm(order=order.order)  # the id alone
        self.assertEqual(caught.exception.code, tessera.ResultCode.Forbidden)
        self.assertIn("hold_token", caught.exception.message)
        with self.assertRaises(tessera.Forbidden):
            shop.get_order(order=order.order, hold_token="1" * 32)
        with self.assertRaises(tessera.Malformed):
            shop.get_order(order=order.order, hold_token="not-hex")
        # The result itself carries the token; the explicit form works too.
        self.assertEqual(shop.get_order(order=order.order, hold_token=order.hold_token).state, tessera.OrderState.Held)
        confirmed = shop.confirm(order=order)
        self.assertEqual(confirmed.state, tessera.OrderState.Confirmed)
        self.assertEqual(confirmed.hold_token, order.hold_token)
        # The back office needs no token.
        self.assertEqual(office.get_order(order=order.order).state, tessera.OrderState.Confirmed)
        page = shop.get_order_record(order=order)
        self.assertEqual(page.order, order.order)
        self.assertEqual(page.status, "validée")
        self.assertEqual(page.hold_token, order.hold_token)
        self.assertEqual(page.lines[0].quantity, 1)

    def test_extend_convert_and_release(self):
        order = shop.hold(contact=0, channel=WEB, lines=[line(100)], ttl_ms=60_000)
        extended = shop.extend_hold(order=order, ttl_ms=120_000)
        self.assertGreater(extended.due_ms, order.due_ms)
        option = shop.convert_hold(order=order, kind=tessera.BookingKind.Option, deadline_ms=0)
        self.assertEqual(option.state, tessera.OrderState.Option)
        self.assertAlmostEqual(option.due_ms, now_ms() + 7 * DAY_MS, delta=60_000)  # the product's lifetime
        self.assertEqual(shop.release(order=option).state, tessera.OrderState.Released)


class Refusals(unittest.TestCase):
    def test_sold_out_raises_sold_out_with_code_and_message(self):
        with self.assertRaises(tessera.SoldOut) as caught:
            shop.hold(contact=0, channel=WEB, lines=[line(100, 600)], ttl_ms=600_000)
        error = caught.exception
        self.assertIsInstance(error, tessera.BusinessRefusal)
        self.assertIsInstance(error, tessera.CommandRefused)
        self.assertEqual(error.code, tessera.ResultCode.SoldOut)
        self.assertEqual(error.command, "Hold")
        self.assertTrue(error.message)

    def test_role_refusal_is_forbidden(self):
        with self.assertRaises(tessera.Forbidden):
            office.define_season(season=9, name="not the back office's")
        with self.assertRaises(tessera.Forbidden):
            shop.list_orders(limit=10)

    def test_not_found_and_invalid_argument(self):
        with self.assertRaises(tessera.NotFound):
            office.get_order(order=12345)
        with self.assertRaises(tessera.InvalidArgument):
            office.book(kind=tessera.BookingKind.Option, contact=0, channel=WEB, lines=[line(100)],
                        deadline_ms=now_ms() - 1000)

    def test_a_request_answers_each_command_refusals_included(self):
        results = office.request([
            tessera.command("get_availability", performance=100, category=1, channel=WEB),
            tessera.command("hold", contact=0, channel=WEB, lines=[line(100, 600)], ttl_ms=60_000),
            tessera.command("get_availability", performance=100, category=1, channel=WEB),
        ])
        self.assertIsInstance(results[0], tessera.Availability)
        self.assertIsInstance(results[1], tessera.SoldOut)
        self.assertEqual(results[1].index, 1)
        self.assertEqual(results[0], results[2])

    def test_unknown_field_is_a_type_error(self):
        with self.assertRaises(TypeError):
            shop.hold(contact=0, channel=WEB, lines=[line(100)], ttl=5)


class Pipelining(unittest.TestCase):
    def test_many_requests_in_flight_are_matched_by_request_id(self):
        for performance in range(110, 115):
            define_performance(admin, performance, performance - 100)
        futures = [(p, shop.submit("get_availability", performance=p, category=1, channel=WEB))
                   for _ in range(40) for p in range(110, 115)]
        self.assertGreater(len(futures), shop.hello.requests_in_flight_max // 2)
        for performance, future in futures:
            self.assertEqual(future.result(timeout=30).available, performance - 100)

    def test_requests_from_many_threads_share_one_connection(self):
        define_performance(admin, 116, 1000)
        orders = []
        lock = threading.Lock()

        def cart():
            for _ in range(10):
                order = shop.hold(contact=0, channel=WEB, lines=[line(116)], ttl_ms=600_000)
                with lock:
                    orders.append(order.order)

        threads = [threading.Thread(target=cart) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(set(orders)), 80)
        self.assertEqual(shop.get_availability(performance=116, category=1, channel=WEB).available, 920)


class Oversell(unittest.TestCase):
    def test_64_concurrent_holds_on_a_quota_of_1_give_exactly_one_ok(self):
        define_performance(admin, 300, 1)
        shops = [tessera.Client("127.0.0.1", server.port, WEBSHOP_TOKEN) for _ in range(8)]
        try:
            start = threading.Barrier(8)
            outcomes = []
            lock = threading.Lock()

            def buyer(client):
                start.wait()
                futures = [client.submit("hold", contact=0, channel=WEB, lines=[line(300)], ttl_ms=600_000)
                           for _ in range(8)]
                for future in futures:
                    try:
                        outcome = future.result(timeout=60)
                    except tessera.CommandRefused as refused:
                        outcome = refused
                    with lock:
                        outcomes.append(outcome)

            threads = [threading.Thread(target=buyer, args=(c,)) for c in shops]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            for client in shops:
                client.close()
        self.assertEqual(len(outcomes), 64)
        ok = [o for o in outcomes if isinstance(o, tessera.OrderResult)]
        self.assertEqual(len(ok), 1, outcomes)
        self.assertTrue(all(isinstance(o, tessera.SoldOut) for o in outcomes if o not in ok))
        self.assertEqual(shop.get_availability(performance=300, category=1, channel=WEB).available, 0)


class EveryCommand(unittest.TestCase):
    def test_every_command_of_the_schema_gets_an_answer(self):
        # With default fields most are refused; the point is that each is
        # encoded, accepted by the server's verifier and answered.
        futures = {name: admin.submit_request([tessera.command(name)]) for name in tessera.COMMANDS}
        for name, future in futures.items():
            (outcome,) = future.result(timeout=30)
            self.assertTrue(isinstance(outcome, tessera.CommandRefused) or not isinstance(outcome, Exception), name)
        self.assertIsInstance(futures["Advance"].result()[0], tessera.Forbidden)
        # Every row of the command registry (engine/command_list.h) is a method.
        registry = os.path.join(os.path.dirname(__file__), "..", "..", "..", "engine", "command_list.h")
        with open(registry, encoding="utf-8") as f:
            rows = re.findall(r"^\s*X\(\s*\d+,\s*(\w+),", f.read(), flags=re.M)
        self.assertGreater(len(rows), 60)
        self.assertEqual(sorted(tessera.COMMANDS), sorted(rows))


class Reminders(unittest.TestCase):
    def test_a_document_template_is_defined_listed_and_refused_with_an_unknown_field(self):
        office.define_document_template(document=tessera.DocumentKind.OrderReminder, language="fr",
                                        subject="Rappel : {count} option(s)", body="Bonjour {name},\n{items}")
        listed = office.list_document_templates()
        self.assertEqual([(t.document, t.language, t.subject) for t in listed.templates],
                         [(tessera.DocumentKind.OrderReminder, "fr", "Rappel : {count} option(s)")])
        with self.assertRaises(tessera.CommandRefused) as refused:
            office.define_document_template(document=tessera.DocumentKind.OrderReminder, language="fr",
                                            subject="x", body="{nom}")
        self.assertIn("unknown field {nom}", str(refused.exception))

    def test_a_run_selected_by_dates_for_review_counts_its_ranks_and_is_listed(self):
        start = now_ms()
        office.define_series(series=77, name="La Revue")
        office.define_issue(series=77, issue=1, date_ms=start + 10 * DAY_MS, name="n°1")
        card = office.create_contact(record=dict(types=1, civility="M.", last_name="REVUE", first_name="Paul",
                                                 addresses=[dict(kind=0, postcode="69003", city="LYON",
                                                                 country="FR")]),
                                     number=7777)
        office.subscribe(subscription=700, series=77, subscriber=card.contact, ends_ms=start + 12 * DAY_MS)
        office.define_reminder_format(format=70, name="Relance", type=tessera.FormatType.Reminder, separator=";",
                                      extension="csv", columns=[tessera.ReminderField.LastName,
                                                                tessera.ReminderField.City])
        batch = office.start_reminder_run(run=70, series=77, audience=tessera.Audience.Direct, format=70,
                                          delivery=tessera.Delivery.Review, from_ms=start, to_ms=start + 20 * DAY_MS)
        self.assertEqual([(r.rank, r.count) for r in batch.rank_counts], [(1, 1)])
        self.assertEqual(batch.delivery, tessera.Delivery.Review)
        runs = office.list_reminder_runs(series=77)
        self.assertEqual(runs.total, 1)
        self.assertEqual((runs.runs[0].run, runs.runs[0].selected, runs.runs[0].state),
                         (70, 1, tessera.RunState.Selected))
        with self.assertRaises(tessera.CommandRefused):
            office.read_run_file(run=70)  # reviewed, never exported: no file


class Money(unittest.TestCase):
    def test_a_payment_validates_an_option_and_the_balance_adds_up_to_the_cent(self):
        card = office.create_contact(record=dict(types=1, civility="Mme", last_name="PAYE", first_name="Lise",
                                                 addresses=[dict(kind=0, postcode="69001", city="LYON",
                                                                 country="FR")]))
        office.define_payer(payer=41, name="CAF du Rhône")
        self.assertIn((41, "CAF du Rhône"), [(p.payer, p.name) for p in office.list_payers().payers])
        order = office.book(kind=tessera.BookingKind.Option, contact=card.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        total = office.get_order_record(order=order.order).total_cents
        half = total // 2
        paid = office.add_payment(order=order.order, mode=tessera.PaymentMode.Cheque, amount_cents=half,
                                  bank="Banque Populaire")
        self.assertEqual(paid.state, tessera.OrderState.Confirmed)
        office.add_payment(order=order.order, mode=tessera.PaymentMode.ThirdParty, amount_cents=total - half,
                           payer=41)
        page = office.get_order_record(order=order.order)
        self.assertEqual((page.paid_cents, page.deferred_cents, page.balance_cents, page.fully_paid),
                         (half, total - half, 0, True))
        self.assertEqual([p.mode for p in page.payments],
                         [tessera.PaymentMode.Cheque, tessera.PaymentMode.ThirdParty])
        with self.assertRaisesRegex(tessera.InvalidArgument, "a refund needs a reason"):
            office.add_payment(order=order.order, mode=tessera.PaymentMode.Cash, amount_cents=-1)
        with self.assertRaises(tessera.Forbidden):
            shop.add_payment(order=order.order, mode=tessera.PaymentMode.Card, amount_cents=100)


class Participants(unittest.TestCase):
    def test_a_participants_document_goes_up_as_bytes_and_completes_the_file_once_checked(self):
        def person(last):
            return office.create_contact(record=dict(types=1, civility="Mme", last_name=last, first_name="Zoé",
                                                     addresses=[dict(kind=0, postcode="38000", city="GRENOBLE",
                                                                     country="FR")])).contact
        client, child = person("PARENT"), person("ENFANT")
        admin.define_document_type(type=51, name="Fiche sanitaire", required_for=[1])
        order = office.book(kind=tessera.BookingKind.Option, contact=client, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        office.add_participant(order=order.order, contact=child)
        page = office.get_order_record(order=order.order)
        self.assertEqual([(p.contact, p.legal_representative) for p in page.participants], [(child, client)])
        self.assertFalse(page.file_complete)
        self.assertEqual([(m.participant, m.type, m.attached) for m in page.missing_documents], [(child, 51, False)])
        content = bytes(range(256)) * 40
        attached = office.attach_document(order=order.order, participant=child, type=51, name="fiche.pdf",
                                          content=content)
        self.assertEqual(attached.order, order.order)
        got = office.get_document(order=order.order, document=1)
        self.assertEqual(got.content, content)
        self.assertEqual(got.document.size, len(content))
        self.assertEqual(got.document.sha256, hashlib.sha256(content).hexdigest())
        office.check_document(order=order.order, document=1, checked=True)
        self.assertTrue(office.get_order_record(order=order.order).file_complete)
        with self.assertRaises(tessera.NotFound):
            office.get_document(order=order.order, document=2)
        with self.assertRaises(tessera.Forbidden):
            shop.check_document(order=order.order, document=1, checked=False)


def same_shard_as(performance, candidates, shards=2):
    """The first candidate the server places on `performance`'s shard
    (engine/ids.h: spread_over_shards)."""
    def shard(p):
        x = p
        x ^= x >> 33
        x = (x * 0xff51afd7ed558ccd) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 33
        return x % shards
    return next(p for p in candidates if shard(p) == shard(performance))


class Trips(unittest.TestCase):
    def test_a_departure_change_moves_the_order_and_lists_the_add_ons_left_behind(self):
        lyon = 740
        toulouse = same_shard_as(lyon, range(741, 760))
        for performance in (lyon, toulouse):
            define_performance(admin, performance, 10)
        admin.define_departure(performance=lyon, product=1, city="Lyon", date=20330520, round_trip_cents=5000)
        admin.define_departure(performance=toulouse, product=1, city="Toulouse", date=20330520,
                               round_trip_cents=2000)
        admin.define_add_on(addon=7, product=1, name="Canoë", price_cents=3500)
        admin.set_add_on_quota(performance=lyon, addon=7, capacity=2)
        admin.set_add_on_quota(performance=toulouse, addon=7, capacity=0)
        client = office.create_contact(record=dict(types=1, civility="Mme", last_name="VOYAGE", first_name="Léa",
                                                   addresses=[dict(kind=0, postcode="69000", city="LYON",
                                                                   country="FR")])).contact
        order = office.book(kind=tessera.BookingKind.Option, contact=client, channel=WEB, lines=[line(lyon)],
                            deadline_ms=now_ms() + DAY_MS)
        office.add_participant(order=order.order, contact=client)
        office.add_add_on(order=order.order, participant=client, addon=7, price_cents=-1)
        stock = office.get_add_on_stock(performance=lyon)
        self.assertEqual([(r.addon, r.name, r.capacity, r.selected) for r in stock.rows], [(7, "Canoë", 2, 1)])
        self.assertEqual(office.get_order_record(order=order.order).add_ons_cents, 3500)

        moved = office.change_departure(order=order.order, performance=toulouse)
        self.assertEqual((moved.from_, moved.to), (lyon, toulouse))
        self.assertEqual([(d.participant, d.addon, d.price_cents) for d in moved.dropped], [(client, 7, 3500)])
        admin.set_return_city_rule(product=1, rule_hundredths=2000)
        office.set_return_city(order=order.order, departure=lyon)
        page = office.get_order_record(order=order.order)
        self.assertEqual((page.departure_city, page.return_city), ("Toulouse", "Lyon"))
        self.assertEqual(page.return_supplement_cents, 2200)  # (20 + 50) / 2 x 1.2 = 42.00, 22.00 over 20.00
        self.assertEqual(page.total_cents, 5000 + 2200)
        self.assertEqual(page.lines[0].performance, toulouse)
        with self.assertRaises(tessera.SoldOut):
            office.add_add_on(order=order.order, participant=client, addon=7, price_cents=-1)

    def test_render_order_pdf_writes_the_orders_pdf_at_its_revision_and_answers_its_path(self):
        client = office.create_contact(record=dict(types=1, civility="M.", last_name="REVISION", first_name="Paul",
                                                   addresses=[dict(kind=0, postcode="69000", city="LYON",
                                                                   country="FR")])).contact
        order = office.book(kind=tessera.BookingKind.Option, contact=client, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        office.add_participant(order=order.order, contact=client)  # saved: the server writes its PDF by itself
        page = office.render_order_pdf(order=order.order)
        self.assertEqual([p.contact for p in page.participants], [client])  # the order page the PDF shows
        self.assertTrue(page.message.endswith(".pdf"))
        self.assertEqual(os.path.basename(page.message), f"order-{order.order}-{len(page.workflow):04d}.pdf")
        self.assertEqual(os.path.dirname(page.message), os.path.join(server.dir, "data", "exports", "orders"))
        with open(page.message, "rb") as pdf:
            self.assertTrue(pdf.read().startswith(b"%PDF-"))
        with self.assertRaises(tessera.Forbidden):
            shop.render_order_pdf(order=order.order)


class Invoices(unittest.TestCase):
    def test_an_invoice_is_numbered_and_its_pdf_comes_back_as_bytes(self):
        card = office.create_contact(record=dict(types=1, civility="M.", last_name="FACTURE", first_name="Jean",
                                                 addresses=[dict(kind=0, postcode="30000", city="NIMES",
                                                                 country="FR")]))
        order = office.book(kind=tessera.BookingKind.Option, contact=card.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        office.confirm(order=order.order)
        issued = office.issue_invoice(order=order.order)
        invoice = issued.documents[0]
        self.assertEqual(invoice.kind, tessera.InvoiceKind.Invoice)
        self.assertGreaterEqual(invoice.number, 1)
        self.assertIn("FACTURE", invoice.billed_to)
        self.assertTrue(issued.file.endswith(".pdf"))
        again = office.render_invoice(kind=tessera.InvoiceKind.Invoice, year=invoice.year, number=invoice.number)
        self.assertIsInstance(again.pdf, bytes)
        self.assertTrue(again.pdf.startswith(b"%PDF-"))
        self.assertEqual(office.render_invoice(kind=tessera.InvoiceKind.Invoice, year=invoice.year,
                                               number=invoice.number).pdf, again.pdf)
        with self.assertRaises(tessera.Duplicate):
            office.issue_invoice(order=order.order)  # already invoiced
        credit = office.cancel_invoice(order=order.order, reason="erreur de date").documents[0]
        self.assertEqual(credit.kind, tessera.InvoiceKind.CreditNote)
        self.assertEqual((credit.cancels_year, credit.cancels_number), (invoice.year, invoice.number))
        self.assertFalse(office.get_order_record(order=order.order).invoiced)

    def test_the_return_city_rule_prices_the_seeds_example_at_42_euros(self):
        admin.set_return_city_rule(product=0, rule_hundredths=2000)
        quote = shop.quote_return_city(product=0, round_trip_a_cents=5000, round_trip_b_cents=2000)
        self.assertEqual(quote.count, 4200)
        with self.assertRaises(tessera.Forbidden):
            shop.set_return_city_rule(product=0, rule_hundredths=0)

    def test_automatic_invoicing_is_an_admins_setting_per_product(self):
        admin.set_auto_invoicing(product=0, enabled=True)
        try:
            with self.assertRaises(tessera.Forbidden):
                office.set_auto_invoicing(product=0, enabled=False)
            with self.assertRaises(tessera.NotFound):
                admin.set_auto_invoicing(product=99, enabled=True)
        finally:
            admin.set_auto_invoicing(product=0, enabled=False)

    def test_a_promo_code_takes_its_percent_off_half_up_and_is_used_once_per_order(self):
        office.define_promo_code(code="py-15", amount_cents=0, percent=15, valid_from_ms=0, valid_until_ms=0,
                                 max_uses=1, product=0, min_package_cents=0)
        first = office.book(kind=tessera.BookingKind.Option, contact=0, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        package = office.get_order_record(order=first.order).to_pay_cents
        applied = office.apply_promo_code(order=first.order, code="PY-15")
        self.assertEqual(applied.state, tessera.PromoState.Applied)
        self.assertEqual(applied.reduction_cents, (package * 15 + 50) // 100)
        self.assertEqual(applied.to_pay_cents, package - applied.reduction_cents)
        second = office.book(kind=tessera.BookingKind.Option, contact=0, channel=WEB, lines=[line(100)],
                             deadline_ms=now_ms() + DAY_MS)
        with self.assertRaisesRegex(tessera.SoldOut, "limit is 1"):
            office.apply_promo_code(order=second.order, code="PY-15")
        listed = office.list_promo_codes(after="", limit=0)
        self.assertEqual([(c.definition.code, c.uses) for c in listed.codes if c.definition.code == "PY-15"],
                         [("PY-15", 1)])

    def test_cashback_is_spent_by_an_order_and_given_back_when_it_is_released(self):
        card = office.create_contact(record=dict(types=1, civility="Mme", last_name="CASHBACK", first_name="Lou",
                                                 addresses=[dict(kind=0, postcode="69001", city="LYON",
                                                                 country="FR")]))
        credited = office.credit_cashback(contact=card.contact, amount_cents=3000, label="bienvenue")
        self.assertEqual(credited.balance_cents, 3000)
        order = office.book(kind=tessera.BookingKind.Option, contact=card.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        package = office.get_order_record(order=order.order).to_pay_cents
        used = office.apply_cashback(order=order.order, amount_cents=min(2500, package))
        self.assertEqual(used.state, tessera.PromoState.Applied)
        self.assertEqual(used.balance_cents, 3000 - min(2500, package))
        self.assertEqual(used.to_pay_cents, package - min(2500, package))
        self.assertEqual(office.get_order_record(order=order.order).cashback_cents, min(2500, package))
        with self.assertRaises(tessera.Forbidden):
            shop.credit_cashback(contact=card.contact, amount_cents=100, label="")
        office.release(order=order.order)
        deadline = time.monotonic() + 10
        while office.get_cashback(contact=card.contact).balance_cents != 3000 and time.monotonic() < deadline:
            time.sleep(0.05)  # the server's pump gives it back within about 250 ms
        self.assertEqual(office.get_cashback(contact=card.contact).balance_cents, 3000)

    def test_a_sponsor_brings_a_new_client_a_reduction_and_gets_cashback_once_the_order_is_validated(self):
        admin.set_sponsorship_rule(product=0, reduction_cents=1500, reward_cents=2000)

        def person(name):
            return office.create_contact(record=dict(types=1, civility="Mme", last_name=name, first_name="Eve",
                                                     addresses=[dict(kind=0, postcode="69001", city="LYON",
                                                                     country="FR")]))

        sponsor, newcomer = person("PARRAINE"), person("FILLEULE")
        first = office.book(kind=tessera.BookingKind.Option, contact=sponsor.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        order = office.book(kind=tessera.BookingKind.Option, contact=newcomer.contact, channel=WEB,
                            lines=[line(100), line(100)], deadline_ms=now_ms() + DAY_MS)
        package = office.get_order_record(order=order.order).to_pay_cents
        with self.assertRaisesRegex(tessera.InvalidState, "not a client"):
            office.set_sponsor(order=order.order, sponsor=sponsor.contact)
        with self.assertRaisesRegex(tessera.InvalidArgument, "themselves"):
            office.set_sponsor(order=order.order, sponsor=newcomer.contact)
        with self.assertRaises(tessera.Forbidden):
            shop.set_sponsor(order=order.order, sponsor=sponsor.contact)
        office.confirm(order=first.order)  # the sponsor becomes a client
        deadline = time.monotonic() + 10
        while True:  # the server's pump tells the directory within about 250 ms
            try:
                named = office.set_sponsor(order=order.order, sponsor=sponsor.contact)
                break
            except tessera.InvalidState:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.assertEqual(named.state, tessera.PromoState.Applied)
        self.assertEqual(named.to_pay_cents, package - 1500)
        page = office.get_order_record(order=order.order)
        self.assertEqual((page.sponsor, page.sponsorship_cents, page.reduction_cents, page.to_pay_cents),
                         (sponsor.contact, 1500, 1500, package - 1500))
        self.assertEqual(office.get_cashback(contact=sponsor.contact).balance_cents, 0)

        def sponsor_balance_becomes(cents):
            until = time.monotonic() + 10
            while office.get_cashback(contact=sponsor.contact).balance_cents != cents and time.monotonic() < until:
                time.sleep(0.05)  # the pump carries the reward within about 250 ms
            self.assertEqual(office.get_cashback(contact=sponsor.contact).balance_cents, cents)

        office.confirm(order=order.order)
        sponsor_balance_becomes(2000)
        self.assertTrue(office.get_order_record(order=order.order).sponsor_rewarded)
        with self.assertRaisesRegex(tessera.InvalidState, "keeps its reductions"):
            office.remove_sponsor(order=order.order)
        office.cancel_validated(order=order.order, by=tessera.CancelledBy.Organiser, reason="annulé")
        sponsor_balance_becomes(0)

    def test_a_cheque_deposit_freezes_its_cheques_and_names_what_it_refused(self):
        order = office.book(kind=tessera.BookingKind.Option, contact=0, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        office.add_payment(order=order.order, mode=tessera.PaymentMode.Cheque, amount_cents=2500, label="DUPONT")
        office.add_payment(order=order.order, mode=tessera.PaymentMode.Card, amount_cents=100)
        deposit = office.make_payment_batch(kind=tessera.BatchKind.ChequeDeposit, counterpart="BNP",
                                            items=[dict(order=order.order, payment=1),
                                                   dict(order=order.order, payment=2)])
        self.assertEqual(deposit.kind, tessera.BatchKind.ChequeDeposit)
        self.assertTrue(deposit.settled)
        self.assertEqual([(p.payment, p.amount_cents) for p in deposit.frozen], [(1, 2500)])
        self.assertEqual([(r.payment, r.reason) for r in deposit.refused], [(2, "not a cheque")])
        self.assertEqual(deposit.total_cents, 2500)
        with self.assertRaisesRegex(tessera.InvalidState, "cheque deposit"):
            office.change_payment(order=order.order, payment=1, mode=tessera.PaymentMode.Cheque, amount_cents=2000)
        self.assertEqual(office.get_order_record(order=order.order).payments[0].deposit, deposit.number)
        listed = office.list_payment_batches(kind=tessera.BatchKind.ChequeDeposit, after=deposit.number - 1, limit=1)
        self.assertEqual([b.number for b in listed.batches], [deposit.number])
        with self.assertRaises(tessera.Forbidden):
            shop.make_payment_batch(kind=tessera.BatchKind.Payout, counterpart="X",
                                    items=[dict(order=order.order, payment=2)])

    def test_a_validated_order_cancelled_by_the_client_pays_the_scales_fee(self):
        admin.set_cancellation_terms(product=0, scale=[dict(days_before=0, percent=50)])
        card = office.create_contact(record=dict(types=1, civility="Mme", last_name="ANNULE", first_name="Anne",
                                                 addresses=[dict(kind=0, postcode="30000", city="NIMES",
                                                                 country="FR")]))
        order = office.book(kind=tessera.BookingKind.Option, contact=card.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        office.confirm(order=order.order)
        to_pay = office.get_order_record(order=order.order).to_pay_cents
        with self.assertRaisesRegex(tessera.InvalidArgument, "reason"):
            office.cancel_validated(order=order.order, by=tessera.CancelledBy.Client, reason="")
        cancelled = office.cancel_validated(order=order.order, by=tessera.CancelledBy.Client, reason="malade")
        self.assertEqual([d.kind for d in cancelled.documents], [tessera.InvoiceKind.CancellationInvoice])
        self.assertEqual(cancelled.documents[0].total_cents, (to_pay * 50 + 50) // 100)
        self.assertEqual(len(cancelled.files), 1)
        page = office.get_order_record(order=order.order)
        self.assertEqual((page.state, page.cancelled_by), (tessera.OrderState.Cancelled, tessera.CancelledBy.Client))
        self.assertEqual(page.balance_cents, cancelled.documents[0].total_cents)
        with self.assertRaises(tessera.Duplicate):
            office.cancel_validated(order=order.order, by=tessera.CancelledBy.Client, reason="malade")


class Catalog(unittest.TestCase):
    def test_export_catalog_reads_back_the_set_up_commands(self):
        exported = admin.export_catalog()
        names = [type(c.body).__name__ for c in exported.commands]
        self.assertEqual(names[0], "DefineSeason")
        self.assertIn("DefinePerformance", names)
        performance = next(c.body for c in exported.commands if type(c.body).__name__ == "DefinePerformance"
                           and c.body.performance == 100)
        self.assertEqual(performance.product, 1)
        self.assertNotEqual(exported.catalog_hash, 0)
        # The catalog, not the sales: a hold does not change it; a price does.
        order = shop.hold(contact=0, channel=WEB, ttl_ms=60_000, lines=[line(100, 1)])
        self.assertEqual(admin.export_catalog().catalog_hash, exported.catalog_hash)
        shop.release(order=order)
        with self.assertRaises(tessera.Forbidden):
            shop.export_catalog()  # back office and admin only


class Contacts(unittest.TestCase):
    def test_create_search_and_read_back_a_contact(self):
        record = dict(types=1, civility="Mme", last_name="DUPONT", first_name="Céline", email="celine@example.org",
                      iban="FR76 3000 6000 0112 3456 7890 189",
                      addresses=[dict(kind=0, postcode="75012", city="PARIS", country="FR")])
        card = office.create_contact(record=record, number=7611)
        self.assertEqual(card.number, 7611)
        self.assertEqual(card.record.iban, "FR** **** **** **** **** ***0 189")
        page = office.search_contacts(query="celine")
        self.assertEqual(page.total, 1)
        self.assertEqual(page.rows[0].line, "DUPONT, Céline | FR-75012 [7611]")
        self.assertEqual(office.get_contact(number=7611).contact, card.contact)
        with self.assertRaises(tessera.CommandRefused):
            office.create_contact(record=record, number=7611)  # the number is taken
        with self.assertRaises(tessera.Forbidden):
            shop.search_contacts(query="dup")  # back office and admin only

    def test_delete_is_refused_while_an_order_lives_then_no_order_names_the_contact(self):
        record = dict(types=1, civility="M.", last_name="EFFACÉ", first_name="Paul",
                      addresses=[dict(kind=0, postcode="69002", city="LYON", country="FR")])
        card = office.create_contact(record=record)
        order = office.book(kind=tessera.BookingKind.Option, contact=card.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        with self.assertRaisesRegex(tessera.InvalidState, r"live orders or running subscriptions \(1\)"):
            office.delete_contact(contact=card.contact)
        self.assertEqual(office.get_contact(contact=card.contact).number, card.number)
        with self.assertRaises(tessera.Forbidden):
            shop.delete_contact(contact=card.contact)  # back office and admin only
        office.release(order=order.order)
        gone = office.delete_contact(contact=card.contact)
        self.assertTrue(gone.deleted)
        self.assertEqual(gone.record.last_name, "EFFACÉ")
        with self.assertRaises(tessera.NotFound):
            office.get_contact(contact=card.contact)
        with self.assertRaisesRegex(tessera.NotFound, "was deleted"):
            shop.hold(contact=card.contact, channel=WEB, lines=[line(100)], ttl_ms=60_000)
        self.assertEqual(office.search_contacts(query="efface").total, 0)

    def test_merge_moves_the_duplicates_orders_to_the_survivor(self):
        record = dict(types=1, civility="Mme", last_name="DOUBLON", first_name="Anne",
                      addresses=[dict(kind=0, postcode="69002", city="LYON", country="FR")])
        survivor = office.create_contact(record=record)
        duplicate = office.create_contact(record=record)
        order = office.book(kind=tessera.BookingKind.Option, contact=duplicate.contact, channel=WEB,
                            lines=[line(100)], deadline_ms=now_ms() + DAY_MS)
        card = office.merge_contacts(survivor=survivor.contact, duplicate=duplicate.contact)
        self.assertEqual(card.merged_from, duplicate.contact)
        self.assertIn("merged contact", card.notes[-1].text)
        self.assertEqual([o.order for o in office.list_orders(contact=survivor.contact, limit=10).orders],
                         [order.order])
        self.assertEqual(office.list_orders(contact=duplicate.contact, limit=10).total, 0)
        with self.assertRaisesRegex(tessera.NotFound, "was merged into contact"):
            office.get_contact(contact=duplicate.contact)
        office.release(order=order.order)

    def test_lists_advanced_search_and_a_client_after_its_first_confirmed_order(self):
        admin.define_contact_list_entry(list=tessera.ContactListKind.Audience, id=1, name="Contact occasionnel")
        with self.assertRaises(tessera.Forbidden):
            office.define_contact_list_entry(list=tessera.ContactListKind.Audience, id=2, name="Abonné")  # admin only
        lists = office.get_contact_lists()
        self.assertEqual([(e.id, e.name) for e in lists.entries], [(1, "Contact occasionnel")])
        record = dict(types=1, civility="Mme", last_name="AVANCÉE", first_name="Rose", audience=1,
                      mobile="+33 6 99 88 77 66", addresses=[dict(kind=0, postcode="13001", city="MARSEILLE",
                                                                  country="FR")])
        card = office.create_contact(record=record)
        self.assertEqual(card.audience_name, "Contact occasionnel")
        self.assertEqual(card.client_since_ms, 0)  # a prospect
        with self.assertRaises(tessera.NotFound):
            office.create_contact(record=dict(record, audience=9))  # no such audience category
        page = office.find_contacts(city="marseil", phone="06 99 88 77 66")
        self.assertEqual(page.total, 1)
        self.assertEqual((page.rows[0].number, page.rows[0].name, page.rows[0].city),
                         (card.number, "AVANCÉE Rose", "MARSEILLE"))
        self.assertEqual(office.find_contacts(city="marseil", with_prospects=False).total, 0)
        order = office.book(kind=tessera.BookingKind.Option, contact=card.contact, channel=WEB, lines=[line(100)],
                            deadline_ms=now_ms() + DAY_MS)
        office.confirm(order=order.order)
        deadline = time.monotonic() + 10
        while office.get_contact(contact=card.contact).client_since_ms == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertGreater(office.get_contact(contact=card.contact).client_since_ms, 0)
        self.assertEqual(office.find_contacts(city="marseil", with_prospects=False).total, 1)
        activity = office.get_contact_activity(contact=card.contact, history=tessera.ContactHistory.Cultural)
        self.assertEqual((activity.orders_confirmed, activity.performances_to_attend, activity.total), (1, 1, 1))
        self.assertEqual(activity.average_basket_cents, activity.spent_cents)
        self.assertEqual(activity.pmg_tier, "ARGENT")  # the server's --pmg-tier: a basket over 0.00
        self.assertEqual((activity.rows[0].order, activity.rows[0].performance), (order.order, 100))
        office.cancel(order=order.order)
        self.assertEqual(office.get_contact_activity(contact=card.contact).orders_confirmed, 0)  # cancelled: no purchase


class PreRegistrations(unittest.TestCase):
    def test_a_web_request_is_held_at_once_matched_integrated_reported_and_its_staff_told(self):
        define_performance(admin, 140, 50)

        def person(last, first, email):
            return office.create_contact(record=dict(types=1, civility="Mme", last_name=last, first_name=first,
                                                     email=email, addresses=[dict(kind=0, postcode="69001",
                                                                                  city="LYON", country="FR")]))

        responsible, ada = person("RESPONSABLE", "Rémi", "remi@example.org"), person("PYTHON", "Ada", "ada@example.org")
        with self.assertRaises(tessera.Forbidden):
            office.set_performance_staff(performance=140, responsible=responsible.contact, assistant=0)
        admin.set_performance_staff(performance=140, responsible=responsible.contact, assistant=0)
        card = office.get_performance(performance=140)
        self.assertEqual((card.performance, card.product, card.responsible, card.assistant),
                         (140, 1, responsible.contact, 0))
        with self.assertRaises(tessera.NotFound):
            office.get_performance(performance=149)

        before = shop.get_availability(performance=140, category=1, channel=WEB).available
        placed = shop.submit_pre_registration(channel=WEB, reference="PY-1", lines=[line(140, 2)], text="merci",
                                              requester=dict(last_name="Python", first_name="Ada",
                                                             email="ada@example.org"))
        request_id = placed.rows[0].id
        self.assertEqual(shop.get_availability(performance=140, category=1, channel=WEB).available, before - 2,
                         "held at once")
        listed = office.list_pre_registrations(statuses=0, channel=0, after=0, limit=100)
        row = next(r for r in listed.rows if r.id == request_id)
        self.assertEqual((row.status, row.match.contact, row.match.basis),
                         (tessera.PreRegStatus.Pending, ada.contact, tessera.MatchBasis.EmailAndName))
        options = dict(method=tessera.IntegrationMethod.IdentifiedBooked, level=tessera.IntegrationLevel.Reservation)
        with self.assertRaises(tessera.Forbidden):
            shop.integrate_pre_registrations(ids=[request_id], options=options)

        done = office.integrate_pre_registrations(ids=[request_id], options=options)
        self.assertEqual(len(done.results), 1)
        booked = done.results[0]
        self.assertEqual((booked.outcome, booked.state, booked.contact),
                         (tessera.PreRegOutcome.Booked, tessera.OrderState.Reservation, ada.contact))
        self.assertTrue(done.report.endswith(".pdf"), done.report_error)
        with open(done.report, "rb") as pdf:
            self.assertEqual(pdf.read(5), b"%PDF-")
        self.assertEqual(done.mailed, [])  # this server has no SMTP relay: it says so
        self.assertEqual(len(done.not_mailed), 1)
        self.assertIn("remi@example.org", done.not_mailed[0])
        self.assertIn("no e-mail relay configured", done.not_mailed[0])
        record = office.get_order_record(order=booked.order)
        self.assertEqual((record.state, record.contact), (tessera.OrderState.Reservation, ada.contact))
        self.assertEqual(shop.get_availability(performance=140, category=1, channel=WEB).available, before - 2)

        again = office.integrate_pre_registrations(ids=[request_id], options=dict(options, report=False, mail=False))
        self.assertEqual(again.results[0].outcome, tessera.PreRegOutcome.WrongStatus)
        self.assertEqual((again.report, again.mailed, again.not_mailed), ("", [], []))


class FollowUp(unittest.TestCase):
    def book_options(self, performance, count, due_ms):
        results = office.request([
            tessera.command("book", kind=tessera.BookingKind.Option, contact=0, channel=WEB, lines=[line(performance)],
                            deadline_ms=due_ms + i * 60_000) for i in range(count)])
        for result in results:
            self.assertIsInstance(result, tessera.OrderResult)
        return [r.order for r in results]

    def test_follow_up_pages_through_every_row(self):
        define_performance(admin, 120, 100)
        due_ms = now_ms() + 2 * DAY_MS
        booked = self.book_options(120, 25, due_ms)
        options = dict(kind=tessera.BookingKind.Option, due_until_ms=due_ms + DAY_MS, season=1, family=1,
                       performance=120)
        pages = list(office.follow_up_pages(options, limit=10))
        self.assertEqual([len(p.rows) for p in pages], [10, 10, 5])
        self.assertEqual([p.more for p in pages], [True, True, False])
        self.assertTrue(all(p.total == 25 for p in pages))
        rows = [row for page in pages for row in page.rows]
        self.assertEqual([row.order for row in rows], booked)  # by deadline
        self.assertEqual(rows[0].state, tessera.OrderState.Option)
        self.assertEqual(rows[0].product_name, "Le Misanthrope")
        self.assertEqual(rows[0].channel_name, "Internet")
        # The same by hand: a cursor after the last row of the first page.
        first = office.query_follow_up(filter=options, limit=10)
        last = first.rows[-1]
        second = office.query_follow_up(filter=options, after=dict(due_ms=last.due_ms, order=last.order, line=last.line),
                                        limit=10)
        self.assertEqual(second.rows[0].order, booked[10])

    def test_release_all_releases_what_the_preview_said_but_kept_and_locked(self):
        define_performance(admin, 121, 100)
        due_ms = now_ms() + 3 * DAY_MS
        booked = self.book_options(121, 6, due_ms)
        outcomes = office.mark_orders(orders=booked[:1], mark=tessera.ReleaseMark.Keep)
        self.assertEqual(outcomes.orders[0].outcome, tessera.Outcome.Done)
        office.lock_orders(orders=booked[1:2], locked=True)
        options = dict(kind=tessera.BookingKind.Option, due_until_ms=due_ms + DAY_MS, season=1, family=1,
                       performance=121)
        preview = office.preview_release(filter=options)
        self.assertEqual((preview.released, preview.kept, preview.locked), (4, 1, 1))
        self.assertEqual(sorted((o.order, o.reason) for o in preview.skipped),
                         sorted([(booked[0], tessera.SkipReason.Kept), (booked[1], tessera.SkipReason.Locked)]))
        summary = office.release_all(filter=options)
        self.assertEqual((summary.released, summary.kept, summary.locked, summary.units), (4, 1, 1, 4))
        self.assertEqual(sorted(o.order for o in summary.skipped), sorted(booked[:2]))
        self.assertEqual(summary.skipped_next, 0)
        self.assertEqual(office.get_order(order=booked[2]).state, tessera.OrderState.Released)
        self.assertEqual(office.get_order(order=booked[0]).state, tessera.OrderState.Option)
        self.assertEqual(shop.get_availability(performance=121, category=1, channel=WEB).available, 98)
        self.assertEqual(office.query_follow_up(filter=options, limit=100).total, 2)


if __name__ == "__main__":
    unittest.main()
