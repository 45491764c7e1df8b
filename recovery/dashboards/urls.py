from django.urls import path

from recovery.dashboards import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("countries/", views.by_country, name="countries"),
    path("categories/", views.by_category, name="categories"),
    path("overdue/", views.overdue, name="overdue"),
    path("assets/", views.asset_recovery, name="assets"),
    path("trends/", views.trends, name="trends"),
    path("incoming/", views.incoming, name="incoming"),
    path("report/", views.report, name="report"),
    path("report/export.csv", views.report_csv, name="report-csv"),
    path("report/export.xlsx", views.report_xlsx, name="report-xlsx"),
]
