from django.urls import path

from recovery.security import twofactor

app_name = "security"

urlpatterns = [
    path("2fa/setup/", twofactor.otp_setup, name="otp-setup"),
    path("2fa/verify/", twofactor.otp_verify, name="otp-verify"),
]
