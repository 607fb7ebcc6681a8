"""The attendants' triage of citizens' reports (login required)."""

app_name = "cidadao"
urlpatterns: list = []
