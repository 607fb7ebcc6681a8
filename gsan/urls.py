from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.forms import LoginForm
from mensageria import views as mensageria_views

urlpatterns = [
    path("entrar/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("sair/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("cadastro/", include("cadastro.urls")),
    path("atendimento/", include("atendimento.urls")),
    path("ordens-servico/", include("ordens_servico.urls")),
    path("mensageria/", include("mensageria.urls")),
    path("faturamento/", include("faturamento.urls")),
    path("cidadao/", include("cidadao.urls")),
    path("relatar/", include("cidadao.urls_relato")),
    path("", include("cidadao.urls_consulta")),
    path("open311/v2/", include("cidadao.open311.urls")),
    path("portal/", include("portal.urls")),
    path("healthz", mensageria_views.healthz, name="healthz"),
    path("", include("core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
