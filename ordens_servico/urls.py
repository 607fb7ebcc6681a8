app_name = "ordens_servico"

urlpatterns: list = []
