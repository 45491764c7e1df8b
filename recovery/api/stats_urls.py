from django.urls import path

from recovery.api import stats

app_name = "stats"

urlpatterns = [
    path("overview/", stats.OverviewStats.as_view(), name="overview"),
    path("countries/", stats.CountryStats.as_view(), name="countries"),
    path("categories/", stats.CategoryStats.as_view(), name="categories"),
    path("overdue/", stats.OverdueStats.as_view(), name="overdue"),
    path("assets/", stats.AssetRecoveryStats.as_view(), name="assets"),
    path("trends/", stats.TrendStats.as_view(), name="trends"),
    path("incoming/", stats.IncomingStats.as_view(), name="incoming"),
    path("report/", stats.ReportStats.as_view(), name="report"),
]
