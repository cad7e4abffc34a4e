import { serviceMain } from "@tasker/platform";
import { websearchProxyService } from "./websearch-proxy-service.js";

await serviceMain([websearchProxyService], "websearch-proxy");
