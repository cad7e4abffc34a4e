import { serviceMain } from "@tasker/platform";
import { gapiProxyService } from "./gapi-proxy-service.js";

await serviceMain([gapiProxyService], "gapi-proxy");
