"""A local SMTP relay for the tests that requires TLS and AUTH, as real relays do.

--tls starttls: plain connection, STARTTLS required before anything else;
--tls smtps: TLS from the first byte. Either way AUTH (PLAIN or LOGIN) with
--user/--password is required before MAIL FROM; messages go into --maildir
(aiosmtpd's Mailbox handler, which adds X-MailFrom and X-RcptTo). Runs until
killed. Debian's python3-aiosmtpd, under /usr/bin/python3.
"""
import argparse
import signal
import ssl
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    warnings.simplefilter("ignore", DeprecationWarning)  # aiosmtpd's own, about Session.login_data
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--tls", choices=["starttls", "smtps"], required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    expected = LoginPassword(args.user.encode(), args.password.encode())

    def authenticator(server, session, envelope, mechanism, auth_data):
        # handled=False: aiosmtpd answers a refusal with its 535 reply.
        return AuthResult(success=auth_data == expected, handled=False)

    smtp = dict(hostname="127.0.0.1", port=args.port, ready_timeout=60, authenticator=authenticator,
                auth_required=True)
    if args.tls == "starttls":
        controller = Controller(Mailbox(args.maildir), tls_context=context, require_starttls=True,
                                auth_require_tls=True, **smtp)
    else:
        # The whole connection is TLS; aiosmtpd only counts STARTTLS as TLS
        # for auth_require_tls, so it would never offer AUTH here.
        controller = Controller(Mailbox(args.maildir), ssl_context=context, auth_require_tls=False, **smtp)
    controller.start()
    signal.pause()


if __name__ == "__main__":
    main()
