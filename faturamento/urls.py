from django.urls import path  # noqa: F401

app_name = "faturamento"

# Each screen of the app adds its routes here.
urlpatterns: list = []
