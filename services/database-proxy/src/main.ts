import { serviceMain } from "@tasker/platform";
import { databaseProxyService } from "./database-service.js";

await serviceMain([databaseProxyService], "database-proxy");
