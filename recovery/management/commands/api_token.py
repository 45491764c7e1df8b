"""Create, list and revoke service-account API tokens.

    manage.py api_token create --user svc_register --name "national case register" \
        --scope cases:write --scope requests:read --expires-in-days 365 [--allowed-ip 10.0.0.0/8]
    manage.py api_token list
    manage.py api_token revoke <prefix>

The token is printed once, on the last line of `create`; only its hash is stored.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recovery.api.services import api_token_create, api_token_revoke
from recovery.errors import DomainError
from recovery.models import ApiToken
from recovery.security.events import command_operator


class Command(BaseCommand):
    help = "Create, list and revoke service-account API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token (printed once).")
        create.add_argument("--user", required=True, help="Username of the service account.")
        create.add_argument("--name", required=True)
        create.add_argument("--scope", action="append", default=[], help=", ".join(ApiToken.SCOPE_CHOICES))
        create.add_argument("--expires-in-days", type=int, default=None)
        create.add_argument("--allowed-ip", action="append", default=[], help="Address or CIDR network.")
        sub.add_parser("list", help="List tokens (never their text).")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            return self._create(**options)
        if action == "list":
            for t in ApiToken.objects.select_related("user").order_by("user__username", "-created_at"):
                state = "revoked" if t.is_revoked else ("expired" if t.is_expired() else "active")
                self.stdout.write(
                    f"{t.prefix}  {t.user.username:<20} {state:<8} {','.join(t.scopes):<40} "
                    f"last used {t.last_used_at or '-'}  {t.name}"
                )
            return None
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"No token with prefix {options['prefix']}.")
        # No user signs in to run a command: the event names the command and the OS login.
        api_token_revoke(actor=None, token=token, operator=command_operator("api_token"))
        self.stdout.write(f"Revoked {token}.")
        return None

    def _create(self, *, user, name, scope, expires_in_days, allowed_ip, **_):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user}.")
        expires_at = None
        if expires_in_days is not None:
            if expires_in_days < 1:
                raise CommandError("--expires-in-days must be at least 1.")
            expires_at = timezone.now() + datetime.timedelta(days=expires_in_days)
        try:
            token, text = api_token_create(
                actor=None,
                user=account,
                name=name,
                scopes=scope,
                expires_at=expires_at,
                allowed_ips="\n".join(allowed_ip),
                operator=command_operator("api_token"),
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Token {token.prefix} for {account.username}, scopes {', '.join(token.scopes)}.")
        self.stdout.write("Copy it now: it is not stored and cannot be shown again.")
        self.stdout.write(text)
