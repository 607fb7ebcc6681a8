"""The public status page by protocol, and its short link (no login)."""

app_name = "consulta"
urlpatterns: list = []
