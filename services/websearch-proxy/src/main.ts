import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { websearchProxyService } from "./websearch-proxy-service.js";

closeOnSignals(await startServices(loadConfig(), [websearchProxyService], "websearch-proxy"));
