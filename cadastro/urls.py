from django.urls import path

from cadastro import views

app_name = "cadastro"

urlpatterns = [
    path("busca/", views.busca, name="busca"),
    path("imoveis/<int:pk>/", views.imovel_detalhe, name="imovel_detalhe"),
    path("clientes/novo/", views.cliente_novo, name="cliente_novo"),
    path("clientes/<int:pk>/", views.cliente_detalhe, name="cliente_detalhe"),
    path("clientes/<int:pk>/editar/", views.cliente_editar, name="cliente_editar"),
]
