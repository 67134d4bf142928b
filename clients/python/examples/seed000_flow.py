#!/usr/bin/python3
"""Seed 000 end to end: the follow-up of options and reservations.

On a fresh server, as three principals:
  admin       defines a small venue: a season, a product family, a product
              whose options stay until a clerk releases them, two sales
              channels (Guichet, Internet), a category, a tariff and its
              price, one performance;
  web shop    holds seats in a cart and turns it into an option (with the
              hold token the server gave for the cart);
  back office books options for contacts at the box office, then works the
              "Suivi options/réservations" screen: lists the options due
              within 5 days (100 rows a page) and sends a reminder, waits
              until some options are past their deadline, marks one "keep"
              (ne pas libérer), locks one (cadenasser), and releases all the
              others that are overdue (lancer la libération pour tous).

Usage: seed000_flow.py --port PORT --admin-token A --backoffice-token B
       --webshop-token W [--host H] [--tls] [--ca FILE]
"""

import argparse
import datetime
import time

import tessera

SEASON, FAMILY, PRODUCT, PERFORMANCE = 1, 1, 1, 1
BOX_OFFICE, WEB = 1, 2
CATEGORY, TARIFF = 1, 1
REMINDER_FORMAT = 1
DAY_MS = 86_400_000
CONTACTS = [  # contact, number, last name, first name, email
    (1, 100000002951, "BOSCHE", "Lennart", "lennart.bosche@example.org"),
    (2, 100000002952, "DUPONT", "Céline", "celine.dupont@example.org"),
    (3, 100000002953, "MARTIN", "Paul", "paul.martin@example.org"),
]


def now_ms():
    return int(time.time() * 1000)


def when(ms):
    return datetime.datetime.fromtimestamp(ms / 1000).strftime("%d.%m.%Y %H:%M:%S")


def line(quantity):
    return dict(performance=PERFORMANCE, category=CATEGORY, tariff=TARIFF, quantity=quantity)


def define_venue(admin):
    commands = [
        tessera.command("DefineSeason", season=SEASON, name="Saison 2026-2027"),
        tessera.command("DefineProductFamily", family=FAMILY, name="Événement"),
        tessera.command("DefineProduct", product=PRODUCT, season=SEASON, family=FAMILY, name="Entrée au Théâtre",
                        expiry_policy=tessera.ExpiryPolicy.KeepUntilReleased),
        tessera.command("DefineChannel", channel=BOX_OFFICE, name="Guichet"),
        tessera.command("DefineChannel", channel=WEB, name="Internet"),
        tessera.command("DefineCategory", category=CATEGORY, name="Catégorie 1"),
        tessera.command("DefineTariff", tariff=TARIFF, product=PRODUCT, name="Plein tarif"),
        tessera.command("SetTariffPrice", tariff=TARIFF, category=CATEGORY, channel=0, price_cents=3500),
        # An option booked without a deadline lives 7 days.
        tessera.command("SetOptionLifetime", product=PRODUCT, channel=0, kind=tessera.BookingKind.Option,
                        lifetime_ms=7 * DAY_MS),
        tessera.command("DefinePerformance", performance=PERFORMANCE, product=PRODUCT,
                        starts_at_ms=now_ms() + 30 * DAY_MS, capacity=100, contact_limit=0),
        tessera.command("SetGeneralAdmission", performance=PERFORMANCE, category=CATEGORY, capacity=100),
    ]
    for result in admin.request(commands):
        if isinstance(result, Exception):
            raise result
    print("venue: 1 performance of 'Entrée au Théâtre', 100 places in Catégorie 1")


def book_options(office, shop):
    for contact, number, last, first, email in CONTACTS:
        office.define_contact(contact=contact, number=number, last_name=last, first_name=first, email=email, types=1)
    now = now_ms()
    # (contact, quantity, deadline): three options fall due in a few seconds,
    # two in 3 and 10 days.
    plan = [(1, 1, now + 3_000), (2, 2, now + 3_500), (3, 1, now + 4_000), (1, 2, now + 3 * DAY_MS),
            (2, 1, now + 10 * DAY_MS)]
    booked = []
    for contact, quantity, deadline in plan:
        booked.append(office.book(kind=tessera.BookingKind.Option, contact=contact, channel=BOX_OFFICE,
                                  lines=[line(quantity)], deadline_ms=deadline))
    office.set_order_file(order=booked[0], file_number=10000000399)
    # A web cart becomes an option of the product's lifetime: the web shop
    # names its cart with the hold token the hold answered.
    cart = shop.hold(contact=3, channel=WEB, lines=[line(2)], ttl_ms=15 * 60_000)
    option = shop.convert_hold(order=cart, kind=tessera.BookingKind.Option, deadline_ms=0)
    print(f"web cart {cart.order} -> option until {when(option.due_ms)} (hold token {cart.hold_token[:8]}...)")
    print(f"booked {len(booked) + 1} options; "
          f"available now: {shop.get_availability(performance=PERFORMANCE, category=CATEGORY, channel=WEB).available}")
    return booked, option


def show(rows):
    print("  JE LIMITE            CONTACT ACHAT                  N° ORDRE          N° DOSSIER   "
          "FILIÈRE    ARTICLE             SÉANCE            TARIF        QTÉ")
    for r in rows:
        contact = f"{r.contact_name} ({r.contact_number})" if r.contact else "-"
        print(f"  {when(r.due_ms)}  {contact:30} {r.order:<17} {r.file_number or '':<12} {r.channel_name:10} "
              f"{r.product_name:19} {when(r.performance_starts_ms)[:16]}  {r.tariff_name:12} {r.quantity}")


def follow_up(office, due_until_ms):
    """The follow-up screen: mandatory filters kind, deadline, season, family."""
    options = dict(kind=tessera.BookingKind.Option, due_until_ms=due_until_ms, season=SEASON, family=FAMILY)
    first = next(office.follow_up_pages(options, limit=100))
    show(first.rows)
    if first.more:
        print(f"  (the first 100 of {first.total} rows: refine the filters)")
    return options, first


def remind(office, rows):
    office.define_reminder_format(format=REMINDER_FORMAT, name="Rappel d'options/réservations",
                                  type=tessera.FormatType.Reminder, separator=";", extension="csv",
                                  columns=[tessera.ReminderField.OrderNumber, tessera.ReminderField.LastName,
                                           tessera.ReminderField.Deadline])
    batch = office.remind_orders(orders=sorted({r.order for r in rows}), format=REMINDER_FORMAT,
                                 delivery=tessera.Delivery.File)
    print(f"reminder: {len(batch.items)} orders in {batch.destination or 'the export file'}")


def release_overdue(office, booked):
    print("options past their deadline:")
    options, page = follow_up(office, now_ms())
    overdue = [r.order for r in page.rows]
    keep, lock = booked[0].order, booked[1].order
    office.mark_orders(orders=[keep], mark=tessera.ReleaseMark.Keep)  # ne pas libérer
    office.lock_orders(orders=[lock], locked=True)  # cadenasser
    preview = office.preview_release(filter=options)
    print(f"preview: {preview.released} to release, {preview.kept} kept, {preview.locked} locked")
    summary = office.release_all(filter=options)  # lancer la libération pour tous
    print(f"released {summary.released} orders ({summary.units} places), kept {summary.kept}, "
          f"locked {summary.locked}")
    office.lock_orders(orders=[lock], locked=False)  # décadenasser
    return overdue, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--backoffice-token", required=True)
    parser.add_argument("--webshop-token", required=True)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--ca", help="PEM file of the CA (or the self-signed certificate) to trust")
    args = parser.parse_args()
    options = dict(tls=args.tls, ca_file=args.ca)
    with tessera.Client(args.host, args.port, args.admin_token, **options) as admin:
        define_venue(admin)
    with tessera.Client(args.host, args.port, args.backoffice_token, **options) as office, \
            tessera.Client(args.host, args.port, args.webshop_token, **options) as shop:
        booked, web_option = book_options(office, shop)
        print("options due within 5 days (to remind):")
        _, due_soon = follow_up(office, now_ms() + 5 * DAY_MS)
        remind(office, due_soon.rows)
        time.sleep(max(0, booked[2].due_ms - now_ms()) / 1000 + 0.5)
        overdue, summary = release_overdue(office, booked)
        assert len(overdue) == 3 and summary.released == 1, (overdue, summary)
        assert office.get_order(order=booked[2]).state == tessera.OrderState.Released
        assert shop.get_order(order=web_option).state == tessera.OrderState.Option
        available = shop.get_availability(performance=PERFORMANCE, category=CATEGORY, channel=WEB).available
        print(f"available after the release: {available}")
        stock = office.get_stock_summary(performance=PERFORMANCE).rows[0]
        print(f"stock: {stock.free} free, {stock.option} in options, {stock.overdue} overdue")
    print("seed 000 flow: done")


if __name__ == "__main__":
    main()
