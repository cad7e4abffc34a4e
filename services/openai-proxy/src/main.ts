import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { openAiProxyService } from "./openai-proxy-service.js";

closeOnSignals(await startServices(loadConfig(), [openAiProxyService], "openai-proxy"));
