"""The admin pages that installed packages register - groups (django.contrib.auth), login attempts
and lockouts (django-axes), TOTP devices (django-otp) - registered again behind the project's URL
lookup gate (recovery.admin_base.UrlLookupGate), as every admin page of the project is. Their own
ModelAdmins accept a lookup on any field of their model: `?key__startswith=` on the TOTP devices
would read a device's secret a character at a time."""

import importlib

from django.apps import apps
from django.contrib import admin

from recovery.admin_base import UrlLookupGate

# app -> the module that registers its admin pages
PACKAGE_ADMIN_MODULES = {
    "django.contrib.auth": "django.contrib.auth.admin",
    "axes": "axes.admin",
    "django_otp.plugins.otp_totp": "django_otp.plugins.otp_totp.admin",
}


def gate_package_admins(site=admin.site) -> None:
    modules = set()
    for app, module in PACKAGE_ADMIN_MODULES.items():
        if apps.is_installed(app):
            importlib.import_module(module)  # registers the package's pages now, before we replace them
            modules.add(module)
    for model, model_admin in list(site._registry.items()):
        admin_class = type(model_admin)
        if admin_class.__module__ in modules and not isinstance(model_admin, UrlLookupGate):
            gated = type(admin_class.__name__, (UrlLookupGate, admin_class), {"__module__": __name__})
            site.unregister(model)
            site.register(model, gated)
