"""The REST API (`/api/v1/`): each app contributes its router."""

from ninja import NinjaAPI

from kechuang.registry.api import router as registry_router

api = NinjaAPI(
    title="Kechuang API",
    version="1.0.0",
    description="科创平台开放接口 / Kechuang platform API",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/registry/", registry_router)
