from django.urls import path

from ordens_servico import views

app_name = "ordens_servico"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<int:pk>/", views.detalhe, name="detalhe"),
    path("<int:pk>/programar/", views.programar, name="programar"),
    path("<int:pk>/desprogramar/", views.desprogramar, name="desprogramar"),
    path("<int:pk>/iniciar/", views.iniciar, name="iniciar"),
    path("<int:pk>/encerrar/", views.encerrar, name="encerrar"),
    path("<int:pk>/encerrar-ra/", views.encerrar_ra, name="encerrar_ra"),
    path("<int:pk>/cancelar/", views.cancelar, name="cancelar"),
    path("ra/<int:pk>/gerar/", views.gerar_para_ra, name="gerar_para_ra"),
    path("equipes/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("programacao/", views.semana, name="semana"),
    path("vencidas/", views.encerrar_vencidas, name="encerrar_vencidas"),
    path("boletim/", views.boletim, name="boletim"),
]
