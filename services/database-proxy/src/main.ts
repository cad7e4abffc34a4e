import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { databaseProxyService } from "./database-service.js";

closeOnSignals(await startServices(loadConfig(), [databaseProxyService], "database-proxy"));
