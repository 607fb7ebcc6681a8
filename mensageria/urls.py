app_name = "mensageria"

urlpatterns: list = []
