from rest_framework.routers import SimpleRouter

from crm import api

app_name = "crm_api"

# Path converters (`<int:pk>`): ids are integers in the URLs and in the schema.
router = SimpleRouter(use_regex_path=False)
router.register("clients", api.ClientViewSet, basename="client")
router.register("contacts", api.ContactViewSet, basename="contact")
router.register("interactions", api.InteractionViewSet, basename="interaction")
router.register("products", api.ProductViewSet, basename="product")

urlpatterns = router.urls
