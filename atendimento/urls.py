app_name = "atendimento"

urlpatterns: list = []
