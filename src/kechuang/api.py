"""The REST API (`/api/v1/`): each app contributes its router."""

from ninja import NinjaAPI
from ninja.operation import Operation

from kechuang.core.api import router as reference_router
from kechuang.core.api_support import install_error_handlers
from kechuang.core.throttles import CallerThrottle
from kechuang.registry.api import router as registry_router

DESCRIPTION = """科创平台开放接口 / Kechuang platform API.

认证 / Authentication: 机构系统使用 API 密钥(请求头 `Authorization: Bearer kc_…`,在“账号安全 → API
密钥”中生成;只读或读写,有有效期,可吊销);网站登录会话亦可(写操作须带 CSRF 令牌 `X-CSRFToken`)。
接口不接受用户名和密码。公开数据(高校院所、服务机构、银行、平台、人员、参考数据)可匿名读取;其余接口须
登录。每个调用方只能看到其角色范围内的数据:范围之外的对象返回 404。请求过于频繁时返回 429 并带
`Retry-After`;POST 请求可带 `Idempotency-Key`,重试时返回首次的结果而不重复执行。
API keys (`Authorization: Bearer kc_…`, issued on the account page: read-only or read-write,
expiring, revocable) for machine clients, or the web site's session (writes need the
`X-CSRFToken` header). Usernames and passwords are not accepted. Public data may be read
anonymously. Each caller sees only what its role may see; objects outside that scope answer
404. Too many requests answer 429 with `Retry-After`; a POST may carry an `Idempotency-Key`,
and a retry with the same key gets the first answer instead of doing the work again.

金额 / Money: 以字符串表示的十进制数(元,精确到分),例如 `"1250000.00"`.
"""


class KechuangAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # From the package: `kechuang.programs.techsme.api.application_list` ->
        # `programs_techsme_application_list`; `kechuang.core.api_jobs.job_list` ->
        # `core_jobs_job_list`.
        parts = operation.view_func.__module__.removeprefix("kechuang.").split(".")
        if parts[-1] == "api":
            parts.pop()
        elif parts[-1].startswith("api_"):
            parts[-1] = parts[-1].removeprefix("api_")
        return "_".join([*parts, operation.view_func.__name__])


api = KechuangAPI(
    title="Kechuang API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    throttle=[CallerThrottle()],
)
install_error_handlers(api)
api.add_router("/registry/", registry_router)
api.add_router("/reference/", reference_router)
api.add_router("/", "kechuang.core.api_jobs.router")
api.add_router("/market/", "kechuang.market.contracts.api.router")
api.add_router("/market/", "kechuang.market.catalogue.api.router")
api.add_router("/market/", "kechuang.market.challenges.api.router")
api.add_router("/market/", "kechuang.market.projects.api.router")
api.add_router("/market/", "kechuang.market.activities.api.router")
api.add_router("/market/", "kechuang.market.matching.api.router")
api.add_router("/programs/", "kechuang.programs.techsme.api.router")
api.add_router("/programs/", "kechuang.programs.notices.api.router")
api.add_router("/programs/", "kechuang.programs.gradient.api.router")
api.add_router("/programs/", "kechuang.programs.runs.api.router")
api.add_router("/programs/", "kechuang.programs.consents.api.router")
