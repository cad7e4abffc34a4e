import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { gapiProxyService } from "./gapi-proxy-service.js";

closeOnSignals(await startServices(loadConfig(), [gapiProxyService], "gapi-proxy"));
