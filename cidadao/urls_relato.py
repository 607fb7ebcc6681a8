"""The public report form (no login)."""

app_name = "relato"
urlpatterns: list = []
