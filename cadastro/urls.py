app_name = "cadastro"

urlpatterns: list = []
